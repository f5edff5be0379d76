"""The critical path of the benchmark's realistic measurement (tools/bench/critical_path.py)."""

import pytest
from bench import scenarios
from bench.critical_path import critical_path, longest_chain


def test_a_chain_adds_up_and_parallel_waits_do_not():
    durations = {"a": 2.0, "b": 3.0, "c": 1.0, "d": 5.0}
    after = {"b": ["a"], "c": ["b"]}  # a -> b -> c is 6 s; d alone is 5 s
    assert longest_chain(durations, after) == (6.0, ["a", "b", "c"])


def test_the_heaviest_branch_wins_at_a_join():
    durations = {"root": 1.0, "short": 1.0, "long": 4.0, "join": 2.0}
    after = {"short": ["root"], "long": ["root"], "join": ["short", "long"]}
    assert longest_chain(durations, after) == (7.0, ["root", "long", "join"])


def test_no_waits_is_no_time():
    assert longest_chain({}, {}) == (0.0, [])


def test_a_dependency_on_an_unknown_wait_is_refused():
    with pytest.raises(ValueError, match="ghost"):
        longest_chain({"a": 1.0}, {"a": ["ghost"]})


def test_a_deploy_overlaps_every_create_and_a_teardown_chains_three():
    plan = scenarios.mesh_plan(scenarios.generate("cp", 10))
    seconds, chain = critical_path(plan, 2.0)
    assert seconds == 2.0 and len(chain) == 1
    seconds, chain = critical_path(plan, 2.0, "teardown")
    # association gone -> service gone -> its target group gone
    assert seconds == 6.0
    assert [node.split(":")[0] for node in chain] == ["service_association", "service", "target_group"]
