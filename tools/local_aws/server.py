"""Build and run the local AWS endpoint: moto's server app, our Lattice backend, our middleware."""

from __future__ import annotations

import logging
import os
import sys

from werkzeug.serving import make_server

from local_aws.middleware import LocalAWSMiddleware


def install_backends() -> None:
    """Put our VPC Lattice backend in place of moto's before moto builds its per-service apps,
    and fix where moto's EC2 and KMS differ from AWS (see ec2_fidelity, kms_fidelity)."""
    import moto.vpclattice
    from moto.core.base_backend import BackendDict

    from local_aws import ec2_fidelity, ecs_fidelity, kms_fidelity, ram_fidelity
    from local_aws.lattice import lattice_backends

    ec2_fidelity.install()
    kms_fidelity.install()
    ecs_fidelity.install()
    ram_fidelity.install()

    moto.vpclattice.vpclattice_backends = lattice_backends
    BackendDict.reset = classmethod(_discard_all_backends)


def _discard_all_backends(backend_dict_class) -> None:
    """``POST /moto-api/reset`` without the waste: moto re-initialises every backend and then discards
    them all, which reloads ~1,000 AWS managed IAM policies per partition for nothing. Discarding is enough:
    the next request builds fresh backends on demand."""
    from moto.core.base_backend import backend_lock

    with backend_lock:
        for backend_dict in backend_dict_class._instances:
            backend_dict.clear()
            # Organizations keeps who manages which account beside its backends.
            getattr(backend_dict, "master_accounts", {}).clear()
        backend_dict_class._instances.clear()


def create_app(request_log_path: str | None = None) -> LocalAWSMiddleware:
    # The reference caller role attaches an AWS managed policy: moto loads them only when asked.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    install_backends()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return LocalAWSMiddleware(DomainDispatcherApplication(create_backend_app), request_log_path)


def serve(port: int = 0, request_log_path: str | None = None, verbose: bool = False) -> None:
    """Serve on 127.0.0.1 until killed; the endpoint URL is the first line on stdout."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    if not verbose:  # the request log is ours; werkzeug's access lines are only noise on stderr
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    server = make_server("127.0.0.1", port, create_app(request_log_path), threaded=True,
                         request_handler=MotoRequestHandler)
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()
