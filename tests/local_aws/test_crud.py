"""Create/Get/List/Update/Delete of every Lattice resource kind, through boto3 over HTTP."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from clients import make_client
from factory import ACCOUNT, REGION, auth_policy_document, error_of, resource_policy_document, unique

ARN_PREFIX = f"arn:aws:vpc-lattice:{REGION}:{ACCOUNT}:"


def ids(items: list[dict], key: str = "id") -> list[str]:
    return [i[key] for i in items]


def assert_gone(fn, **kwargs):
    with pytest.raises(ClientError) as exc:
        fn(**kwargs)
    status, code, dummy = error_of(exc)
    assert (status, code) == (404, "ResourceNotFoundException")


# --------------------------------------------------------------------------- service network


def test_service_network_create_returns_id_arn_name_and_auth_type(lattice):
    name = unique("sn")
    sn = lattice.create_service_network(name=name, authType="AWS_IAM")
    assert sn["name"] == name
    assert sn["authType"] == "AWS_IAM"
    assert sn["arn"] == f"{ARN_PREFIX}servicenetwork/{sn['id']}"


def test_service_network_get_returns_what_was_created(lattice, make):
    sn = make.network(authType="NONE")
    got = lattice.get_service_network(serviceNetworkIdentifier=sn["id"])
    assert (got["id"], got["arn"], got["name"], got["authType"]) == (sn["id"], sn["arn"], sn["name"], "NONE")
    assert got["numberOfAssociatedServices"] == 0 and got["numberOfAssociatedVPCs"] == 0
    assert got["createdAt"] <= got["lastUpdatedAt"]


def test_service_network_default_auth_type_is_none(lattice, make):
    sn = make.network()
    assert lattice.get_service_network(serviceNetworkIdentifier=sn["id"])["authType"] == "NONE"


def test_service_network_list_contains_created_networks(lattice, make):
    created = {make.network()["id"] for dummy in range(3)}
    listed = ids(lattice.list_service_networks()["items"])
    assert sorted(listed) == sorted(created)


def test_service_network_update_auth_type(lattice, make):
    sn = make.network()
    out = lattice.update_service_network(serviceNetworkIdentifier=sn["id"], authType="AWS_IAM")
    assert (out["id"], out["authType"]) == (sn["id"], "AWS_IAM")
    assert lattice.get_service_network(serviceNetworkIdentifier=sn["id"])["authType"] == "AWS_IAM"


def test_service_network_delete_removes_it(lattice, make):
    sn = make.network()
    lattice.delete_service_network(serviceNetworkIdentifier=sn["id"])
    assert_gone(lattice.get_service_network, serviceNetworkIdentifier=sn["id"])
    assert sn["id"] not in ids(lattice.list_service_networks()["items"])


def test_service_network_has_no_resource_associations_as_resource_configurations_are_not_modelled(lattice, make):
    sn = make.network()
    listed = lattice.list_service_network_resource_associations(serviceNetworkIdentifier=sn["arn"])
    assert listed["items"] == []
    unknown = lattice.list_service_network_resource_associations(serviceNetworkIdentifier="sn-0123456789abcdef0")
    assert unknown["items"] == []


def test_operation_the_endpoint_does_not_model_is_refused_plainly(endpoint_url):
    # Resource gateways are not modelled: a clear 501, not a server error page (no shape to validate).
    client = make_client(endpoint_url, "vpc-lattice", retries=0, validate_responses=False)
    with pytest.raises(ClientError) as exc:
        client.list_resource_gateways()
    assert error_of(exc)[:2] == (501, "NotImplemented")
    assert "ListResourceGateways" in exc.value.response["Error"]["Message"]


def test_service_network_counts_associations(lattice, make):
    sn = make.network()
    make.sn_service(sn["id"], make.service()["id"])
    make.sn_vpc(sn["id"])
    got = lattice.get_service_network(serviceNetworkIdentifier=sn["id"])
    assert (got["numberOfAssociatedServices"], got["numberOfAssociatedVPCs"]) == (1, 1)
    item = next(i for i in lattice.list_service_networks()["items"] if i["id"] == sn["id"])
    assert (item["numberOfAssociatedServices"], item["numberOfAssociatedVPCs"]) == (1, 1)


# --------------------------------------------------------------------------- service


def test_service_create_returns_active_service_with_dns_entry(lattice):
    name = unique("s")
    svc = lattice.create_service(name=name, authType="NONE")
    assert svc["name"] == name and svc["status"] == "ACTIVE"
    assert svc["arn"] == f"{ARN_PREFIX}service/{svc['id']}"
    assert svc["dnsEntry"]["domainName"].startswith(f"{name}-")


def test_service_get_returns_what_was_created(lattice, make):
    svc = make.service(authType="AWS_IAM", customDomainName="api.example.com")
    got = lattice.get_service(serviceIdentifier=svc["id"])
    assert (got["id"], got["arn"], got["name"]) == (svc["id"], svc["arn"], svc["name"])
    assert (got["authType"], got["customDomainName"], got["status"]) == ("AWS_IAM", "api.example.com", "ACTIVE")
    assert got["dnsEntry"] == svc["dnsEntry"]


def test_service_list_contains_created_services(lattice, make):
    created = {make.service()["id"] for dummy in range(3)}
    assert sorted(ids(lattice.list_services()["items"])) == sorted(created)


def test_service_update_auth_type_and_idle_timeout(lattice, make):
    svc = make.service()
    out = lattice.update_service(serviceIdentifier=svc["id"], authType="AWS_IAM", idleTimeoutSeconds=120)
    assert (out["authType"], out["idleTimeoutSeconds"]) == ("AWS_IAM", 120)
    got = lattice.get_service(serviceIdentifier=svc["id"])
    assert (got["authType"], got["idleTimeoutSeconds"]) == ("AWS_IAM", 120)


def test_service_delete_removes_it(lattice, make):
    svc = make.service()
    out = lattice.delete_service(serviceIdentifier=svc["id"])
    assert (out["id"], out["arn"], out["name"]) == (svc["id"], svc["arn"], svc["name"])
    assert_gone(lattice.get_service, serviceIdentifier=svc["id"])
    assert svc["id"] not in ids(lattice.list_services().get("items", []))


# --------------------------------------------------------------------------- target group


def test_target_group_create_ip_returns_config(lattice, make):
    vpc = make.vpc()
    name = unique("g")
    tg = lattice.create_target_group(name=name, type="IP", config={
        "port": 8080, "protocol": "HTTP", "vpcIdentifier": vpc, "ipAddressType": "IPV4"})
    assert (tg["name"], tg["type"], tg["status"]) == (name, "IP", "ACTIVE")
    assert tg["arn"] == f"{ARN_PREFIX}targetgroup/{tg['id']}"
    assert (tg["config"]["port"], tg["config"]["protocol"], tg["config"]["vpcIdentifier"]) == (8080, "HTTP", vpc)


def test_target_group_get_returns_what_was_created(lattice, make):
    vpc = make.vpc()
    tg = make.target_group(type="INSTANCE", config={"port": 443, "protocol": "HTTPS", "vpcIdentifier": vpc,
                                                    "protocolVersion": "HTTP2"})
    got = lattice.get_target_group(targetGroupIdentifier=tg["id"])
    assert (got["id"], got["arn"], got["name"], got["type"]) == (tg["id"], tg["arn"], tg["name"], "INSTANCE")
    assert got["config"]["port"] == 443 and got["config"]["protocol"] == "HTTPS"
    assert got["config"]["protocolVersion"] == "HTTP2" and got["config"]["vpcIdentifier"] == vpc
    assert got.get("serviceArns", []) == []
    assert got["status"] == "ACTIVE"


def test_target_group_list_contains_created_groups_with_summary(lattice, make):
    vpc = make.vpc()
    created = {make.target_group(vpc_id=vpc, port=81)["id"] for dummy in range(3)}
    items = lattice.list_target_groups()["items"]
    assert sorted(ids(items)) == sorted(created)
    assert all(i["port"] == 81 and i["vpcIdentifier"] == vpc and i["type"] == "IP" for i in items)


def test_target_group_list_filters_by_vpc_and_type(lattice, make):
    vpc_a, vpc_b = make.vpc(), make.vpc("10.1.0.0/16")
    in_a = make.target_group(vpc_id=vpc_a)["id"]
    make.target_group(vpc_id=vpc_b)
    lam = make.target_group(type="LAMBDA")["id"]
    assert ids(lattice.list_target_groups(vpcIdentifier=vpc_a)["items"]) == [in_a]
    assert ids(lattice.list_target_groups(targetGroupType="LAMBDA")["items"]) == [lam]


def test_target_group_update_health_check(lattice, make):
    tg = make.target_group()
    hc = {"enabled": True, "path": "/health", "healthCheckIntervalSeconds": 10, "healthyThresholdCount": 3,
          "matcher": {"httpCode": "200-299"}}
    out = lattice.update_target_group(targetGroupIdentifier=tg["id"], healthCheck=hc)
    assert out["config"]["healthCheck"]["path"] == "/health"
    got = lattice.get_target_group(targetGroupIdentifier=tg["id"])["config"]["healthCheck"]
    assert (got["path"], got["healthCheckIntervalSeconds"], got["healthyThresholdCount"]) == ("/health", 10, 3)
    assert got["matcher"] == {"httpCode": "200-299"}


@pytest.mark.parametrize("protocol_version, enabled", [("HTTP1", True), ("HTTP2", False), ("GRPC", False)])
def test_target_group_health_check_is_on_by_default_only_for_http1(lattice, make, protocol_version, enabled):
    config = {"port": 80, "protocol": "HTTP", "protocolVersion": protocol_version, "vpcIdentifier": make.vpc()}
    tg = make.target_group(config=config)
    assert lattice.get_target_group(targetGroupIdentifier=tg["id"])["config"]["healthCheck"]["enabled"] is enabled


def test_target_group_delete_removes_it(lattice, make):
    tg = make.target_group()
    out = lattice.delete_target_group(targetGroupIdentifier=tg["id"])
    assert (out["id"], out["arn"]) == (tg["id"], tg["arn"])
    assert_gone(lattice.get_target_group, targetGroupIdentifier=tg["id"])
    assert tg["id"] not in ids(lattice.list_target_groups().get("items", []))


def test_lambda_target_group_needs_no_port_or_vpc(lattice):
    tg = lattice.create_target_group(name=unique("g"), type="LAMBDA")
    got = lattice.get_target_group(targetGroupIdentifier=tg["id"])
    config = got.get("config", {})
    assert got["type"] == "LAMBDA" and got["status"] == "ACTIVE"
    assert not {"port", "protocol", "vpcIdentifier", "protocolVersion"} & set(config), config
    item = lattice.list_target_groups()["items"][0]
    assert "port" not in item and "vpcIdentifier" not in item, item


def test_lambda_target_group_keeps_event_structure_version(lattice):
    tg = lattice.create_target_group(name=unique("g"), type="LAMBDA",
                                     config={"lambdaEventStructureVersion": "V2"})
    got = lattice.get_target_group(targetGroupIdentifier=tg["id"])
    assert got["config"]["lambdaEventStructureVersion"] == "V2"


def test_target_group_used_by_listener_lists_service_arn(lattice, make):
    svc, tg, dummy = make.service_with_listener()
    assert lattice.get_target_group(targetGroupIdentifier=tg["id"])["serviceArns"] == [svc["arn"]]


# --------------------------------------------------------------------------- listener


def test_listener_create_returns_its_service_and_action(lattice, make):
    svc, tg = make.service(), make.target_group()
    name = unique("l")
    lst = lattice.create_listener(serviceIdentifier=svc["id"], name=name, protocol="HTTP", port=8080,
                                  defaultAction=make.forward(tg["id"]))
    assert (lst["name"], lst["protocol"], lst["port"]) == (name, "HTTP", 8080)
    assert (lst["serviceId"], lst["serviceArn"]) == (svc["id"], svc["arn"])
    assert lst["arn"] == f"{svc['arn']}/listener/{lst['id']}"
    assert lst["defaultAction"]["forward"]["targetGroups"][0]["targetGroupIdentifier"] == tg["id"]


def test_listener_get_returns_what_was_created(lattice, make):
    svc = make.service()
    lst = make.listener(svc["id"])
    got = lattice.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    assert (got["id"], got["arn"], got["name"], got["port"]) == (lst["id"], lst["arn"], lst["name"], 80)
    assert got["defaultAction"] == {"fixedResponse": {"statusCode": 404}}


def test_listener_list_contains_the_service_listeners_only(lattice, make):
    svc, other = make.service(), make.service()
    mine = {make.listener(svc["id"], port=80)["id"], make.listener(svc["id"], port=8080)["id"]}
    make.listener(other["id"])
    assert sorted(ids(lattice.list_listeners(serviceIdentifier=svc["id"])["items"])) == sorted(mine)


def test_listener_update_default_action(lattice, make):
    svc, tg = make.service(), make.target_group()
    lst = make.listener(svc["id"])
    out = lattice.update_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"],
                                  defaultAction=make.forward(tg["id"]))
    assert out["defaultAction"]["forward"]["targetGroups"][0]["targetGroupIdentifier"] == tg["id"]
    got = lattice.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    assert got["defaultAction"]["forward"]["targetGroups"][0]["targetGroupIdentifier"] == tg["id"]


def test_listener_delete_removes_it(lattice, make):
    svc = make.service()
    lst = make.listener(svc["id"])
    lattice.delete_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    assert_gone(lattice.get_listener, serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    assert lattice.list_listeners(serviceIdentifier=svc["id"])["items"] == []


def test_listener_http_default_port_is_80(lattice, make):
    svc = make.service()
    lst = make.listener(svc["id"], protocol="HTTP", port=None)
    assert lst["port"] == 80
    assert lattice.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])["port"] == 80


def test_listener_https_default_port_is_443(lattice, make):
    svc = make.service()
    lst = make.listener(svc["id"], protocol="HTTPS", port=None)
    assert lst["port"] == 443
    assert lattice.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])["port"] == 443


# --------------------------------------------------------------------------- rule


def test_rule_create_returns_match_priority_and_action(lattice, make):
    svc, tg, lst = make.service_with_listener()
    name = unique("r")
    rule = lattice.create_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], name=name,
                               match=make.path_match("/api"), priority=5, action=make.forward(tg["id"]))
    assert (rule["name"], rule["priority"]) == (name, 5)
    assert rule["arn"] == f"{lst['arn']}/rule/{rule['id']}"
    assert rule["match"]["httpMatch"]["pathMatch"]["match"] == {"prefix": "/api"}
    assert rule["action"]["forward"]["targetGroups"][0]["targetGroupIdentifier"] == tg["id"]


def test_rule_get_returns_what_was_created(lattice, make):
    svc, tg, lst = make.service_with_listener()
    rule = make.rule(svc["id"], lst["id"], tg["id"], priority=7, path="/v1")
    got = lattice.get_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=rule["id"])
    assert (got["id"], got["arn"], got["name"], got["priority"]) == (rule["id"], rule["arn"], rule["name"], 7)
    assert got["isDefault"] is False
    assert got["match"]["httpMatch"]["pathMatch"]["match"] == {"prefix": "/v1"}


def test_rule_list_contains_the_listener_rules(lattice, make):
    svc, tg, lst = make.service_with_listener()
    mine = {make.rule(svc["id"], lst["id"], tg["id"], priority=p, path=f"/p{p}")["id"] for p in (1, 2, 3)}
    items = lattice.list_rules(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])["items"]
    listed = [i["id"] for i in items if not i.get("isDefault")]
    assert sorted(listed) == sorted(mine)


def test_rule_update_priority_match_and_action(lattice, make):
    svc, tg, lst = make.service_with_listener()
    rule = make.rule(svc["id"], lst["id"], tg["id"], priority=10)
    out = lattice.update_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=rule["id"],
                              priority=20, match=make.path_match("/new"), action=make.fixed(500))
    assert (out["priority"], out["action"]) == (20, {"fixedResponse": {"statusCode": 500}})
    got = lattice.get_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=rule["id"])
    assert got["priority"] == 20 and got["match"]["httpMatch"]["pathMatch"]["match"] == {"prefix": "/new"}
    assert got["action"] == {"fixedResponse": {"statusCode": 500}}


def test_rule_delete_removes_it(lattice, make):
    svc, tg, lst = make.service_with_listener()
    rule = make.rule(svc["id"], lst["id"], tg["id"])
    lattice.delete_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=rule["id"])
    assert_gone(lattice.get_rule, serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=rule["id"])


def test_batch_update_rule_updates_each_rule(lattice, make):
    svc, tg, lst = make.service_with_listener()
    r1 = make.rule(svc["id"], lst["id"], tg["id"], priority=1, path="/a")
    r2 = make.rule(svc["id"], lst["id"], tg["id"], priority=2, path="/b")
    out = lattice.batch_update_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], rules=[
        {"ruleIdentifier": r1["id"], "priority": 11},
        {"ruleIdentifier": r2["id"], "action": make.fixed(404)},
    ])
    assert sorted(i["id"] for i in out["successful"]) == sorted([r1["id"], r2["id"]])
    assert out.get("unsuccessful", []) == []
    g1 = lattice.get_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=r1["id"])
    g2 = lattice.get_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=r2["id"])
    assert g1["priority"] == 11 and g2["action"] == {"fixedResponse": {"statusCode": 404}} and g2["priority"] == 2


def test_batch_update_rule_reports_unknown_rule_as_unsuccessful(lattice, make):
    svc, tg, lst = make.service_with_listener()
    r1 = make.rule(svc["id"], lst["id"], tg["id"], priority=1)
    missing = "rule-0123456789abcdefg"
    out = lattice.batch_update_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], rules=[
        {"ruleIdentifier": r1["id"], "priority": 3}, {"ruleIdentifier": missing, "priority": 4}])
    assert [i["id"] for i in out["successful"]] == [r1["id"]]
    assert [u["ruleIdentifier"] for u in out["unsuccessful"]] == [missing]
    assert out["unsuccessful"][0]["failureCode"]


# --------------------------------------------------------------------------- service network service association


def test_service_association_create_returns_active_association_with_dns(lattice, make):
    sn, svc = make.network(), make.service()
    a = lattice.create_service_network_service_association(serviceNetworkIdentifier=sn["id"],
                                                           serviceIdentifier=svc["id"])
    assert a["status"] == "ACTIVE" and a["createdBy"] == ACCOUNT
    assert a["arn"] == f"{ARN_PREFIX}servicenetworkserviceassociation/{a['id']}"
    assert a["dnsEntry"]["domainName"] == svc["dnsEntry"]["domainName"]


def test_service_association_get_names_both_ends(lattice, make):
    sn, svc = make.network(), make.service()
    a = make.sn_service(sn["id"], svc["id"])
    got = lattice.get_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
    assert (got["serviceId"], got["serviceName"], got["serviceArn"]) == (svc["id"], svc["name"], svc["arn"])
    assert (got["serviceNetworkId"], got["serviceNetworkName"], got["serviceNetworkArn"]) == (
        sn["id"], sn["name"], sn["arn"])
    assert got["status"] == "ACTIVE" and got["id"] == a["id"]


def test_service_association_list_by_network_and_by_service(lattice, make):
    sn, other_sn = make.network(), make.network()
    svc1, svc2 = make.service(), make.service()
    a1, a2 = make.sn_service(sn["id"], svc1["id"]), make.sn_service(sn["id"], svc2["id"])
    a3 = make.sn_service(other_sn["id"], svc1["id"])
    by_sn = lattice.list_service_network_service_associations(serviceNetworkIdentifier=sn["id"])["items"]
    assert sorted(ids(by_sn)) == sorted([a1["id"], a2["id"]])
    by_svc = lattice.list_service_network_service_associations(serviceIdentifier=svc1["id"])["items"]
    assert sorted(ids(by_svc)) == sorted([a1["id"], a3["id"]])


def test_service_association_delete_removes_it(lattice, make):
    sn, svc = make.network(), make.service()
    a = make.sn_service(sn["id"], svc["id"])
    lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
    assert_gone(lattice.get_service_network_service_association, serviceNetworkServiceAssociationIdentifier=a["id"])
    assert lattice.list_service_network_service_associations(serviceNetworkIdentifier=sn["id"])["items"] == []


# --------------------------------------------------------------------------- service network VPC association


def test_vpc_association_create_returns_active_association(lattice, make):
    sn = make.network()
    vpc = make.vpc()
    sg = make.security_group(vpc)
    a = lattice.create_service_network_vpc_association(serviceNetworkIdentifier=sn["id"], vpcIdentifier=vpc,
                                                       securityGroupIds=[sg])
    assert a["status"] == "ACTIVE" and a["createdBy"] == ACCOUNT and a["securityGroupIds"] == [sg]
    assert a["arn"] == f"{ARN_PREFIX}servicenetworkvpcassociation/{a['id']}"


def test_vpc_association_get_names_network_and_vpc(lattice, make):
    sn = make.network()
    vpc = make.vpc()
    sg = make.security_group(vpc)
    a = make.sn_vpc(sn["id"], vpc, securityGroupIds=[sg])
    got = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=a["id"])
    assert (got["vpcId"], got["securityGroupIds"], got["status"]) == (vpc, [sg], "ACTIVE")
    assert (got["serviceNetworkId"], got["serviceNetworkName"], got["serviceNetworkArn"]) == (
        sn["id"], sn["name"], sn["arn"])


def test_vpc_association_list_by_network_and_by_vpc(lattice, make):
    sn, other = make.network(), make.network()
    vpc1, vpc2 = make.vpc(), make.vpc("10.1.0.0/16")
    a1 = make.sn_vpc(sn["id"], vpc1)
    a2 = make.sn_vpc(sn["id"], vpc2)
    make.sn_vpc(other["id"])
    by_sn = lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=sn["id"])["items"]
    assert sorted(ids(by_sn)) == sorted([a1["id"], a2["id"]])
    by_vpc = lattice.list_service_network_vpc_associations(vpcIdentifier=vpc2)["items"]
    assert ids(by_vpc) == [a2["id"]]


def test_vpc_association_update_security_groups(lattice, make):
    sn = make.network()
    vpc = make.vpc()
    a = make.sn_vpc(sn["id"], vpc)
    sg1, sg2 = make.security_group(vpc), make.security_group(vpc)
    out = lattice.update_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=a["id"],
                                                         securityGroupIds=[sg1, sg2])
    assert sorted(out["securityGroupIds"]) == sorted([sg1, sg2])
    got = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=a["id"])
    assert sorted(got["securityGroupIds"]) == sorted([sg1, sg2]) and got["status"] == "ACTIVE"


def test_vpc_association_delete_removes_it(lattice, make):
    sn = make.network()
    a = make.sn_vpc(sn["id"])
    lattice.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=a["id"])
    assert_gone(lattice.get_service_network_vpc_association, serviceNetworkVpcAssociationIdentifier=a["id"])
    assert lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=sn["id"])["items"] == []


def test_vpc_association_with_unknown_vpc_is_rejected(lattice, make):
    sn = make.network()
    with pytest.raises(ClientError) as exc:
        lattice.create_service_network_vpc_association(serviceNetworkIdentifier=sn["id"],
                                                       vpcIdentifier="vpc-0123456789abcdef0")
    status, code, dummy = error_of(exc)
    assert status in (400, 404) and code in ("ValidationException", "ResourceNotFoundException")


# --------------------------------------------------------------------------- access log subscription


@pytest.mark.parametrize("kind", ["network", "service"])
def test_access_log_subscription_create_on_network_or_service(lattice, make, kind):
    res = make.network() if kind == "network" else make.service()
    dest = make.log_group_arn()
    als = lattice.create_access_log_subscription(resourceIdentifier=res["id"], destinationArn=dest)
    assert (als["resourceId"], als["resourceArn"], als["destinationArn"]) == (res["id"], res["arn"], dest)
    assert als["arn"] == f"{ARN_PREFIX}accesslogsubscription/{als['id']}"


def test_access_log_subscription_get_returns_what_was_created(lattice, make):
    svc = make.service()
    als = make.access_log(svc["id"])
    got = lattice.get_access_log_subscription(accessLogSubscriptionIdentifier=als["id"])
    assert {k: got[k] for k in ("id", "arn", "resourceId", "resourceArn", "destinationArn")} == {
        k: als[k] for k in ("id", "arn", "resourceId", "resourceArn", "destinationArn")}


def test_access_log_subscription_list_by_resource(lattice, make):
    svc, other = make.service(), make.service()
    a1 = make.access_log(svc["id"], make.log_group_arn())
    a2 = make.access_log(svc["id"], make.bucket_arn())
    make.access_log(other["id"])
    items = lattice.list_access_log_subscriptions(resourceIdentifier=svc["id"])["items"]
    assert sorted(ids(items)) == sorted([a1["id"], a2["id"]])


def test_access_log_subscription_update_destination(lattice, make):
    svc = make.service()
    als = make.access_log(svc["id"])
    new_dest = make.log_group_arn()
    out = lattice.update_access_log_subscription(accessLogSubscriptionIdentifier=als["id"], destinationArn=new_dest)
    assert out["destinationArn"] == new_dest and out["id"] == als["id"]
    got = lattice.get_access_log_subscription(accessLogSubscriptionIdentifier=als["id"])
    assert got["destinationArn"] == new_dest


def test_access_log_subscription_delete_removes_it(lattice, make):
    svc = make.service()
    als = make.access_log(svc["id"])
    lattice.delete_access_log_subscription(accessLogSubscriptionIdentifier=als["id"])
    assert_gone(lattice.get_access_log_subscription, accessLogSubscriptionIdentifier=als["id"])
    assert lattice.list_access_log_subscriptions(resourceIdentifier=svc["id"])["items"] == []


# --------------------------------------------------------------------------- auth policy


def test_auth_policy_put_and_get_round_trip_as_document(lattice, make):
    svc = make.service(authType="AWS_IAM")
    doc = auth_policy_document(svc["arn"])
    out = lattice.put_auth_policy(resourceIdentifier=svc["id"], policy=doc)
    assert json.loads(out["policy"]) == json.loads(doc) and out["state"] == "Active"
    got = lattice.get_auth_policy(resourceIdentifier=svc["id"])
    assert json.loads(got["policy"]) == json.loads(doc) and got["state"] == "Active"


def test_auth_policy_is_inactive_while_auth_type_is_none(lattice, make):
    sn = make.network(authType="NONE")
    out = lattice.put_auth_policy(resourceIdentifier=sn["id"], policy=auth_policy_document())
    assert out["state"] == "Inactive"
    assert lattice.get_auth_policy(resourceIdentifier=sn["id"])["state"] == "Inactive"
    lattice.update_service_network(serviceNetworkIdentifier=sn["id"], authType="AWS_IAM")
    assert lattice.get_auth_policy(resourceIdentifier=sn["id"])["state"] == "Active"


def test_auth_policy_put_replaces_previous_policy(lattice, make):
    svc = make.service(authType="AWS_IAM")
    lattice.put_auth_policy(resourceIdentifier=svc["id"], policy=auth_policy_document("*"))
    second = auth_policy_document(svc["arn"])
    lattice.put_auth_policy(resourceIdentifier=svc["id"], policy=second)
    assert json.loads(lattice.get_auth_policy(resourceIdentifier=svc["id"])["policy"]) == json.loads(second)


def test_auth_policy_delete_removes_policy(lattice, make):
    svc = make.service(authType="AWS_IAM")
    lattice.put_auth_policy(resourceIdentifier=svc["id"], policy=auth_policy_document())
    lattice.delete_auth_policy(resourceIdentifier=svc["id"])
    try:
        got = lattice.get_auth_policy(resourceIdentifier=svc["id"])
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "ResourceNotFoundException"
    else:
        assert "policy" not in got, got


# --------------------------------------------------------------------------- resource policy


@pytest.mark.parametrize("kind", ["network", "service"])
def test_resource_policy_put_and_get_round_trip(lattice, make, kind):
    res = make.network() if kind == "network" else make.service()
    doc = resource_policy_document(res["arn"], "vpc-lattice:GetServiceNetwork" if kind == "network"
                                   else "vpc-lattice:GetService")
    lattice.put_resource_policy(resourceArn=res["arn"], policy=doc)
    assert json.loads(lattice.get_resource_policy(resourceArn=res["arn"])["policy"]) == json.loads(doc)


def test_resource_policy_delete_removes_policy(lattice, make):
    svc = make.service()
    lattice.put_resource_policy(resourceArn=svc["arn"],
                                policy=resource_policy_document(svc["arn"], "vpc-lattice:GetService"))
    lattice.delete_resource_policy(resourceArn=svc["arn"])
    try:
        got = lattice.get_resource_policy(resourceArn=svc["arn"])
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "ResourceNotFoundException"
    else:
        assert "policy" not in got, got
