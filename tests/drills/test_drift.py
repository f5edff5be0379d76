"""Drift drill: resources changed or deleted behind the tool's back are reported, then repaired.

The shared mesh (conftest.shared_mesh: dev with an IP target group holding one target and a listener rule
forwarding to it, so that both can drift), deployed once for the session and snapshotted (snapshot.py), is
changed through boto3:

- the listener's default action forwards with weight 50 instead of 100;
- the listener rule is deleted;
- the service's auth type becomes NONE;
- the registered target is deregistered;
- the service network's Environment tag is removed;
- the ingress rule of service B's security group is revoked;
- the service's auth policy is deleted;
- the caller role's inline invoke policy is deleted.

``site.yml --check --diff`` must report each of them (the task that owns the resource is changed) and make no
mutating call; a normal run must bring the endpoint back to the post-deploy snapshot exactly (so the shared mesh
is as the other tests expect it); a further run must change nothing and make no mutating call.
"""

from __future__ import annotations

import re

import pytest
from conftest import IP_GROUP, IP_TARGET
from snapshot import endpoint_snapshot, snapshot_difference

pytestmark = pytest.mark.slow


def changed_tasks(output: str) -> list[str]:
    """The names of the tasks that report changed (on any host or item) in ansible-playbook's default output."""
    changed, task = [], None
    for line in output.splitlines():
        header = re.match(r"^TASK \[(.*)\] \**$", line)
        if header:
            task = header.group(1)
        elif task and line.startswith("changed:") and task not in changed:
            changed.append(task)
    return changed


def mutating(endpoint) -> list[str]:
    return [f"{r['service']}:{r['operation']}" for r in endpoint.requests() if r["mutating"]]


@pytest.fixture
def mesh(shared_mesh):
    """(endpoint, clients, run, snapshot) of the shared mesh; run(*extra) runs site.yml on its inventories."""
    assert shared_mesh.current() == shared_mesh.snapshot, "the shared mesh was left changed by an earlier test"
    return shared_mesh.endpoint, shared_mesh.clients, shared_mesh.site, shared_mesh.snapshot


def drift(clients) -> dict[str, str]:
    """Change the deployed mesh behind the tool's back; {what was done: the task that must notice it}."""
    lattice, ec2, iam = clients("vpc-lattice"), clients("ec2"), clients("iam")

    def by_name(items, name):
        (found,) = [item for item in items if item["name"] == name]
        return found

    service = by_name(lattice.list_services()["items"], "dev-service-b")
    (listener,) = lattice.list_listeners(serviceIdentifier=service["id"])["items"]
    groups = lattice.list_target_groups()["items"]
    group, ip_group = by_name(groups, "dev-service-b-tg"), by_name(groups, f"dev-{IP_GROUP}")
    network = by_name(lattice.list_service_networks()["items"], "dev-service-network")

    lattice.update_listener(serviceIdentifier=service["id"], listenerIdentifier=listener["id"], defaultAction={
        "forward": {"targetGroups": [{"targetGroupIdentifier": group["id"], "weight": 50}]}})  # fmt: skip
    rules = lattice.list_rules(serviceIdentifier=service["id"], listenerIdentifier=listener["id"])["items"]
    (rule,) = [r for r in rules if not r.get("isDefault")]
    lattice.delete_rule(serviceIdentifier=service["id"], listenerIdentifier=listener["id"], ruleIdentifier=rule["id"])
    lattice.update_service(serviceIdentifier=service["id"], authType="NONE")
    lattice.deregister_targets(targetGroupIdentifier=ip_group["id"], targets=[{"id": IP_TARGET, "port": 8080}])
    lattice.untag_resource(resourceArn=network["arn"], tagKeys=["Environment"])
    (security_group,) = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["dev-service-b-sg"]}])["SecurityGroups"]  # fmt: skip
    ec2.revoke_security_group_ingress(GroupId=security_group["GroupId"], IpPermissions=security_group["IpPermissions"])
    lattice.delete_auth_policy(resourceIdentifier=service["arn"])
    (inline,) = iam.list_role_policies(RoleName="dev-service-a-role")["PolicyNames"]
    iam.delete_role_policy(RoleName="dev-service-a-role", PolicyName=inline)
    service_role, network_role = "lattice.mesh.service", "lattice.mesh.service_network"
    return {
        "listener default action weight 100 -> 50": "lattice.mesh.service : Create the listeners",
        "listener rule api deleted": "lattice.mesh.service : Create the rules",
        "service auth type AWS_IAM -> NONE": "lattice.mesh.service : Create the service",
        f"target {IP_TARGET} deregistered":
            "lattice.mesh.service : Create the target groups and register their targets",
        "service network tag Environment removed": f"{network_role} : Create or update the service network",
        "security group ingress rule revoked": "lattice.mesh.network : Create the security groups",
        "service auth policy deleted": f"{service_role} : Allow exactly the given principals to invoke the service",
        "caller role inline policy deleted":
            "lattice.mesh.caller_iam : Allow each caller to invoke exactly its services",
    }  # fmt: skip


def test_drift_is_reported_by_check_mode_and_repaired(mesh):
    endpoint, clients, run, deployed = mesh
    expected = drift(clients)
    drifted = endpoint_snapshot(clients)
    assert drifted != deployed
    print(f"\ndrift: {len(expected)} changes behind the tool's back; snapshot differences:")
    print("\n".join("  " + line for line in snapshot_difference(deployed, drifted)))

    endpoint.clear_requests()
    check = run("--check", "--diff")
    assert check.returncode == 0, check.stdout[-6000:]
    assert check.recap().get("changed", 0) > 0, check.stdout[-4000:]
    reported = changed_tasks(check.stdout)
    missed = {what: task for what, task in expected.items() if task not in reported}
    assert not missed, f"check mode did not report {missed}; changed tasks: {reported}"
    assert mutating(endpoint) == [], f"check mode made mutating calls: {mutating(endpoint)}"
    assert endpoint_snapshot(clients) == drifted, "check mode changed the endpoint"
    print(f"check mode: changed={check.recap()['changed']}, changed tasks: {reported}")

    endpoint.clear_requests()
    repair = run()
    assert repair.returncode == 0, repair.stdout[-6000:]
    repaired = endpoint_snapshot(clients)
    assert repaired == deployed, "\n".join(snapshot_difference(deployed, repaired))
    print(f"repair: changed={repair.recap()['changed']}, mutating calls: {mutating(endpoint)}")

    endpoint.clear_requests()
    again = run()
    assert again.returncode == 0, again.stdout[-6000:]
    assert again.recap()["changed"] == 0, again.stdout[-6000:]
    assert mutating(endpoint) == [], f"the run after the repair made mutating calls: {mutating(endpoint)}"
    assert endpoint_snapshot(clients) == deployed


def _service_b(lattice):
    (service,) = [s for s in lattice.list_services()["items"] if s["name"] == "dev-service-b"]
    (listener,) = lattice.list_listeners(serviceIdentifier=service["id"])["items"]
    (association,) = lattice.list_service_network_service_associations(serviceIdentifier=service["id"])["items"]
    return service, listener, association


def _untag_listener(lattice, service, listener, association):
    lattice.untag_resource(resourceArn=listener["arn"], tagKeys=["Environment"])


def _retag_association(lattice, service, listener, association):
    lattice.tag_resource(resourceArn=association["arn"], tags={"Name": "renamed-by-hand"})


def _move_rule(lattice, service, listener, association):
    rules = lattice.list_rules(serviceIdentifier=service["id"], listenerIdentifier=listener["id"])["items"]
    (rule,) = [r for r in rules if not r.get("isDefault")]
    lattice.update_rule(
        serviceIdentifier=service["id"], listenerIdentifier=listener["id"], ruleIdentifier=rule["id"], priority=20
    )


def _change_health_check(lattice, service, listener, association):
    # The group whose health check the declaration sets (the IP group's is left to AWS, and so alone).
    (group,) = [g for g in lattice.list_target_groups()["items"] if g["name"] == "dev-service-b-tg"]
    lattice.update_target_group(targetGroupIdentifier=group["id"], healthCheck={"path": "/changed-by-hand"})


def _add_listener(lattice, service, listener, association):
    lattice.create_listener(serviceIdentifier=service["id"], name="stray", protocol="HTTP", port=8080,
                            defaultAction={"fixedResponse": {"statusCode": 404}})  # fmt: skip


# One change at a time, in the one service of the shared mesh: site.yml skips a service it reads as declared
# (mesh_services_in_sync), so each difference on its own must make the service's role run and report it.
SINGLE_DRIFTS = {
    "listener tag removed": (_untag_listener, "lattice.mesh.service : Create the listeners"),
    "association tag changed": (
        _retag_association,
        "lattice.mesh.service : Associate the service with the service network",
    ),
    "rule priority 10 -> 20": (_move_rule, "lattice.mesh.service : Create the rules"),
    "health check path changed": (
        _change_health_check,
        "lattice.mesh.service : Create the target groups and register their targets",
    ),
    "undeclared listener added": (
        _add_listener,
        "lattice.mesh.service : Delete the listeners that are not declared (with their rules)",
    ),
}


@pytest.mark.parametrize("what", sorted(SINGLE_DRIFTS))
def test_a_single_difference_in_a_service_is_not_skipped(mesh, what):
    endpoint, clients, run, deployed = mesh
    change, task = SINGLE_DRIFTS[what]
    change(clients("vpc-lattice"), *_service_b(clients("vpc-lattice")))
    drifted = endpoint_snapshot(clients)
    assert drifted != deployed

    endpoint.clear_requests()
    check = run("--check", "--diff")
    assert check.returncode == 0, check.stdout[-6000:]
    assert task in changed_tasks(check.stdout), f"{what}: not reported; changed tasks: {changed_tasks(check.stdout)}"
    assert mutating(endpoint) == [], f"check mode made mutating calls: {mutating(endpoint)}"

    repair = run()
    assert repair.returncode == 0, repair.stdout[-6000:]
    assert task in changed_tasks(repair.stdout)
    repaired = endpoint_snapshot(clients)
    assert repaired == deployed, "\n".join(snapshot_difference(deployed, repaired))
