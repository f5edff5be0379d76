"""The RAM modules against the local endpoint, with the request log as witness: check mode and repeated runs make no
mutating RAM call, a share changes only what the task asks, and the invitation is accepted once. Two accounts: the
test credentials' (the owner) and one whose credentials come from STS in the play (the consumer)."""

import pytest
from lattice_playbooks import CONNECTION, mutating

pytestmark = pytest.mark.slow

CONSUMER = "222222222222"
CONSUMER_CONNECTION = {
    "access_key": "{{ consumer.sts_creds.access_key }}",
    "secret_key": "{{ consumer.sts_creds.secret_key }}",
    "session_token": "{{ consumer.sts_creds.session_token }}",
    "region": "{{ aws_region }}",
    "endpoint_url": "{{ aws_endpoint_url }}",
}


def ram_play(*tasks, consumer_tasks=()):
    """Owner tasks, then (with the consumer's credentials from STS, never logged) the consumer's."""
    consumer_block = []
    if consumer_tasks:
        consumer_block = [
            {
                "name": "consumer credentials",
                "amazon.aws.sts_assume_role": dict(
                    CONNECTION, role_arn=f"arn:aws:iam::{CONSUMER}:role/ram-driver", role_session_name="ram-driver"
                ),
                "register": "consumer",
                "no_log": True,
            },
            {
                "name": "as the consumer",
                "module_defaults": {"group/lattice.mesh.ram": CONSUMER_CONNECTION},
                "block": list(consumer_tasks),
            },
        ]
    return [
        {
            "name": "ram modules",
            "hosts": "localhost",
            "gather_facts": False,
            "module_defaults": {"group/lattice.mesh.ram": CONNECTION, "group/lattice.mesh.lattice": CONNECTION},
            "tasks": list(tasks) + consumer_block,
        }
    ]


def ram_task(name, args, module="ram_resource_share", check_mode=False):
    task = {"name": name, f"lattice.mesh.{module}": args}
    if check_mode:
        task["check_mode"] = True
    return task


def ram_mutations(local_aws):
    return mutating(local_aws.requests(service="ram"))


def test_check_mode_and_repeats_make_no_mutating_call(playbook, local_aws):
    network = local_aws.client("vpc-lattice").create_service_network(name=f"{playbook.prefix}-ram")
    share = {
        "name": f"{playbook.prefix}-share",
        "resource_arns": [network["arn"]],
        "principals": [CONSUMER],
        "tags": {"team": "mesh"},
    }
    created = playbook(ram_play(ram_task("create", share)), json_output=True)
    assert created.returncode == 0, created.explain()
    assert ram_mutations(local_aws) == ["CreateResourceShare (200)"]

    local_aws.clear_requests()
    invitation = {"resource_share_name": share["name"], "state": "accepted"}
    probe = playbook(
        ram_play(
            ram_task("repeat", share),
            ram_task("repeat by name only", {"name": share["name"]}),
            ram_task("repeat in check mode", share, check_mode=True),
            ram_task("create another in check mode", dict(share, name=f"{share['name']}-2"), check_mode=True),
            ram_task("update in check mode", dict(share, principals=[], tags={"x": "y"}), check_mode=True),
            ram_task("delete in check mode", {"name": share["name"], "state": "absent"}, check_mode=True),
            ram_task("delete a missing one", {"name": f"{share['name']}-missing", "state": "absent"}),
            ram_task("info", {"name": share["name"]}, module="ram_resource_share_info"),
            consumer_tasks=[
                ram_task("accept in check mode", invitation, module="ram_resource_share_invitation", check_mode=True),
                ram_task("list", {"resource_share_name": share["name"]}, module="ram_resource_share_invitation"),
            ],
        ),
        json_output=True,
    )
    assert probe.returncode == 0, probe.explain()
    assert local_aws.requests(service="ram"), "the probe made no RAM request"
    assert ram_mutations(local_aws) == [], f"check mode or a repeat made mutating calls: {ram_mutations(local_aws)}"
    results = probe.task_results()
    for name in ("repeat", "repeat by name only", "repeat in check mode", "delete a missing one"):
        assert results[name]["changed"] is False, (name, results[name])
    for name in ("create another in check mode", "update in check mode", "delete in check mode"):
        assert results[name]["changed"] is True, (name, results[name])
    assert results["update in check mode"]["resource_share"]["principals"] == []
    assert results["accept in check mode"]["changed"] is True
    assert [i["status"] for i in results["list"]["invitations"]] == ["PENDING"]

    # Accepting changes once: one AcceptResourceShareInvitation, none on the repeat.
    local_aws.clear_requests()
    accepted = playbook(
        ram_play(
            consumer_tasks=[
                ram_task("accept", invitation, module="ram_resource_share_invitation"),
                ram_task("accept again", invitation, module="ram_resource_share_invitation"),
            ]
        ),
        json_output=True,
    )
    assert accepted.returncode == 0, accepted.explain()
    assert ram_mutations(local_aws) == ["AcceptResourceShareInvitation (200)"]
    results = accepted.task_results()
    assert (results["accept"]["changed"], results["accept again"]["changed"]) == (True, False)


def test_update_makes_only_the_calls_it_needs(playbook, local_aws):
    lattice = local_aws.client("vpc-lattice")
    network = lattice.create_service_network(name=f"{playbook.prefix}-ram")
    service = lattice.create_service(name=f"{playbook.prefix}-svc")
    share = {"name": f"{playbook.prefix}-share", "resource_arns": [network["arn"]], "tags": {"a": "1"}}
    assert playbook(ram_play(ram_task("create", share))).returncode == 0

    local_aws.clear_requests()
    run = playbook(
        ram_play(
            ram_task(
                "add a service, keep the network",
                {"name": share["name"], "resource_arns": [service["arn"]], "purge_resources": False},
            ),
            ram_task("drop the network", {"name": share["name"], "resource_arns": [service["arn"]]}),
            ram_task("retag", {"name": share["name"], "tags": {"b": "2"}, "purge_tags": False}),
            ram_task("external principals off", {"name": share["name"], "allow_external_principals": False}),
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    assert ram_mutations(local_aws) == [
        "AssociateResourceShare (200)",
        "DisassociateResourceShare (200)",
        "TagResource (200)",
        "UpdateResourceShare (200)",
    ]
    results = run.task_results()
    assert sorted(results["add a service, keep the network"]["resource_share"]["resource_arns"]) == sorted(
        [network["arn"], service["arn"]]
    )
    assert results["drop the network"]["resource_share"]["resource_arns"] == [service["arn"]]
    assert results["retag"]["resource_share"]["tags"] == {"a": "1", "b": "2"}
    assert results["external principals off"]["resource_share"]["allow_external_principals"] is False


def test_bad_input_refused_before_any_call(playbook, local_aws):
    run = playbook(
        ram_play(
            {**ram_task("numeric-looking principal", {"name": "x", "principals": ["12345"]}), "ignore_errors": True},
            {**ram_task("not an arn", {"name": "x", "resource_arns": ["sn-0123"]}), "ignore_errors": True},
            {
                **ram_task("accept without a filter", {"state": "accepted"}, module="ram_resource_share_invitation"),
                "ignore_errors": True,
            },
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = run.task_results()
    assert results["numeric-looking principal"]["msg"].startswith("principals: '12345' is not a principal")
    assert results["not an arn"]["msg"].startswith("resource_arns: 'sn-0123' is not an ARN")
    assert results["accept without a filter"]["msg"].startswith("state=accepted needs a filter")
    assert local_aws.requests(service="ram") == []
