"""Every ConflictException listed in lattice-api-notes.md, one behaviour per test."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from factory import error_of, unique

TRANSITION = 1.0


def assert_conflict(fn, **kwargs) -> dict:
    with pytest.raises(ClientError) as exc:
        fn(**kwargs)
    status, code, resp = error_of(exc)
    assert (status, code) == (409, "ConflictException"), resp["Error"]
    assert resp["resourceId"] and resp["resourceType"]
    return resp


# --------------------------------------------------------------------------- name uniqueness


def test_service_network_name_is_unique(lattice, make):
    name = unique("sn")
    make.network(name=name)
    assert_conflict(lattice.create_service_network, name=name)
    assert [i["name"] for i in lattice.list_service_networks()["items"]] == [name]


def test_service_name_is_unique(lattice, make):
    name = unique("s")
    make.service(name=name)
    assert_conflict(lattice.create_service, name=name)
    assert [i["name"] for i in lattice.list_services()["items"]] == [name]


def test_target_group_name_is_unique(lattice, make):
    name = unique("g")
    make.target_group(name=name)
    assert_conflict(lattice.create_target_group, name=name, type="LAMBDA")
    assert [i["name"] for i in lattice.list_target_groups()["items"]] == [name]


def test_name_is_free_again_after_delete(lattice, make):
    name = unique("sn")
    sn = make.network(name=name)
    lattice.delete_service_network(serviceNetworkIdentifier=sn["id"])
    again = make.network(name=name)
    assert again["id"] != sn["id"]


# --------------------------------------------------------------------------- network deletion


def test_network_with_service_association_cannot_be_deleted(lattice, make):
    sn = make.network()
    a = make.sn_service(sn["id"], make.service()["id"])
    assert_conflict(lattice.delete_service_network, serviceNetworkIdentifier=sn["id"])
    assert lattice.get_service_network(serviceNetworkIdentifier=sn["id"])["id"] == sn["id"]
    lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
    lattice.delete_service_network(serviceNetworkIdentifier=sn["id"])


def test_network_with_vpc_association_cannot_be_deleted(lattice, make):
    sn = make.network()
    a = make.sn_vpc(sn["id"])
    assert_conflict(lattice.delete_service_network, serviceNetworkIdentifier=sn["id"])
    assert lattice.get_service_network(serviceNetworkIdentifier=sn["id"])["id"] == sn["id"]
    lattice.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=a["id"])
    lattice.delete_service_network(serviceNetworkIdentifier=sn["id"])


# --------------------------------------------------------------------------- service deletion


def test_associated_service_cannot_be_deleted(lattice, make):
    svc = make.service()
    a = make.sn_service(make.network()["id"], svc["id"])
    assert_conflict(lattice.delete_service, serviceIdentifier=svc["id"])
    assert lattice.get_service(serviceIdentifier=svc["id"])["status"] == "ACTIVE"
    lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
    lattice.delete_service(serviceIdentifier=svc["id"])


# --------------------------------------------------------------------------- target group deletion and ownership


def test_target_group_used_by_listener_cannot_be_deleted(lattice, make):
    svc, tg, lst = make.service_with_listener()
    assert_conflict(lattice.delete_target_group, targetGroupIdentifier=tg["id"])
    assert lattice.get_target_group(targetGroupIdentifier=tg["id"])["status"] == "ACTIVE"
    lattice.delete_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    lattice.delete_target_group(targetGroupIdentifier=tg["id"])


def test_target_group_used_by_rule_cannot_be_deleted(lattice, make):
    svc = make.service()
    lst = make.listener(svc["id"])  # default action: fixed response, not the target group
    tg = make.target_group()
    rule = make.rule(svc["id"], lst["id"], tg["id"])
    assert_conflict(lattice.delete_target_group, targetGroupIdentifier=tg["id"])
    lattice.delete_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=rule["id"])
    lattice.delete_target_group(targetGroupIdentifier=tg["id"])


def test_target_group_cannot_serve_two_services(lattice, make):
    svc_a, tg, dummy = make.service_with_listener()
    svc_b = make.service()
    assert_conflict(lattice.create_listener, serviceIdentifier=svc_b["id"], name="web", protocol="HTTP", port=80,
                    defaultAction=make.forward(tg["id"]))
    assert lattice.list_listeners(serviceIdentifier=svc_b["id"])["items"] == []
    assert lattice.get_target_group(targetGroupIdentifier=tg["id"])["serviceArns"] == [svc_a["arn"]]


def test_target_group_of_another_service_cannot_be_used_by_a_rule(lattice, make):
    dummy, tg, dummy = make.service_with_listener()
    svc_b = make.service()
    lst_b = make.listener(svc_b["id"])
    assert_conflict(lattice.create_rule, serviceIdentifier=svc_b["id"], listenerIdentifier=lst_b["id"], name="api",
                    match=make.path_match("/api"), priority=1, action=make.forward(tg["id"]))


def test_target_group_can_be_used_by_two_listeners_of_one_service(lattice, make):
    svc, tg, dummy = make.service_with_listener()
    second = make.listener(svc["id"], tg["id"], port=8080)
    assert second["defaultAction"]["forward"]["targetGroups"][0]["targetGroupIdentifier"] == tg["id"]


# --------------------------------------------------------------------------- VPC association


def test_vpc_can_join_only_one_service_network(lattice, make):
    vpc = make.vpc()
    make.sn_vpc(make.network()["id"], vpc)
    other = make.network()
    assert_conflict(lattice.create_service_network_vpc_association, serviceNetworkIdentifier=other["id"],
                    vpcIdentifier=vpc)
    assert lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=other["id"])["items"] == []


def test_service_joins_a_network_only_once(lattice, make):
    sn, svc = make.network(), make.service()
    make.sn_service(sn["id"], svc["id"])
    assert_conflict(lattice.create_service_network_service_association, serviceNetworkIdentifier=sn["id"],
                    serviceIdentifier=svc["id"])


# --------------------------------------------------------------------------- rules


def test_rule_priority_is_unique_within_listener(lattice, make):
    svc, tg, lst = make.service_with_listener()
    make.rule(svc["id"], lst["id"], tg["id"], priority=10, path="/a")
    assert_conflict(lattice.create_rule, serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], name="other",
                    match=make.path_match("/b"), priority=10, action=make.fixed(404))


def test_rule_update_to_a_taken_priority_is_conflict(lattice, make):
    svc, tg, lst = make.service_with_listener()
    make.rule(svc["id"], lst["id"], tg["id"], priority=10, path="/a")
    r2 = make.rule(svc["id"], lst["id"], tg["id"], priority=20, path="/b")
    assert_conflict(lattice.update_rule, serviceIdentifier=svc["id"], listenerIdentifier=lst["id"],
                    ruleIdentifier=r2["id"], priority=10)


def test_same_priority_on_different_listeners_is_allowed(lattice, make):
    svc, tg, lst = make.service_with_listener()
    lst2 = make.listener(svc["id"], tg["id"], port=8080)
    make.rule(svc["id"], lst["id"], tg["id"], priority=10)
    assert make.rule(svc["id"], lst2["id"], tg["id"], priority=10)["priority"] == 10


# --------------------------------------------------------------------------- operations while in progress (realistic)


def test_service_association_in_progress_cannot_be_deleted(lattice, make, endpoint):
    sn, svc = make.network(), make.service()
    endpoint.set_config(profile="realistic", transition_seconds=TRANSITION)
    a = make.sn_service(sn["id"], svc["id"])
    assert a["status"] == "CREATE_IN_PROGRESS"
    assert_conflict(lattice.delete_service_network_service_association,
                    serviceNetworkServiceAssociationIdentifier=a["id"])


def test_vpc_association_in_progress_cannot_be_deleted(lattice, make, endpoint):
    sn = make.network()
    vpc = make.vpc()
    endpoint.set_config(profile="realistic", transition_seconds=TRANSITION)
    a = make.sn_vpc(sn["id"], vpc)
    assert a["status"] == "CREATE_IN_PROGRESS"
    assert_conflict(lattice.delete_service_network_vpc_association, serviceNetworkVpcAssociationIdentifier=a["id"])


def test_vpc_association_in_progress_cannot_be_updated(lattice, make, endpoint):
    sn = make.network()
    vpc = make.vpc()
    sg = make.security_group(vpc)
    endpoint.set_config(profile="realistic", transition_seconds=TRANSITION)
    a = make.sn_vpc(sn["id"], vpc)
    assert_conflict(lattice.update_service_network_vpc_association, serviceNetworkVpcAssociationIdentifier=a["id"],
                    securityGroupIds=[sg])


def test_service_association_being_deleted_cannot_be_deleted_again(lattice, make, endpoint):
    sn, svc = make.network(), make.service()
    a = make.sn_service(sn["id"], svc["id"])
    endpoint.set_config(profile="realistic", transition_seconds=TRANSITION)
    out = lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
    assert out["status"] == "DELETE_IN_PROGRESS"
    assert_conflict(lattice.delete_service_network_service_association,
                    serviceNetworkServiceAssociationIdentifier=a["id"])


def test_target_group_being_created_cannot_be_deleted(lattice, make, endpoint):
    vpc = make.vpc()
    endpoint.set_config(profile="realistic", transition_seconds=TRANSITION)
    tg = make.target_group(vpc_id=vpc)
    assert tg["status"] == "CREATE_IN_PROGRESS"
    assert_conflict(lattice.delete_target_group, targetGroupIdentifier=tg["id"])


def test_network_with_association_being_deleted_cannot_be_deleted(lattice, make, endpoint):
    sn, svc = make.network(), make.service()
    a = make.sn_service(sn["id"], svc["id"])
    endpoint.set_config(profile="realistic", transition_seconds=TRANSITION)
    lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
    assert_conflict(lattice.delete_service_network, serviceNetworkIdentifier=sn["id"])
