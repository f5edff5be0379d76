"""Fixtures for the tests of the collection as users run it (build, install, site.yml)."""

from __future__ import annotations

import pytest

from local_aws.process import EndpointProcess


@pytest.fixture(scope="module")
def endpoint():
    """URL of a fresh local AWS endpoint (tools/local-aws --port 0) for one test module."""
    with EndpointProcess() as process:
        yield process.url
