"""Fixtures for the local AWS endpoint's test suite.

One endpoint process (``tools/local-aws --port 0``) serves the whole session; every test starts
from a clean state (moto reset, default config, empty request log). Every Lattice client made
here validates each response against botocore's model (see ``shapes.py``).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from clients import _NO_PROXY, VALIDATOR, make_client
from factory import Lattice
from shapes import ResponseValidator

REPO = HERE.parents[1]
# LOCAL_AWS_LAUNCHER points the suite at another build of the endpoint (e.g. a deliberately broken copy,
# to check that the suite notices).
LAUNCHER = Path(os.environ.get("LOCAL_AWS_LAUNCHER") or REPO / "tools" / "local-aws")
ACCOUNT = "123456789012"
STARTUP_TIMEOUT = 90.0

# The defaults of tools/local_aws/config.py (EndpointConfig), restored before every test.
DEFAULT_CONFIG = {
    "profile": "instant",
    "transition_seconds": 2.0,
    "throttle_rate": 0.0,
    "error_rate": 0.0,
    "lag_reads": 0,
    "seed": 0,
}


# --------------------------------------------------------------------------- endpoint process


def _start_endpoint() -> tuple[subprocess.Popen, str, Path]:
    if not LAUNCHER.exists():
        raise RuntimeError(f"{LAUNCHER} does not exist: the endpoint launcher is missing")
    env = dict(os.environ)
    # The endpoint must load AWS managed IAM policies by itself; do not help it from here.
    env.pop("MOTO_IAM_LOAD_MANAGED_POLICIES", None)
    env["PYTHONFAULTHANDLER"] = "1"  # a fatal error in the endpoint leaves a traceback on its stderr
    stderr_file = Path(tempfile.mkstemp(prefix="local-aws-stderr-", suffix=".log")[1])
    with open(stderr_file, "wb") as err:
        proc = subprocess.Popen(
            [str(LAUNCHER), "--port", "0"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    lines: queue.Queue = queue.Queue()

    def pump():
        first = True
        for raw in iter(proc.stdout.readline, b""):
            if first:
                lines.put(raw.decode(errors="replace").strip())
                first = False
        if first:
            lines.put(None)

    threading.Thread(target=pump, daemon=True).start()

    def fail(why: str):
        _stop(proc)
        stderr = stderr_file.read_text(errors="replace")[-6000:]
        raise RuntimeError(f"tools/local-aws --port 0 failed: {why}\n--- stderr ---\n{stderr}")

    try:
        url = lines.get(timeout=STARTUP_TIMEOUT)
    except queue.Empty:
        fail(f"no URL on stdout within {STARTUP_TIMEOUT}s")
    if url is None:
        fail(f"exited with code {proc.wait()} before printing a URL")
    if not url.startswith("http://127.0.0.1:"):
        fail(f"first stdout line is {url!r}, expected http://127.0.0.1:PORT")
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        try:
            with _NO_PROXY.open(f"{url}/_local/config", timeout=5) as resp:
                resp.read()
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            if proc.poll() is not None:
                fail(f"exited with code {proc.returncode} after printing {url}")
            if time.monotonic() > deadline:
                fail(f"printed {url} but does not answer: {exc}")
            time.sleep(0.1)
    return proc, url, stderr_file


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


_PROCESS: dict = {}


def endpoint_death() -> str | None:
    """Why the session's endpoint process is no longer running (None while it runs)."""
    proc, stderr_file = _PROCESS.get("proc"), _PROCESS.get("stderr")
    if proc is None or proc.poll() is None:
        return None
    rc = proc.returncode
    how = f"killed by signal {-rc}" if rc < 0 else f"exited with code {rc}"
    tail = stderr_file.read_text(errors="replace")[-4000:] if stderr_file and stderr_file.exists() else ""
    return f"the endpoint process {proc.pid} {how}; its stderr ({stderr_file}) ends with:\n{tail}"


@pytest.fixture(scope="session")
def endpoint_url():
    proc, url, stderr_file = _start_endpoint()
    _PROCESS.update(proc=proc, stderr=stderr_file)
    yield url
    died = proc.poll() is not None
    _stop(proc)
    if not died:  # keep the log of an endpoint that died under us
        stderr_file.unlink(missing_ok=True)


# --------------------------------------------------------------------------- control API


class Endpoint:
    """Plain-HTTP access to the endpoint's control API."""

    def __init__(self, url: str):
        self.url = url

    def http(self, method: str, path: str, body=None) -> tuple[int, object]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with _NO_PROXY.open(req, timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (urllib.error.URLError, ConnectionError) as exc:
            death = endpoint_death()
            if death:
                raise RuntimeError(death) from exc
            raise
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw

    def _ok(self, method, path, body=None):
        status, out = self.http(method, path, body)
        assert 200 <= status < 300, f"{method} {path} -> {status}: {out!r}"
        return out

    def reset(self) -> None:
        self._ok("POST", "/moto-api/reset")

    def set_config(self, **settings) -> dict:
        self._ok("POST", "/_local/config", settings)
        return self.get_config()

    def get_config(self) -> dict:
        return self._ok("GET", "/_local/config")

    def requests(self) -> list[dict]:
        return self._ok("GET", "/_local/requests")["requests"]

    def clear_requests(self) -> None:
        self._ok("DELETE", "/_local/requests")


@pytest.fixture(scope="session")
def endpoint(endpoint_url) -> Endpoint:
    return Endpoint(endpoint_url)


@pytest.fixture(autouse=True)
def _clean_state(request):
    # Unit tests of the validator do not need the endpoint.
    if "no_endpoint" in request.keywords:
        yield
        return
    ep: Endpoint = request.getfixturevalue("endpoint")
    ep.reset()
    ep.set_config(**DEFAULT_CONFIG)
    ep.clear_requests()
    yield
    # Leave no fault switched on for the next test's setup calls.
    ep.set_config(**DEFAULT_CONFIG)


def pytest_configure(config):
    config.addinivalue_line("markers", "no_endpoint: test does not use the local endpoint")
    config.addinivalue_line("markers", "run_last: test runs after all others (coverage checks)")


# --------------------------------------------------------------------------- boto3 clients


@pytest.fixture(scope="session")
def lattice(endpoint_url):
    return make_client(endpoint_url, "vpc-lattice")


@pytest.fixture(scope="session")
def lattice_noretry(endpoint_url):
    """Lattice client that makes exactly one attempt per call, so injected faults surface."""
    return make_client(endpoint_url, "vpc-lattice", retries=0)


@pytest.fixture(scope="session")
def lattice_raw(endpoint_url):
    """Lattice client without client-side parameter validation: the endpoint must validate."""
    return make_client(endpoint_url, "vpc-lattice", validate_params=False)


@pytest.fixture(scope="session")
def ec2(endpoint_url):
    return make_client(endpoint_url, "ec2")


@pytest.fixture(scope="session")
def ec2_noretry(endpoint_url):
    return make_client(endpoint_url, "ec2", retries=0)


@pytest.fixture(scope="session")
def iam(endpoint_url):
    return make_client(endpoint_url, "iam")


@pytest.fixture(scope="session")
def iam_noretry(endpoint_url):
    return make_client(endpoint_url, "iam", retries=0)


@pytest.fixture(scope="session")
def logs(endpoint_url):
    return make_client(endpoint_url, "logs")


@pytest.fixture(scope="session")
def s3(endpoint_url):
    return make_client(endpoint_url, "s3")


@pytest.fixture
def make(lattice, ec2, logs, s3) -> Lattice:
    """Builders for Lattice resources through the validating client."""
    return Lattice(lattice, ec2, logs, s3)


@pytest.fixture(scope="session")
def validator() -> ResponseValidator:
    return VALIDATOR


# --------------------------------------------------------------------------- helpers


def pytest_collection_modifyitems(session, config, items):
    # The coverage check of validated operations must run after everything else.
    last = [i for i in items if i.get_closest_marker("run_last")]
    rest = [i for i in items if not i.get_closest_marker("run_last")]
    items[:] = rest + last
