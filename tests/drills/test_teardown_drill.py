"""Teardown under the realistic profile with faults on (issue 7), the fast version of ``scripts/drills teardown``.

The dev mesh is deployed under ``realistic`` (every asynchronous resource 1 s in *_IN_PROGRESS); then, behind
the tool's back, the association teardown removes first and a VPC association are deleted and re-created so that
they stay CREATE_IN_PROGRESS; then 20% throttling and 5% 500s are turned on and playbooks/teardown.yml runs. It
must succeed, no ConflictException may reach its output although the endpoint answered some (the request log
counts them), and nothing may be left. Figures are printed (pytest -s), not asserted. ``scripts/drills teardown``
runs the same on staging (three services, two callers).
"""

from __future__ import annotations

import pytest
from drills import mesh_gen, teardown_drill

pytestmark = pytest.mark.slow


def test_teardown_with_faults_waits_out_operations_in_progress(endpoint, tmp_path):
    declaration = mesh_gen.copy_environment(tmp_path / "inventories", "dev")
    try:
        case, down = teardown_drill.run_case(endpoint, 1, "dev", declaration, tmp_path, in_progress=True,
                                             throttle=0.2, error=0.05, transition=1.0,
                                             in_progress_seconds=25.0)  # fmt: skip
    finally:
        endpoint.reset()
    print("\n" + teardown_drill.HEADER + "\n" + teardown_drill.format_case(case))
    print(f"in progress when teardown started: {case.in_progress}; 409s by operation: {case.conflict_operations}")
    assert case.problems == [], "\n".join(case.problems)
    assert down is not None and down.ok and "ConflictException" not in down.stdout
    assert len(case.in_progress) == 2
    # The teardown did meet an operation in progress: the endpoint refused a deletion with a 409 it then waited out.
    assert case.conflicts > 0, case.conflict_operations
    # The faults were on: throttles and 500s were answered and absorbed.
    assert case.throttled > 0 and case.errors > 0
    assert case.left == []
