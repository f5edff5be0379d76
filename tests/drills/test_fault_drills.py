"""Fast versions of the fault and interruption drills (the long ones: scripts/drills faults|interrupt).

- faults: dev deploys under 20% throttling, 5% 500s and 2 lagging reads (seed 1), reaches exactly the declared
  state with no duplicate, and tears down to nothing (faults on for the teardown too);
- interruption: site.yml of dev is SIGKILLed after a third of its requests; the next run converges to the
  declared state without duplicates and teardown leaves nothing;
- the generated mesh passes lattice.mesh.mesh_problems and its expected state is what the drills compare with.
Figures are printed (pytest -s), not asserted.
"""

from __future__ import annotations

import pytest
import yaml
from drills import faults, interrupt, mesh_gen, state


@pytest.mark.parametrize("services", [1, 2, 10, 25])
def test_generated_mesh_is_sound_and_complete(tmp_path, services):
    declaration = mesh_gen.write_environment(tmp_path, "mesh", services)
    assert yaml.safe_load((tmp_path / "mesh" / "group_vars" / "all.yml").read_text()) == declaration
    assert list(yaml.safe_load((tmp_path / "mesh" / "hosts.yml").read_text())["all"]["hosts"]) == ["mesh-main"]
    assert mesh_gen.problems(declaration) == []
    mesh = declaration["lattice_mesh"]
    assert len(mesh["services"]) == services
    called = {name for caller in mesh["callers"] for name in caller["calls"]}
    assert called == {s["name"] for s in mesh["services"]}, "every service has a caller (and a non-empty policy)"
    want = state.expected(declaration)
    assert sorted(want["services"]) == [f"mesh-svc{i:02d}" for i in range(services)]
    for groups in want["target_groups"].values():
        assert len(groups[0]["targets"]) == 2


def test_kill_points_are_seeded_and_inside_the_run():
    points = [interrupt.kill_point(seed, 400, 60.0) for seed in range(1, 11)]
    assert points == [interrupt.kill_point(seed, 400, 60.0) for seed in range(1, 11)]
    assert all(20 <= p.get("after_requests", 200) <= 380 and 3 <= p.get("after_seconds", 30) <= 57 for p in points)


@pytest.mark.slow
def test_dev_deploys_exactly_under_faults_and_tears_down(endpoint, drill_env, tmp_path):
    env = drill_env("dev")
    row = faults.run_one(endpoint, 1, "dev", env.declaration, env.root)
    print("\n" + faults.HEADER + "\n" + faults.format_row(row))
    assert row.ok, "\n".join([row.outcome, *row.problems])
    assert row.throttled + row.errors > 0, "the faults were not injected"


@pytest.mark.slow
def test_dev_converges_after_a_sigkill(endpoint, drill_env):
    env = drill_env("dev")
    row = interrupt.run_one(endpoint, 1, {"after_requests": 60}, "dev", env.declaration, env.root)
    print("\n" + interrupt.HEADER + "\n" + interrupt.format_row(row))
    assert row.killed == "killed" and row.mutating_at_kill > 0, row
    assert row.ok, "\n".join([row.outcome, *row.problems])
