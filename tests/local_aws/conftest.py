"""Fixtures for the local AWS endpoint's test suite.

One endpoint process (``tools/local-aws --port 0``) serves the whole session; every test starts
from a clean state (moto reset, default config, empty request log). Every Lattice client made
here validates each response against botocore's model (see ``shapes.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from clients import VALIDATOR, make_client
from factory import Lattice
from shapes import ResponseValidator

from local_aws.process import DEFAULT_SETTINGS, EndpointProcess

# --------------------------------------------------------------------------- endpoint process


@pytest.fixture(scope="session")
def endpoint() -> EndpointProcess:
    """The session's endpoint; LOCAL_AWS_LAUNCHER runs the suite against another build of it."""
    with EndpointProcess() as process:
        yield process


@pytest.fixture(scope="session")
def endpoint_url(endpoint) -> str:
    return endpoint.url


@pytest.fixture(autouse=True)
def _clean_state(request):
    # Unit tests of the validator do not need the endpoint.
    if "no_endpoint" in request.keywords:
        yield
        return
    process: EndpointProcess = request.getfixturevalue("endpoint")
    process.reset()
    yield
    # Leave no fault switched on for the next test's setup calls.
    process.set_config(**DEFAULT_SETTINGS)


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
