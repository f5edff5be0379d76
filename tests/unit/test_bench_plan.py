"""The peers' steps (tools/bench/plan.py) and the scenarios they are built from (tools/bench/scenarios.py)."""

import pytest
from bench import plan, scenarios
from bench.plan import Barrier, Call, NotFound, Wait


def test_scenarios_parse_and_refuse():
    assert [(s.name, s.services, s.accounts, s.env) for s in scenarios.parse("dev, 10,100x5")] == [
        ("dev", 1, 1, "dev"),
        ("10", 10, 1, "bench10"),
        ("100x5", 100, 5, "bench100x5"),
    ]
    with pytest.raises(ValueError, match="give dev, N"):
        scenarios.parse("ten")


def test_a_100_service_mesh_is_sound_and_each_service_is_called():
    declaration = scenarios.generate("bench100", 100)
    mesh = declaration["lattice_mesh"]
    assert len(mesh["services"]) == 100 and mesh["services"][99]["name"] == "svc99"
    assert scenarios.mesh_gen.problems(declaration) == []
    called = {name for caller in mesh["callers"] for name in caller["calls"]}
    assert called == {service["name"] for service in mesh["services"]}


def test_the_peers_make_each_resource_once():
    mesh_plan = scenarios.mesh_plan(scenarios.generate("bench10", 10))
    steps = plan.deploy_steps(mesh_plan, "us-east-1")
    operations = [step.operation for step in steps if isinstance(step, Call)]
    for operation in (
        "CreateService",
        "CreateTargetGroup",
        "RegisterTargets",
        "CreateListener",
        "CreateRule",
        "CreateServiceNetworkServiceAssociation",
    ):
        assert operations.count(operation) == 10, operation
    # 11 auth policies: the 10 services and the network
    assert operations.count("PutAuthPolicy") == 11
    # per service: service, group, 2 targets, listener, rule, association, policy; plus 4 VPCs with 2 subnets and
    # a group each, key, alias, log group, network, log subscription, 4 VPC associations, 4 roles with their
    # policies and the network's auth policy
    assert plan.resource_count(mesh_plan) == 10 * 8 + 4 * 4 + 3 + 2 + 4 + 4 * 2 + 1
    deletes = [step.operation for step in plan.teardown_steps(mesh_plan) if isinstance(step, Call)]
    assert deletes.count("DeleteService") == 10 and deletes[-1] == "DeleteVpc"


def recording_call(log, gone_after=1):
    reads = {}

    def call(service, operation, params):
        log.append(operation)
        if operation.startswith("Get"):
            reads[operation] = reads.get(operation, 0) + 1
            if operation == "GetGone":
                if reads[operation] > gone_after:
                    raise NotFound(operation)
                return {"status": "DELETE_IN_PROGRESS"}
            return {"status": "ACTIVE"}
        return {"id": f"id-{len(log)}"}

    return call


def steps():
    def wait(operation):
        return Wait("x", operation, lambda s: {}, lambda r: r["status"] == "ACTIVE")

    return [
        Call("x", "CreateA", {}, save={"a": ("id",)}, wait=wait("GetA")),
        Call("x", "CreateB", lambda s: {"parent": s["a"]}, wait=wait("GetB")),
        Barrier(),
        Call("x", "DeleteC", {}, wait=Wait("x", "GetGone", lambda s: {}, gone=True)),
    ]


def test_sequential_waits_follow_each_call_and_overlapping_ones_meet_at_barriers():
    log, state = [], {}
    plan.run_steps(steps(), recording_call(log), state, overlap=False, poll_seconds=0)
    assert log == ["CreateA", "GetA", "CreateB", "GetB", "DeleteC", "GetGone", "GetGone"]
    assert state == {"a": "id-1"}
    log = []
    plan.run_steps(steps(), recording_call(log), {}, overlap=True, poll_seconds=0)
    assert log == ["CreateA", "CreateB", "GetA", "GetB", "DeleteC", "GetGone", "GetGone"]


def test_a_failed_state_stops_the_wait():
    def call(service, operation, params):
        return {"status": "CREATE_FAILED", "failureMessage": "no capacity"} if operation == "GetA" else {"id": "a"}

    with pytest.raises(plan.StepFailed, match="CREATE_FAILED no capacity"):
        plan.run_steps(steps()[:1], call, {}, overlap=True, poll_seconds=0)


def test_a_multi_account_scenario_puts_the_network_in_one_account_and_the_vpcs_in_the_others():
    scenario = scenarios.parse("12x5")[0]
    hosts = scenarios.account_hosts(scenario)
    assert list(hosts) == [f"bench12x5-account{n}" for n in range(5)]
    roles = [host["lattice_assume_role_arn"] for host in hosts.values()]
    assert len(set(roles)) == 5 and all(role.endswith(":role/lattice-deployer") for role in roles)
    mesh = scenarios.spread_over_accounts(scenarios.generate(scenario.env, 12), list(hosts))["lattice_mesh"]
    assert mesh["service_network"]["account"] == "bench12x5-account0"
    assert [vpc["account"] for vpc in mesh["vpcs"]] == [f"bench12x5-account{n}" for n in range(1, 5)]
    assert "too few for 5 accounts" in scenarios.multi_account_problems(scenarios.parse("4x5")[0])[0]
