"""Runs last: every Lattice operation the endpoint implements was called and its response validated."""

from __future__ import annotations

import pytest
from clients import IMPLEMENTED_LATTICE_OPERATIONS


@pytest.mark.run_last
@pytest.mark.no_endpoint
def test_every_implemented_lattice_operation_was_validated(validator):
    missing = [op for op in IMPLEMENTED_LATTICE_OPERATIONS if not validator.validated.get(op)]
    assert not missing, f"never called with a validated success response: {missing}"


@pytest.mark.run_last
@pytest.mark.no_endpoint
def test_operation_list_matches_botocore(validator):
    import botocore.session

    model = botocore.session.get_session().get_service_model("vpc-lattice")
    assert set(IMPLEMENTED_LATTICE_OPERATIONS) <= set(model.operation_names)
    assert len(IMPLEMENTED_LATTICE_OPERATIONS) == 53
