"""Run the integration targets with a real ansible-playbook against the local AWS endpoint.

One endpoint process (``tools/local-aws --port 0``) serves this module; before each test the
endpoint is reset (``POST /moto-api/reset``) and its request log cleared. Then:

- every target under ``tests/integration/targets/`` (unless its ``aliases`` say ``disabled`` or
  ``unsupported``) runs as a role, over HTTP, exactly as a user's playbook would;
- the request log (``GET /_local/requests``) proves that check mode and repeated runs make no
  mutating call, not just that they report ``changed: false``;
- a deletion blocked by associations fails with a message naming them;
- the service_network target passes again with throttling, server errors and read lag injected.
"""

import time

import pytest
from lattice_playbooks import mutating, play, targets, task

pytestmark = pytest.mark.slow


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("target", targets())
def test_target(playbook, target):
    run = playbook([{"name": f"target {target}", "hosts": "localhost", "gather_facts": False, "roles": [target]}])
    assert run.returncode == 0, run.explain()


def test_check_mode_and_repeats_make_no_mutating_call(playbook, local_aws):
    name = f"{playbook.prefix}-idem"
    desired = {"name": name, "auth_type": "AWS_IAM", "tags": {"team": "mesh"}}

    setup = playbook(play(task("create", desired)))
    assert setup.returncode == 0, setup.explain()
    assert mutating(local_aws.requests()) == ["CreateServiceNetwork (201)"]

    local_aws.clear_requests()
    probe = playbook(
        play(
            task("repeat", desired),
            task("repeat by name only", {"name": name}),
            task("repeat in check mode", desired, check_mode=True),
            task("create another in check mode", dict(desired, name=f"{name}-new"), check_mode=True),
            task("update in check mode", dict(desired, auth_type="NONE", tags={"x": "y"}), check_mode=True),
            task("delete in check mode", {"name": name, "state": "absent"}, check_mode=True),
            task("delete a missing one", {"name": f"{name}-missing", "state": "absent"}),
            task("info", {"name": name}, module="lattice.mesh.service_network_info"),
            task("info, all", {}, module="lattice.mesh.service_network_info"),
        ),
        json_output=True,
    )
    assert probe.returncode == 0, probe.explain()
    logged = local_aws.requests()
    assert logged, "the endpoint logged no vpc-lattice request: the probe did not reach it"
    assert mutating(logged) == [], f"check mode or a repeat made mutating calls: {mutating(logged)}"

    results = probe.task_results()
    assert results["repeat"]["changed"] is False
    assert results["repeat by name only"]["changed"] is False
    assert results["repeat in check mode"]["changed"] is False
    assert results["create another in check mode"]["changed"] is True
    assert results["update in check mode"]["changed"] is True
    assert results["update in check mode"]["service_network"]["auth_type"] == "NONE"
    assert results["delete in check mode"]["changed"] is True
    assert results["delete a missing one"]["changed"] is False

    # and the check-mode calls really left everything as it was
    network = local_aws.client("vpc-lattice").get_service_network(
        serviceNetworkIdentifier=results["repeat"]["service_network"]["id"]
    )
    assert network["authType"] == "AWS_IAM"


def test_delete_blocked_by_associations_names_them(playbook, local_aws):
    name = f"{playbook.prefix}-blocked"
    created = playbook(play(task("create", {"name": name})), json_output=True)
    assert created.returncode == 0, created.explain()
    network_id = created.task_results()["create"]["service_network"]["id"]

    ec2 = local_aws.client("ec2")
    lattice = local_aws.client("vpc-lattice")
    vpc_ids = sorted(ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"] for n in (1, 2))
    for vpc_id in vpc_ids:
        lattice.create_service_network_vpc_association(serviceNetworkIdentifier=network_id, vpcIdentifier=vpc_id)

    local_aws.clear_requests()
    run = playbook(
        play(
            task("delete in check mode", {"name": name, "state": "absent"}, check_mode=True, ignore_errors=True),
            task("delete", {"name": name, "state": "absent"}, ignore_errors=True),
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = run.task_results()
    expected = f"service network '{name}' ({network_id}) still has 2 VPC associations: {', '.join(vpc_ids)}"
    for name in ("delete in check mode", "delete"):
        assert results[name].get("failed") is True, results[name]
        assert expected in results[name]["msg"], results[name]["msg"]
        assert results[name]["changed"] is False

    attempted = mutating(local_aws.requests())
    assert attempted and set(attempted) == {"DeleteServiceNetwork (409)"}, attempted
    assert lattice.get_service_network(serviceNetworkIdentifier=network_id)["id"] == network_id


def test_service_network_target_survives_faults(playbook, local_aws):
    """Throttling, server errors and read-after-write lag are absorbed by retries and the waiter."""
    local_aws.configure(throttle_rate=0.15, error_rate=0.05, lag_reads=2, seed=7)
    run = playbook([{"name": "faults", "hosts": "localhost", "gather_facts": False, "roles": ["service_network"]}])
    assert run.returncode == 0, run.explain()
    statuses = {entry["status"] for entry in local_aws.requests()}
    assert {429, 500} & statuses, f"no fault was injected: {sorted(statuses)}"
    assert 404 in statuses, "no read lag was injected"


def test_delete_waits_for_associations_being_deleted(playbook, local_aws):
    """An association in DELETE_IN_PROGRESS blocks deleting its network only for a while: wait, then delete."""
    local_aws.configure(profile="realistic", transition_seconds=3)
    lattice = local_aws.client("vpc-lattice")
    name = f"{playbook.prefix}-draining"
    network_id = lattice.create_service_network(name=name)["id"]
    vpc_id = local_aws.client("ec2").create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    association = lattice.create_service_network_vpc_association(
        serviceNetworkIdentifier=network_id, vpcIdentifier=vpc_id
    )
    deadline = time.monotonic() + 30
    while (
        lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=association["id"])["status"]
        != "ACTIVE"
    ):
        assert time.monotonic() < deadline, "the association never became ACTIVE"
        time.sleep(0.5)
    # A transition's length is fixed when it begins: this deletion outlasts the playbook's start-up on a busy machine.
    local_aws.configure(transition_seconds=20)
    lattice.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=association["id"])

    local_aws.clear_requests()
    run = playbook(play(task("delete", {"name": name, "state": "absent"})), json_output=True)
    assert run.returncode == 0, run.explain()
    assert run.task_results()["delete"]["changed"] is True
    deletes = [entry["status"] for entry in local_aws.requests() if entry["operation"] == "DeleteServiceNetwork"]
    assert deletes[0] == 409 and deletes[-1] in (200, 202, 204), f"expected a conflict, then a delete: {deletes}"
    assert lattice.list_service_networks()["items"] == []


@pytest.mark.parametrize("target", targets("realistic"))
def test_target_under_realistic_profile(playbook, local_aws, target):
    """Targets of asynchronous resources (aliases: realistic) pass again when every transition takes time."""
    local_aws.configure(profile="realistic", transition_seconds=1)
    run = playbook([{"name": f"target {target}", "hosts": "localhost", "gather_facts": False, "roles": [target]}])
    assert run.returncode == 0, run.explain()
    statuses = {entry["operation"] for entry in local_aws.requests()}
    assert statuses, "the target made no vpc-lattice request"
