"""The request log (GET/DELETE /_local/requests) records each AWS call."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from clients import make_client
from factory import ACCOUNT, REGION, unique

FIELDS = {"service", "operation", "mutating", "status", "account", "region"}


def entries(endpoint, service: str, operation: str) -> list[dict]:
    return [r for r in endpoint.requests() if r["service"] == service and r["operation"] == operation]


def test_log_starts_empty_for_each_test(endpoint):
    assert endpoint.requests() == []


def test_lattice_create_is_logged_as_mutating_with_its_status(lattice, endpoint):
    lattice.create_service_network(name=unique("sn"))
    (entry,) = entries(endpoint, "vpc-lattice", "CreateServiceNetwork")
    assert set(entry) >= FIELDS
    assert entry["mutating"] is True and entry["status"] == 201
    assert (entry["account"], entry["region"]) == (ACCOUNT, REGION)


def test_lattice_get_is_logged_as_not_mutating(lattice, endpoint, make):
    sn = make.network()
    lattice.get_service_network(serviceNetworkIdentifier=sn["id"])
    (entry,) = entries(endpoint, "vpc-lattice", "GetServiceNetwork")
    assert entry["mutating"] is False and entry["status"] == 200


@pytest.mark.parametrize("op,mutating", [("ListServiceNetworks", False), ("UpdateServiceNetwork", True),
                                         ("DeleteServiceNetwork", True), ("TagResource", True),
                                         ("ListTagsForResource", False)])
def test_lattice_operations_are_classified(lattice, endpoint, make, op, mutating):
    sn = make.network()
    calls = {
        "ListServiceNetworks": lattice.list_service_networks,
        "UpdateServiceNetwork": lambda: lattice.update_service_network(serviceNetworkIdentifier=sn["id"],
                                                                       authType="AWS_IAM"),
        "DeleteServiceNetwork": lambda: lattice.delete_service_network(serviceNetworkIdentifier=sn["id"]),
        "TagResource": lambda: lattice.tag_resource(resourceArn=sn["arn"], tags={"k": "v"}),
        "ListTagsForResource": lambda: lattice.list_tags_for_resource(resourceArn=sn["arn"]),
    }
    calls[op]()
    (entry,) = entries(endpoint, "vpc-lattice", op)
    assert entry["mutating"] is mutating and 200 <= entry["status"] < 300


def test_lattice_error_status_is_logged(lattice, endpoint):
    with pytest.raises(ClientError):
        lattice.get_service(serviceIdentifier="svc-0123456789abcdefg")
    (entry,) = entries(endpoint, "vpc-lattice", "GetService")
    assert entry["status"] == 404 and entry["mutating"] is False


def test_nested_path_operations_are_named(lattice, endpoint, make):
    svc = make.service()
    lst = make.listener(svc["id"])
    lattice.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    lattice.list_rules(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    ops = [r["operation"] for r in endpoint.requests() if r["service"] == "vpc-lattice"]
    assert ops[-3:] == ["CreateListener", "GetListener", "ListRules"]


def test_ec2_calls_are_logged(ec2, endpoint):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.describe_vpcs(VpcIds=[vpc])
    (create,) = entries(endpoint, "ec2", "CreateVpc")
    (describe,) = entries(endpoint, "ec2", "DescribeVpcs")
    assert (create["mutating"], create["status"]) == (True, 200)
    assert (describe["mutating"], describe["status"]) == (False, 200)
    assert describe["region"] == REGION and describe["account"] == ACCOUNT


def test_iam_calls_are_logged(iam, endpoint):
    trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},'
             '"Action":"sts:AssumeRole"}]}')
    iam.create_role(RoleName=unique("role"), AssumeRolePolicyDocument=trust)
    iam.list_roles()
    (create,) = entries(endpoint, "iam", "CreateRole")
    (listing,) = entries(endpoint, "iam", "ListRoles")
    assert (create["mutating"], create["status"]) == (True, 200)
    assert (listing["mutating"], listing["status"]) == (False, 200)


def test_assuming_a_role_is_logged_as_not_mutating(endpoint_url, endpoint):
    """Temporary credentials change nothing in the account: a check-mode run that assumes a role stays clean."""
    sts = make_client(endpoint_url, "sts")
    sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/deployer", RoleSessionName="request-log")
    (entry,) = entries(endpoint, "sts", "AssumeRole")
    assert (entry["mutating"], entry["status"], entry["account"]) == (False, 200, ACCOUNT)


def test_faulted_calls_are_logged_with_fault_status(lattice_noretry, endpoint):
    endpoint.set_config(throttle_rate=1.0)
    with pytest.raises(ClientError):
        lattice_noretry.list_services()
    (entry,) = entries(endpoint, "vpc-lattice", "ListServices")
    assert entry["status"] == 429


def test_clearing_the_log_empties_it(lattice, endpoint):
    lattice.list_services()
    assert endpoint.requests()
    endpoint.clear_requests()
    assert endpoint.requests() == []


def test_control_calls_are_not_logged_as_aws_requests(endpoint):
    endpoint.get_config()
    endpoint.set_config(seed=1)
    assert endpoint.requests() == []


def test_log_keeps_call_order(lattice, endpoint, make):
    sn = make.network()
    lattice.get_service_network(serviceNetworkIdentifier=sn["id"])
    lattice.delete_service_network(serviceNetworkIdentifier=sn["id"])
    ops = [r["operation"] for r in endpoint.requests()]
    assert ops == ["CreateServiceNetwork", "GetServiceNetwork", "DeleteServiceNetwork"]
