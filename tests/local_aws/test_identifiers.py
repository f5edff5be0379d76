"""Identifiers: every *Identifier parameter takes an ID or an ARN; unknown ones give a modeled 404."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from factory import auth_policy_document, error_of

ACCOUNT_ARN = "arn:aws:vpc-lattice:us-east-1:123456789012"


@pytest.fixture
def world(make):
    """One of each resource kind, all related."""
    sn = make.network()
    svc, tg, lst = make.service_with_listener()
    rule = make.rule(svc["id"], lst["id"], tg["id"])
    snsa = make.sn_service(sn["id"], svc["id"])
    snva = make.sn_vpc(sn["id"])
    als = make.access_log(svc["id"])
    return dict(sn=sn, svc=svc, tg=tg, lst=lst, rule=rule, snsa=snsa, snva=snva, als=als)


def test_get_service_network_by_arn(lattice, world):
    sn = world["sn"]
    assert lattice.get_service_network(serviceNetworkIdentifier=sn["arn"])["id"] == sn["id"]


def test_get_service_by_arn(lattice, world):
    svc = world["svc"]
    assert lattice.get_service(serviceIdentifier=svc["arn"])["id"] == svc["id"]


def test_get_target_group_by_arn(lattice, world):
    tg = world["tg"]
    assert lattice.get_target_group(targetGroupIdentifier=tg["arn"])["id"] == tg["id"]


def test_get_listener_by_service_arn_and_listener_arn(lattice, world):
    svc, lst = world["svc"], world["lst"]
    assert lattice.get_listener(serviceIdentifier=svc["arn"], listenerIdentifier=lst["arn"])["id"] == lst["id"]
    assert lattice.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["arn"])["id"] == lst["id"]


def test_get_rule_by_arns(lattice, world):
    svc, lst, rule = world["svc"], world["lst"], world["rule"]
    got = lattice.get_rule(serviceIdentifier=svc["arn"], listenerIdentifier=lst["arn"], ruleIdentifier=rule["arn"])
    assert got["id"] == rule["id"]


def test_get_service_association_by_arn(lattice, world):
    snsa = world["snsa"]
    got = lattice.get_service_network_service_association(serviceNetworkServiceAssociationIdentifier=snsa["arn"])
    assert got["id"] == snsa["id"]


def test_get_vpc_association_by_arn(lattice, world):
    snva = world["snva"]
    got = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=snva["arn"])
    assert got["id"] == snva["id"]


def test_get_access_log_subscription_by_arn(lattice, world):
    als = world["als"]
    assert lattice.get_access_log_subscription(accessLogSubscriptionIdentifier=als["arn"])["id"] == als["id"]


def test_create_associations_with_arns(lattice, make):
    sn, svc = make.network(), make.service()
    snsa = lattice.create_service_network_service_association(serviceNetworkIdentifier=sn["arn"],
                                                              serviceIdentifier=svc["arn"])
    got = lattice.get_service_network_service_association(serviceNetworkServiceAssociationIdentifier=snsa["id"])
    assert (got["serviceId"], got["serviceNetworkId"]) == (svc["id"], sn["id"])
    snva = make.sn_vpc(sn["arn"])
    got = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=snva["id"])
    assert got["serviceNetworkId"] == sn["id"]


def test_create_listener_and_rule_with_arns(lattice, make):
    svc, tg = make.service(), make.target_group()
    lst = lattice.create_listener(serviceIdentifier=svc["arn"], name="web", protocol="HTTP", port=80,
                                  defaultAction=make.forward(tg["arn"]))
    assert lst["serviceId"] == svc["id"]
    rule = lattice.create_rule(serviceIdentifier=svc["arn"], listenerIdentifier=lst["arn"], name="api",
                               match=make.path_match("/api"), priority=1, action=make.forward(tg["arn"]))
    got = lattice.get_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=rule["id"])
    assert got["id"] == rule["id"]
    # A target group named by ARN is the same target group: it is now in use by the service.
    assert lattice.get_target_group(targetGroupIdentifier=tg["id"])["serviceArns"] == [svc["arn"]]


def test_create_access_log_subscription_with_resource_arn(lattice, make):
    sn = make.network()
    als = make.access_log(sn["arn"])
    assert (als["resourceId"], als["resourceArn"]) == (sn["id"], sn["arn"])


def test_update_and_delete_accept_arns(lattice, make):
    sn = make.network()
    lattice.update_service_network(serviceNetworkIdentifier=sn["arn"], authType="AWS_IAM")
    assert lattice.get_service_network(serviceNetworkIdentifier=sn["id"])["authType"] == "AWS_IAM"
    svc = make.service()
    lattice.update_service(serviceIdentifier=svc["arn"], authType="AWS_IAM")
    assert lattice.get_service(serviceIdentifier=svc["id"])["authType"] == "AWS_IAM"
    tg = make.target_group()
    lattice.update_target_group(targetGroupIdentifier=tg["arn"], healthCheck={"path": "/ping"})
    assert lattice.get_target_group(targetGroupIdentifier=tg["id"])["config"]["healthCheck"]["path"] == "/ping"
    lattice.delete_target_group(targetGroupIdentifier=tg["arn"])
    lattice.delete_service(serviceIdentifier=svc["arn"])
    lattice.delete_service_network(serviceNetworkIdentifier=sn["arn"])
    for fn, kw in ((lattice.get_target_group, {"targetGroupIdentifier": tg["id"]}),
                   (lattice.get_service, {"serviceIdentifier": svc["id"]}),
                   (lattice.get_service_network, {"serviceNetworkIdentifier": sn["id"]})):
        with pytest.raises(ClientError) as exc:
            fn(**kw)
        assert error_of(exc)[1] == "ResourceNotFoundException"


def test_auth_policy_accepts_id_or_arn(lattice, make):
    svc = make.service(authType="AWS_IAM")
    lattice.put_auth_policy(resourceIdentifier=svc["arn"], policy=auth_policy_document())
    assert lattice.get_auth_policy(resourceIdentifier=svc["id"])["state"] == "Active"
    assert lattice.get_auth_policy(resourceIdentifier=svc["arn"])["state"] == "Active"


# --------------------------------------------------------------------------- NotFound

MISSING = {
    "sn": "sn-0123456789abcdefg",
    "svc": "svc-0123456789abcdefg",
    "tg": "tg-0123456789abcdefg",
    "listener": "listener-0123456789abcdefg",
    "rule": "rule-0123456789abcdefg",
    "snsa": "snsa-0123456789abcdefg",
    "snva": "snva-0123456789abcdefg",
    "als": "als-0123456789abcdefg",
}


def _missing_calls(world):
    svc, lst = world["svc"]["id"], world["lst"]["id"]
    return {
        "GetServiceNetwork": ("get_service_network", {"serviceNetworkIdentifier": MISSING["sn"]}, MISSING["sn"]),
        "GetService": ("get_service", {"serviceIdentifier": MISSING["svc"]}, MISSING["svc"]),
        "GetTargetGroup": ("get_target_group", {"targetGroupIdentifier": MISSING["tg"]}, MISSING["tg"]),
        "GetListener": ("get_listener", {"serviceIdentifier": svc, "listenerIdentifier": MISSING["listener"]},
                        MISSING["listener"]),
        "GetListener(missing service)": ("get_listener", {"serviceIdentifier": MISSING["svc"],
                                                          "listenerIdentifier": lst}, MISSING["svc"]),
        "GetRule": ("get_rule", {"serviceIdentifier": svc, "listenerIdentifier": lst,
                                 "ruleIdentifier": MISSING["rule"]}, MISSING["rule"]),
        "GetServiceNetworkServiceAssociation": (
            "get_service_network_service_association",
            {"serviceNetworkServiceAssociationIdentifier": MISSING["snsa"]}, MISSING["snsa"]),
        "GetServiceNetworkVpcAssociation": (
            "get_service_network_vpc_association",
            {"serviceNetworkVpcAssociationIdentifier": MISSING["snva"]}, MISSING["snva"]),
        "GetAccessLogSubscription": ("get_access_log_subscription",
                                     {"accessLogSubscriptionIdentifier": MISSING["als"]}, MISSING["als"]),
        "DeleteServiceNetwork": ("delete_service_network", {"serviceNetworkIdentifier": MISSING["sn"]},
                                 MISSING["sn"]),
        "DeleteService": ("delete_service", {"serviceIdentifier": MISSING["svc"]}, MISSING["svc"]),
        "DeleteTargetGroup": ("delete_target_group", {"targetGroupIdentifier": MISSING["tg"]}, MISSING["tg"]),
        "UpdateService": ("update_service", {"serviceIdentifier": MISSING["svc"], "authType": "NONE"},
                          MISSING["svc"]),
        "ListListeners": ("list_listeners", {"serviceIdentifier": MISSING["svc"]}, MISSING["svc"]),
        "ListTargets": ("list_targets", {"targetGroupIdentifier": MISSING["tg"]}, MISSING["tg"]),
        "RegisterTargets": ("register_targets", {"targetGroupIdentifier": MISSING["tg"],
                                                 "targets": [{"id": "10.0.0.1"}]}, MISSING["tg"]),
        "CreateListener": ("create_listener", {"serviceIdentifier": MISSING["svc"], "name": "web",
                                               "protocol": "HTTP", "defaultAction": {"fixedResponse": {
                                                   "statusCode": 404}}}, MISSING["svc"]),
        "CreateServiceNetworkServiceAssociation": (
            "create_service_network_service_association",
            {"serviceNetworkIdentifier": MISSING["sn"], "serviceIdentifier": svc}, MISSING["sn"]),
        "GetAuthPolicy(missing service)": ("get_auth_policy", {"resourceIdentifier": MISSING["svc"]},
                                           MISSING["svc"]),
    }


NOT_FOUND_CASES = [
    "GetServiceNetwork", "GetService", "GetTargetGroup", "GetListener", "GetListener(missing service)", "GetRule",
    "GetServiceNetworkServiceAssociation", "GetServiceNetworkVpcAssociation", "GetAccessLogSubscription",
    "DeleteServiceNetwork", "DeleteService", "DeleteTargetGroup", "UpdateService", "ListListeners", "ListTargets",
    "RegisterTargets", "CreateListener", "CreateServiceNetworkServiceAssociation", "GetAuthPolicy(missing service)",
]


@pytest.mark.parametrize("case", NOT_FOUND_CASES)
def test_unknown_identifier_is_404_resource_not_found_with_id_and_type(lattice, world, case):
    method, kwargs, missing_id = _missing_calls(world)[case]
    with pytest.raises(ClientError) as exc:
        getattr(lattice, method)(**kwargs)
    status, code, resp = error_of(exc)
    assert (status, code) == (404, "ResourceNotFoundException")
    assert resp["resourceId"] == missing_id
    assert isinstance(resp["resourceType"], str) and resp["resourceType"]
    assert resp["message"]


def test_unknown_arn_is_404(lattice):
    arn = f"{ACCOUNT_ARN}:service/svc-0123456789abcdefg"
    with pytest.raises(ClientError) as exc:
        lattice.get_service(serviceIdentifier=arn)
    status, code, resp = error_of(exc)
    assert (status, code) == (404, "ResourceNotFoundException")
    assert resp["resourceId"] in (arn, "svc-0123456789abcdefg")


def test_tags_of_unknown_arn_is_404(lattice):
    with pytest.raises(ClientError) as exc:
        lattice.list_tags_for_resource(resourceArn=f"{ACCOUNT_ARN}:servicenetwork/sn-0123456789abcdefg")
    assert error_of(exc)[:2] == (404, "ResourceNotFoundException")


def test_listener_of_another_service_is_not_found(lattice, make):
    svc, dummy, lst = make.service_with_listener()
    other = make.service()
    with pytest.raises(ClientError) as exc:
        lattice.get_listener(serviceIdentifier=other["id"], listenerIdentifier=lst["id"])
    assert error_of(exc)[:2] == (404, "ResourceNotFoundException")


# --------------------------------------------------------------------------- ARNs in every other position


def test_update_and_delete_listener_by_arns(lattice, make):
    svc, tg, lst = make.service_with_listener()
    lattice.update_listener(serviceIdentifier=svc["arn"], listenerIdentifier=lst["arn"], defaultAction=make.fixed(404))
    got = lattice.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    assert got["defaultAction"] == {"fixedResponse": {"statusCode": 404}}
    lattice.delete_listener(serviceIdentifier=svc["arn"], listenerIdentifier=lst["arn"])
    assert lattice.list_listeners(serviceIdentifier=svc["arn"])["items"] == []


def test_update_and_delete_rule_by_arns(lattice, make):
    svc, tg, lst = make.service_with_listener()
    rule = make.rule(svc["id"], lst["id"], tg["id"], priority=3)
    lattice.update_rule(serviceIdentifier=svc["arn"], listenerIdentifier=lst["arn"], ruleIdentifier=rule["arn"],
                        priority=4)
    out = lattice.batch_update_rule(serviceIdentifier=svc["arn"], listenerIdentifier=lst["arn"],
                                    rules=[{"ruleIdentifier": rule["arn"], "priority": 5}])
    assert [r["id"] for r in out["successful"]] == [rule["id"]]
    got = lattice.get_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=rule["id"])
    assert got["priority"] == 5
    lattice.delete_rule(serviceIdentifier=svc["arn"], listenerIdentifier=lst["arn"], ruleIdentifier=rule["arn"])
    items = lattice.list_rules(serviceIdentifier=svc["arn"], listenerIdentifier=lst["arn"])["items"]
    assert rule["id"] not in [i["id"] for i in items]


def test_associations_update_and_delete_by_arn(lattice, make):
    sn = make.network()
    snsa = make.sn_service(sn["id"], make.service()["id"])
    vpc = make.vpc()
    snva = make.sn_vpc(sn["id"], vpc)
    sg = make.security_group(vpc)
    lattice.update_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=snva["arn"],
                                                   securityGroupIds=[sg])
    got = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=snva["id"])
    assert got["securityGroupIds"] == [sg]
    lattice.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=snva["arn"])
    lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=snsa["arn"])
    assert lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=sn["arn"])["items"] == []
    assert lattice.list_service_network_service_associations(serviceNetworkIdentifier=sn["arn"])["items"] == []


def test_list_filters_accept_arns(lattice, make):
    sn, svc = make.network(), make.service()
    snsa = make.sn_service(sn["id"], svc["id"])
    als = make.access_log(svc["id"])
    by_svc = lattice.list_service_network_service_associations(serviceIdentifier=svc["arn"])["items"]
    assert [i["id"] for i in by_svc] == [snsa["id"]]
    assert [i["id"] for i in lattice.list_access_log_subscriptions(resourceIdentifier=svc["arn"])["items"]] == [
        als["id"]]


def test_access_log_subscription_update_and_delete_by_arn(lattice, make):
    svc = make.service()
    als = make.access_log(svc["id"])
    dest = make.log_group_arn()
    lattice.update_access_log_subscription(accessLogSubscriptionIdentifier=als["arn"], destinationArn=dest)
    assert lattice.get_access_log_subscription(accessLogSubscriptionIdentifier=als["id"])["destinationArn"] == dest
    lattice.delete_access_log_subscription(accessLogSubscriptionIdentifier=als["arn"])
    assert lattice.list_access_log_subscriptions(resourceIdentifier=svc["id"])["items"] == []


def test_auth_policy_delete_by_arn(lattice, make):
    sn = make.network(authType="AWS_IAM")
    lattice.put_auth_policy(resourceIdentifier=sn["id"], policy=auth_policy_document())
    lattice.delete_auth_policy(resourceIdentifier=sn["arn"])
    try:
        got = lattice.get_auth_policy(resourceIdentifier=sn["id"])
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "ResourceNotFoundException"
    else:
        assert "policy" not in got, got
