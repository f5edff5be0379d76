"""The endpoint validates requests against botocore's input shapes, as AWS does.

These requests go through a client with ``parameter_validation=False`` so that botocore's
client-side checks (which cover required members, types and minimum lengths, but not patterns,
maxima or enums) cannot stop them: the endpoint itself must answer 400 ValidationException with a
fieldList naming the bad member.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from factory import error_of, unique


def assert_invalid(fn, field: str, **kwargs) -> dict:
    with pytest.raises(ClientError) as exc:
        fn(**kwargs)
    status, code, resp = error_of(exc)
    assert (status, code) == (400, "ValidationException"), resp["Error"]
    assert resp["reason"] in ("fieldValidationFailed", "cannotParse", "other", "unknownOperation")
    fields = resp.get("fieldList", [])
    assert any(field in f.get("name", "") for f in fields), f"{field!r} not named in fieldList {fields}"
    assert all(f.get("message") for f in fields)
    return resp


@pytest.mark.parametrize("name", ["Upper-Case", "double--hyphen", "-leading", "trailing-", "under_score", "ab"])
def test_service_network_name_outside_pattern_or_length_is_rejected(lattice_raw, name):
    assert_invalid(lattice_raw.create_service_network, "name", name=name)


def test_service_network_name_longer_than_63_is_rejected(lattice_raw):
    assert_invalid(lattice_raw.create_service_network, "name", name="a" * 64)


def test_service_network_name_of_63_chars_is_accepted(lattice_raw):
    assert lattice_raw.create_service_network(name="a" * 63)["name"] == "a" * 63


def test_service_name_longer_than_40_is_rejected(lattice_raw):
    assert_invalid(lattice_raw.create_service, "name", name="s" * 41)


@pytest.mark.parametrize("name,op", [("svc-abc", "create_service"), ("tg-abc", "create_target_group")])
def test_names_with_id_prefix_are_rejected(lattice_raw, name, op):
    kwargs = {"name": name}
    if op == "create_target_group":
        kwargs["type"] = "LAMBDA"
    assert_invalid(getattr(lattice_raw, op), "name", **kwargs)


def test_unknown_enum_value_is_rejected(lattice_raw):
    assert_invalid(lattice_raw.create_target_group, "type", name=unique("g"), type="FUNCTION")


def test_unknown_auth_type_is_rejected(lattice_raw):
    assert_invalid(lattice_raw.create_service_network, "authType", name=unique("sn"), authType="IAM")


def test_max_results_above_maximum_is_rejected(lattice_raw):
    assert_invalid(lattice_raw.list_service_networks, "maxResults", maxResults=101)


def test_max_results_below_minimum_is_rejected(lattice_raw):
    assert_invalid(lattice_raw.list_services, "maxResults", maxResults=0)


def test_listener_port_out_of_range_is_rejected(lattice_raw, make):
    svc = make.service()
    assert_invalid(lattice_raw.create_listener, "port", serviceIdentifier=svc["id"], name="web", protocol="HTTP",
                   port=70000, defaultAction={"fixedResponse": {"statusCode": 404}})


def test_rule_priority_out_of_range_is_rejected(lattice_raw, make):
    svc = make.service()
    lst = make.listener(svc["id"])
    assert_invalid(lattice_raw.create_rule, "priority", serviceIdentifier=svc["id"], listenerIdentifier=lst["id"],
                   name="r1", match=make.path_match("/a"), priority=2001, action={"fixedResponse": {"statusCode": 404}})


def test_nested_member_is_validated(lattice_raw, make):
    svc = make.service()
    assert_invalid(lattice_raw.create_listener, "weight", serviceIdentifier=svc["id"], name="web", protocol="HTTP",
                   defaultAction={"forward": {"targetGroups": [
                       {"targetGroupIdentifier": "tg-0123456789abcdefg", "weight": 1000}]}})


def test_too_many_security_groups_is_rejected(lattice_raw, make):
    sn = make.network()
    vpc = make.vpc()
    sgs = [make.security_group(vpc) for dummy in range(6)]
    assert_invalid(lattice_raw.create_service_network_vpc_association, "securityGroupIds",
                   serviceNetworkIdentifier=sn["id"], vpcIdentifier=vpc, securityGroupIds=sgs)


def test_missing_required_member_is_rejected(lattice_raw):
    assert_invalid(lattice_raw.create_target_group, "type", name=unique("g"))


def test_malformed_identifier_is_rejected(lattice_raw):
    assert_invalid(lattice_raw.get_service, "serviceIdentifier", serviceIdentifier="service-123456789012345678")


def test_client_token_too_long_is_rejected(lattice_raw):
    assert_invalid(lattice_raw.create_service_network, "clientToken", name=unique("sn"), clientToken="x" * 65)


def test_invalid_request_creates_nothing(lattice_raw, lattice):
    with pytest.raises(ClientError):
        lattice_raw.create_service_network(name="Bad-Name")
    assert lattice.list_service_networks()["items"] == []
