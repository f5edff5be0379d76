"""lattice.mesh.target_group and target_group_info against the local endpoint, proven at the endpoint.

- check mode and repeated runs make no mutating call (the request log);
- a group whose creation fails reports AWS's failureCode/failureMessage;
- a group a listener forwards to is not deleted, and the message names the service;
- with real asynchronous transitions: creation, target health and a delete during creation are waited out.
"""

import time

import pytest
from lattice_playbooks import mutating, play, task

pytestmark = pytest.mark.slow

TARGET_GROUP = "lattice.mesh.target_group"
TARGET_GROUP_INFO = "lattice.mesh.target_group_info"


def tg_task(name, args, **options):
    return task(name, args, module=TARGET_GROUP, **options)


def ip_group(name, vpc_id, **extra):
    args = {
        "name": name,
        "type": "IP",
        "config": {"protocol": "HTTP", "port": 8080, "vpc": vpc_id, "health_check": {"path": "/health"}},
        "targets": [{"id": "10.20.0.10"}, {"id": "10.20.0.11", "port": 8081}],
        "tags": {"team": "mesh"},
    }
    args.update(extra)
    return args


def new_vpc(local_aws):
    return local_aws.client("ec2").create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]


def wait_active(get, description, timeout=30):
    deadline = time.monotonic() + timeout
    while get()["status"] != "ACTIVE":
        assert time.monotonic() < deadline, f"{description} never became ACTIVE"
        time.sleep(0.3)


def forward_from_a_listener(local_aws, service_name, target_group_id):
    """A service whose listener forwards to the target group; returns the service."""
    lattice = local_aws.client("vpc-lattice")
    service = lattice.create_service(name=service_name)
    wait_active(lambda: lattice.get_service(serviceIdentifier=service["id"]), "the service")
    lattice.create_listener(
        serviceIdentifier=service["id"],
        name="http",
        protocol="HTTP",
        port=80,
        defaultAction={"forward": {"targetGroups": [{"targetGroupIdentifier": target_group_id}]}},
    )
    return service


def test_check_mode_and_repeats_make_no_mutating_call(playbook, local_aws):
    vpc_id = new_vpc(local_aws)
    name = f"{playbook.prefix}-idem"
    desired = ip_group(name, vpc_id)

    local_aws.clear_requests()
    setup = playbook(play(tg_task("create", desired)))
    assert setup.returncode == 0, setup.explain()
    assert mutating(local_aws.requests()) == ["CreateTargetGroup (201)", "RegisterTargets (200)"]

    local_aws.clear_requests()
    changed_everything = dict(
        desired,
        config={"health_check": {"path": "/ready", "healthy_threshold_count": 3}},
        targets=[{"id": "10.20.0.12"}],
        tags={"team": "other"},
    )
    probe = playbook(
        play(
            tg_task("repeat", desired),
            tg_task("repeat by name only", {"name": name}),
            tg_task("repeat in check mode", desired, check_mode=True),
            tg_task("repeat waiting for the targets", dict(desired, wait_for_targets=True)),
            tg_task("create another in check mode", dict(desired, name=f"{name}-new"), check_mode=True),
            tg_task("update in check mode", changed_everything, check_mode=True),
            tg_task("delete in check mode", {"name": name, "state": "absent"}, check_mode=True),
            tg_task("delete a missing one", {"name": f"{name}-missing", "state": "absent"}),
            task("info", {"name": name}, module=TARGET_GROUP_INFO),
            task("info, all of the VPC", {"vpc": vpc_id}, module=TARGET_GROUP_INFO),
        ),
        json_output=True,
    )
    assert probe.returncode == 0, probe.explain()
    logged = local_aws.requests()
    assert logged, "the endpoint logged no vpc-lattice request: the probe did not reach it"
    assert mutating(logged) == [], f"check mode or a repeat made mutating calls: {mutating(logged)}"

    results = probe.task_results()
    for unchanged in ("repeat", "repeat by name only", "repeat in check mode", "repeat waiting for the targets"):
        assert results[unchanged]["changed"] is False, unchanged
    assert results["create another in check mode"]["changed"] is True
    predicted = results["update in check mode"]
    assert predicted["changed"] is True
    assert predicted["target_group"]["config"]["health_check"]["path"] == "/ready"
    assert [target["id"] for target in predicted["target_group"]["targets"]] == ["10.20.0.12"]
    assert predicted["target_group"]["tags"] == {"team": "other"}
    assert predicted["diff"]["before"]["config"]["health_check"]["path"] == "/health"
    assert results["delete in check mode"]["changed"] is True
    assert results["delete a missing one"]["changed"] is False
    assert [group["name"] for group in results["info, all of the VPC"]["target_groups"]] == [name]

    # A no-op run reads the group, its tags and its targets, nothing else.
    operations = {entry["operation"] for entry in logged}
    assert operations <= {"ListTargetGroups", "GetTargetGroup", "ListTagsForResource", "ListTargets"}, operations

    # and the check-mode calls really left everything as it was
    lattice = local_aws.client("vpc-lattice")
    group_id = results["repeat"]["target_group"]["id"]
    assert lattice.get_target_group(targetGroupIdentifier=group_id)["config"]["healthCheck"]["path"] == "/health"
    assert len(lattice.list_targets(targetGroupIdentifier=group_id)["items"]) == 2


def test_failed_creation_reports_aws_reason(playbook, local_aws):
    local_aws.configure(fail_creates=f"{playbook.prefix}-fail*")
    vpc_id = new_vpc(local_aws)
    run = playbook(
        play(tg_task("create", ip_group(f"{playbook.prefix}-fail", vpc_id), ignore_errors=True)), json_output=True
    )
    assert run.returncode == 0, run.explain()
    result = run.task_results()["create"]
    assert result.get("failed") is True, result
    assert "is CREATE_FAILED: LOCAL_FAULT_INJECTED: Creation of tg-" in result["msg"], result["msg"]
    # the waiter stopped at the failure: no targets were registered into a failed group
    assert mutating(local_aws.requests()) == ["CreateTargetGroup (201)"]


def test_delete_refused_while_a_listener_forwards_to_it(playbook, local_aws):
    vpc_id = new_vpc(local_aws)
    name = f"{playbook.prefix}-used"
    created = playbook(play(tg_task("create", ip_group(name, vpc_id))), json_output=True)
    assert created.returncode == 0, created.explain()
    group_id = created.task_results()["create"]["target_group"]["id"]
    service = forward_from_a_listener(local_aws, f"{playbook.prefix}-svc", group_id)

    local_aws.clear_requests()
    run = playbook(
        play(
            tg_task("delete in check mode", {"name": name, "state": "absent"}, check_mode=True, ignore_errors=True),
            tg_task("delete", {"name": name, "state": "absent"}, ignore_errors=True),
            task("info", {"name": group_id}, module=TARGET_GROUP_INFO),
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = run.task_results()
    expected = (
        f"target group '{name}' ({group_id}) still has 1 dependent service: {service['name']} ({service['id']});"
        " remove the target group from the actions of their listeners and rules first"
    )
    for attempt in ("delete in check mode", "delete"):
        assert results[attempt].get("failed") is True, results[attempt]
        assert expected in results[attempt]["msg"], results[attempt]["msg"]
        assert results[attempt]["changed"] is False
    assert mutating(local_aws.requests()) == []
    info = results["info"]["target_groups"][0]
    assert info["service_arns"] == [service["arn"]]
    # A listener forwards to the group now: its targets are health checked (no longer UNUSED).
    assert {target["status"] for target in info["targets"]} <= {"INITIAL", "HEALTHY"}


def test_waits_under_realistic_transitions(playbook, local_aws):
    """Creation, target health and a delete during creation are waited out when transitions take time."""
    # Long enough that the delete task surely starts while the creation is in progress, even on a busy machine.
    local_aws.configure(profile="realistic", transition_seconds=8)
    vpc_id = new_vpc(local_aws)
    name = f"{playbook.prefix}-slow"
    lattice = local_aws.client("vpc-lattice")

    created = playbook(play(tg_task("create", ip_group(name, vpc_id, targets=[]))), json_output=True)
    assert created.returncode == 0, created.explain()
    group = created.task_results()["create"]["target_group"]
    assert group["status"] == "ACTIVE"
    forward_from_a_listener(local_aws, f"{playbook.prefix}-svc", group["id"])

    local_aws.clear_requests()
    run = playbook(
        play(
            tg_task("register and wait for health", dict(ip_group(name, vpc_id), wait_for_targets=True)),
            tg_task("create without waiting", ip_group(f"{name}-2", vpc_id, targets=None, wait=False)),
            tg_task("delete while it is being created", {"name": f"{name}-2", "state": "absent"}),
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = run.task_results()
    healthy = results["register and wait for health"]["target_group"]["targets"]
    assert [(target["id"], target["status"]) for target in healthy] == [
        ("10.20.0.10", "HEALTHY"),
        ("10.20.0.11", "HEALTHY"),
    ]
    assert results["create without waiting"]["target_group"]["status"] == "CREATE_IN_PROGRESS"
    assert results["delete while it is being created"]["changed"] is True
    deletes = [entry["status"] for entry in local_aws.requests() if entry["operation"] == "DeleteTargetGroup"]
    assert deletes[0] == 409 and deletes[-1] == 200, f"expected a conflict, then a delete: {deletes}"
    assert [item["name"] for item in lattice.list_target_groups()["items"]] == [name]
