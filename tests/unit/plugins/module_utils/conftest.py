"""Fixtures of the module_utils unit tests; helpers live in lattice_fakes.py."""

import pytest

from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import FakeClock


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture(autouse=True)
def _no_real_sleep(monkeypatch):
    """AWSRetry sleeps between retries; tests must not."""
    from ansible_collections.amazon.aws.plugins.module_utils import cloud

    monkeypatch.setattr(cloud.time, "sleep", lambda seconds: None)
