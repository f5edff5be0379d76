"""lattice.mesh.service_network_service_association and service_network_vpc_association, proven at the endpoint.

The request log shows that check mode and repeated runs make no mutating call, that a VPC associated with another
service network is refused before CreateServiceNetworkVpcAssociation, that a failed creation fails the module with
AWS's reason, and that a conflict with an operation in progress is waited out.
"""

import time

import pytest
from lattice_playbooks import mutating, play, task

pytestmark = pytest.mark.slow

SERVICE_MODULE = "lattice.mesh.service_network_service_association"
VPC_MODULE = "lattice.mesh.service_network_vpc_association"


def wait_active(get, timeout=30):
    deadline = time.monotonic() + timeout
    while get()["status"] != "ACTIVE":
        assert time.monotonic() < deadline, "the resource never became ACTIVE"
        time.sleep(0.2)


def make_network(local_aws, name):
    return local_aws.client("vpc-lattice").create_service_network(name=name)


def make_service(local_aws, name):
    lattice = local_aws.client("vpc-lattice")
    service = lattice.create_service(name=name)
    wait_active(lambda: lattice.get_service(serviceIdentifier=service["id"]))
    return service


def make_vpc(local_aws, cidr, security_groups=0):
    ec2 = local_aws.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    groups = [
        ec2.create_security_group(GroupName=f"sg{index}-{vpc_id}", Description="test", VpcId=vpc_id)["GroupId"]
        for index in range(security_groups)
    ]
    return vpc_id, groups


def test_service_association_check_mode_and_repeats(playbook, local_aws):
    network = make_network(local_aws, f"{playbook.prefix}-sn")
    service = make_service(local_aws, f"{playbook.prefix}-svc")
    desired = {"service_network": network["name"], "service": service["name"], "tags": {"team": "mesh"}}

    local_aws.clear_requests()
    created = playbook(
        play(
            task("create (check mode)", desired, check_mode=True, module=SERVICE_MODULE),
            task("create", desired, module=SERVICE_MODULE),
        ),
        json_output=True,
    )
    assert created.returncode == 0, created.explain()
    assert mutating(local_aws.requests()) == ["CreateServiceNetworkServiceAssociation (200)"]
    association = created.task_results()["create"]["association"]
    assert association["status"] == "ACTIVE"
    assert association["service_network_id"] == network["id"] and association["service_id"] == service["id"]
    assert association["tags"] == {"team": "mesh"}

    local_aws.clear_requests()
    by_ids = dict(desired, service_network=network["arn"], service=service["id"])
    probe = playbook(
        play(
            task("repeat", desired, module=SERVICE_MODULE),
            task("repeat by ARN and ID", by_ids, module=SERVICE_MODULE),
            task("repeat in check mode", desired, check_mode=True, module=SERVICE_MODULE),
            task("retag in check mode", dict(desired, tags={"x": "y"}), check_mode=True, module=SERVICE_MODULE),
            task("delete in check mode", dict(desired, state="absent"), check_mode=True, module=SERVICE_MODULE),
        ),
        json_output=True,
    )
    assert probe.returncode == 0, probe.explain()
    assert local_aws.requests(), "the probe reached no endpoint"
    assert mutating(local_aws.requests()) == []
    results = probe.task_results()
    for name in ("repeat", "repeat by ARN and ID", "repeat in check mode"):
        assert results[name]["changed"] is False, (name, results[name])
        assert results[name]["association"]["id"] == association["id"]
    assert results["retag in check mode"]["changed"] is True
    assert results["retag in check mode"]["association"]["tags"] == {"x": "y"}
    assert results["delete in check mode"]["changed"] is True

    local_aws.clear_requests()
    deleted = playbook(
        play(
            task("delete", dict(desired, state="absent"), module=SERVICE_MODULE),
            task("delete again", dict(desired, state="absent"), module=SERVICE_MODULE),
        ),
        json_output=True,
    )
    assert deleted.returncode == 0, deleted.explain()
    assert mutating(local_aws.requests()) == ["DeleteServiceNetworkServiceAssociation (200)"]
    assert deleted.task_results()["delete again"]["changed"] is False


def test_vpc_association_check_mode_repeats_and_other_network(playbook, local_aws):
    network = make_network(local_aws, f"{playbook.prefix}-sn")
    other = make_network(local_aws, f"{playbook.prefix}-other")
    vpc_id, groups = make_vpc(local_aws, "10.20.0.0/16", security_groups=2)
    desired = {"service_network": network["name"], "vpc_id": vpc_id, "security_group_ids": groups}

    local_aws.clear_requests()
    created = playbook(play(task("create", desired, module=VPC_MODULE)), json_output=True)
    assert created.returncode == 0, created.explain()
    assert mutating(local_aws.requests()) == ["CreateServiceNetworkVpcAssociation (200)"]
    association = created.task_results()["create"]["association"]
    assert association["status"] == "ACTIVE" and sorted(association["security_group_ids"]) == sorted(groups)

    local_aws.clear_requests()
    probe = playbook(
        play(
            task("repeat, groups in another order", dict(desired, security_group_ids=groups[::-1]), module=VPC_MODULE),
            task("repeat by network ID only", {"service_network": network["id"], "vpc_id": vpc_id}, module=VPC_MODULE),
            task(
                "change groups in check mode",
                dict(desired, security_group_ids=groups[:1]),
                check_mode=True,
                module=VPC_MODULE,
            ),
            task("remove every group", dict(desired, security_group_ids=[]), ignore_errors=True, module=VPC_MODULE),
            task(
                "join another network",
                dict(desired, service_network=other["name"]),
                ignore_errors=True,
                module=VPC_MODULE,
            ),
            task(
                "leave another network",
                {"service_network": other["name"], "vpc_id": vpc_id, "state": "absent"},
                module=VPC_MODULE,
            ),
            task("delete in check mode", dict(desired, state="absent"), check_mode=True, module=VPC_MODULE),
        ),
        json_output=True,
    )
    assert probe.returncode == 0, probe.explain()
    assert local_aws.requests(), "the probe reached no endpoint"
    assert mutating(local_aws.requests()) == []
    results = probe.task_results()
    assert results["repeat, groups in another order"]["changed"] is False
    assert results["repeat by network ID only"]["changed"] is False
    assert results["change groups in check mode"]["changed"] is True
    assert results["change groups in check mode"]["association"]["security_group_ids"] == groups[:1]
    assert results["remove every group"]["failed"] is True
    assert "state: absent" in results["remove every group"]["msg"]
    moved = results["join another network"]
    assert moved["failed"] is True
    assert f"already associated with service network '{network['name']}' ({network['id']})" in moved["msg"], moved
    assert "state: absent" in moved["msg"]
    assert results["leave another network"]["changed"] is False
    assert results["delete in check mode"]["changed"] is True

    lattice = local_aws.client("vpc-lattice")
    current = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=association["id"])
    assert sorted(current["securityGroupIds"]) == sorted(groups)


def test_failed_creation_fails_with_aws_reason(playbook, local_aws):
    network = make_network(local_aws, f"{playbook.prefix}-sn")
    service = make_service(local_aws, f"{playbook.prefix}-doomed")
    vpc_id, dummy = make_vpc(local_aws, "10.30.0.0/16")
    local_aws.configure(fail_creates=f"*-doomed,{vpc_id}")
    local_aws.clear_requests()

    run = playbook(
        play(
            task(
                "service",
                {"service_network": network["id"], "service": service["name"]},
                ignore_errors=True,
                module=SERVICE_MODULE,
            ),
            task("vpc", {"service_network": network["id"], "vpc_id": vpc_id}, ignore_errors=True, module=VPC_MODULE),
            task(
                "vpc again", {"service_network": network["id"], "vpc_id": vpc_id}, ignore_errors=True, module=VPC_MODULE
            ),
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = run.task_results()
    for name in ("service", "vpc"):
        assert results[name].get("failed") is True, results[name]
        assert "CREATE_FAILED: LOCAL_FAULT_INJECTED: Creation of" in results[name]["msg"], results[name]["msg"]
    # A failed association is not silently kept: the next run says how to get rid of it.
    assert "CREATE_FAILED" in results["vpc again"]["msg"] and "state: absent" in results["vpc again"]["msg"]
    creates = [entry["operation"] for entry in local_aws.requests() if entry.get("mutating")]
    assert creates == ["CreateServiceNetworkServiceAssociation", "CreateServiceNetworkVpcAssociation"]


def test_delete_waits_out_creation_in_progress(playbook, local_aws):
    # Long enough that the delete task surely starts while the creation is in progress, even on a busy machine.
    local_aws.configure(profile="realistic", transition_seconds=10)
    network = make_network(local_aws, f"{playbook.prefix}-sn")
    vpc_id, dummy = make_vpc(local_aws, "10.40.0.0/16")
    args = {"service_network": network["id"], "vpc_id": vpc_id, "wait": False}

    run = playbook(
        play(
            task("create", args, module=VPC_MODULE),
            task("delete", dict(args, state="absent", wait=True), module=VPC_MODULE),
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = run.task_results()
    assert results["create"]["association"]["status"] == "CREATE_IN_PROGRESS"
    assert results["delete"]["changed"] is True
    deletes = [
        entry["status"] for entry in local_aws.requests() if entry["operation"] == "DeleteServiceNetworkVpcAssociation"
    ]
    assert deletes[0] == 409 and deletes[-1] == 200, deletes
    lattice = local_aws.client("vpc-lattice")
    assert lattice.list_service_network_vpc_associations(vpcIdentifier=vpc_id)["items"] == []
