"""mesh_services_in_sync and mesh_auth_policies_to_apply: a planned service counts as in sync only when every
task of the service role would change nothing, judged from the service_info / target_group_info read."""

import copy

import pytest

from ansible_collections.lattice.mesh.plugins.filter.mesh import mesh_plan
from ansible_collections.lattice.mesh.plugins.filter.mesh_sync import (
    mesh_auth_policies_to_apply,
    mesh_services_in_sync,
    service_auth_policy,
)

MESH = {
    "vpcs": [{"name": "app", "cidr": "10.0.0.0/16", "subnets": [{"cidr": "10.0.1.0/24"}]}],
    "services": [
        {
            "name": "api",
            "vpc": "app",
            "target_groups": [
                {
                    "name": "api-tg",
                    "type": "IP",
                    "protocol": "HTTPS",
                    "port": 443,
                    "health_check": {"path": "/health", "matcher": {"http_code": "200"}},
                    "targets": [{"id": "10.0.1.10", "port": 8443}],
                }
            ],
            "listeners": [
                {
                    "name": "web",
                    "protocol": "HTTPS",
                    "default_action": {"forward": [{"target_group": "api-tg"}]},
                    "rules": [
                        {
                            "name": "v2",
                            "priority": 10,
                            "match": {"path_match": {"prefix": "/v2"}},
                            "action": {"fixed_response": 404},
                        }
                    ],
                }
            ],
        }
    ],
    "callers": [{"name": "web", "vpc": "app", "calls": ["api"]}],
}
(PLANNED,) = mesh_plan(MESH, "dev")["services"]
NETWORK = "sn-0123456789abcdef0"
VPCS = {"app": {"vpc_id": "vpc-0123456789abcdef0", "subnet_id": "subnet-1"}}
SERVICE_ARN = "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0"
TAGS = {"Environment": "dev"}


def deployed_service():
    """dev-api as service_info (all includes) reads it right after the role deployed it."""
    listener_arn = SERVICE_ARN + "/listener/listener-0123456789abcdef0"
    forward = {"forward": {"target_groups": [{"target_group_identifier": "tg-0123456789abcdef0", "weight": 100}]}}
    return {
        "arn": SERVICE_ARN,
        "id": "svc-0123456789abcdef0",
        "name": "dev-api",
        "status": "ACTIVE",
        "auth_type": "AWS_IAM",
        "dns_entry": {"domain_name": "dev-api-0123.vpc-lattice-svcs.us-east-1.on.aws"},
        "tags": dict(TAGS, Name="dev-api", team="added-by-hand"),
        "listeners": [
            {
                "arn": listener_arn,
                "id": "listener-0123456789abcdef0",
                "name": "dev-api-web",
                "protocol": "HTTPS",
                "port": 443,
                "default_action": forward,
                "tags": dict(TAGS, Name="dev-api-web"),
                "rules": [
                    {"id": "rule-default", "name": "default", "is_default": True, "action": forward, "tags": {}},
                    {
                        "id": "rule-0123456789abcdef0",
                        "name": "v2",
                        "is_default": False,
                        "priority": 10,
                        "match": {"http_match": {"path_match": {"match": {"prefix": "/v2"}, "case_sensitive": True}}},
                        "action": {"fixed_response": {"status_code": 404}},
                        "tags": dict(TAGS, Name="v2"),
                    },
                ],
            }
        ],
        "service_network_associations": [
            {
                "id": "snsa-0123456789abcdef0",
                "arn": "arn:aws:vpc-lattice:us-east-1:123456789012:servicenetworkserviceassociation/snsa-0123",
                "status": "ACTIVE",
                "service_network_id": NETWORK,
                "service_network_arn": "arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/" + NETWORK,
                "tags": dict(TAGS, Name="dev-api-association"),
            }
        ],
        "auth_policy": None,
    }


def deployed_group():
    """dev-api-tg as target_group_info reads it (AWS's health check defaults filled in)."""
    return {
        "arn": "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0",
        "id": "tg-0123456789abcdef0",
        "name": "dev-api-tg",
        "type": "IP",
        "status": "ACTIVE",
        "config": {
            "port": 443,
            "protocol": "HTTPS",
            "protocol_version": "HTTP1",
            "ip_address_type": "IPV4",
            "vpc_identifier": "vpc-0123456789abcdef0",
            "health_check": {
                "enabled": True,
                "protocol": "HTTPS",
                "protocol_version": "HTTP1",
                "path": "/health",
                "health_check_interval_seconds": 30,
                "health_check_timeout_seconds": 5,
                "healthy_threshold_count": 5,
                "unhealthy_threshold_count": 2,
                "matcher": {"http_code": "200"},
            },
        },
        "tags": dict(TAGS, Name="dev-api-tg"),
        "targets": [{"id": "10.0.1.10", "port": 8443, "status": "HEALTHY", "reason_code": None}],
    }


def in_sync(service=None, group=None, network=NETWORK, planned=PLANNED):
    services = [deployed_service() if service is None else service]
    groups = [deployed_group() if group is None else group]
    return mesh_services_in_sync([planned], services, groups, network, VPCS)


def test_a_service_as_declared_is_in_sync_with_the_role_s_result():
    assert in_sync() == {
        "api": {
            "id": "svc-0123456789abcdef0",
            "arn": SERVICE_ARN,
            "name": "dev-api",
            "status": "ACTIVE",
            "dns_name": "dev-api-0123.vpc-lattice-svcs.us-east-1.on.aws",
            "target_groups": {
                "dev-api-tg": {
                    "id": "tg-0123456789abcdef0",
                    "arn": "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0",
                    "status": "ACTIVE",
                }
            },
            "listeners": {
                "dev-api-web": {
                    "id": "listener-0123456789abcdef0",
                    "arn": SERVICE_ARN + "/listener/listener-0123456789abcdef0",
                }
            },
            "association_id": "snsa-0123456789abcdef0",
            "association_status": "ACTIVE",
        }
    }


def test_the_network_may_be_named_by_arn():
    arn = "arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/" + NETWORK
    assert "api" in in_sync(network=arn)


def _listener(service):
    return service["listeners"][0]


def _rule(service):
    return _listener(service)["rules"][1]


def _association(service):
    return service["service_network_associations"][0]


SERVICE_DRIFT = {
    "not deployed": lambda s: s.update(name="dev-someone-else"),
    "being created": lambda s: s.update(status="CREATE_IN_PROGRESS"),
    "auth type NONE": lambda s: s.update(auth_type="NONE"),
    "Name tag removed": lambda s: s["tags"].pop("Name"),
    "Environment tag changed": lambda s: s["tags"].update(Environment="prod"),
    "shared by another account (details unreadable)": lambda s: [s.pop(key) for key in ("listeners", "auth_policy")],
    "listener deleted": lambda s: s.update(listeners=[]),
    "undeclared listener": lambda s: s["listeners"].append(dict(_listener(s), name="dev-api-extra", id="listener-2")),
    "listener renamed": lambda s: _listener(s).update(name="dev-api-old"),
    "listener port": lambda s: _listener(s).update(port=8443),
    "listener protocol": lambda s: _listener(s).update(protocol="HTTP"),
    "listener default action weight": lambda s: _listener(s)["default_action"]["forward"]["target_groups"][0].update(
        weight=50
    ),
    "listener default action fixed response": lambda s: _listener(s).update(
        default_action={"fixed_response": {"status_code": 404}}
    ),
    "listener tag removed": lambda s: _listener(s)["tags"].pop("Environment"),
    "rules not read": lambda s: _listener(s).pop("rules"),
    "rule deleted": lambda s: _listener(s)["rules"].pop(1),
    "undeclared rule": lambda s: _listener(s)["rules"].append(dict(_rule(s), name="extra", priority=20)),
    "rule priority": lambda s: _rule(s).update(priority=11),
    "rule path": lambda s: _rule(s)["match"]["http_match"]["path_match"]["match"].update(prefix="/v3"),
    "rule path case-insensitive": lambda s: _rule(s)["match"]["http_match"]["path_match"].update(case_sensitive=False),
    "rule method added": lambda s: _rule(s)["match"]["http_match"].update(method="POST"),
    "rule action": lambda s: _rule(s).update(action={"fixed_response": {"status_code": 500}}),
    "rule tag changed": lambda s: _rule(s)["tags"].update(Name="other"),
    "association deleted": lambda s: s.update(service_network_associations=[]),
    "association being deleted": lambda s: _association(s).update(status="DELETE_IN_PROGRESS"),
    "association being created": lambda s: _association(s).update(status="CREATE_IN_PROGRESS"),
    "association with another network": lambda s: _association(s).update(
        service_network_id="sn-0ffffffffffffffff", service_network_arn="arn:other"
    ),
    "association tag removed": lambda s: _association(s)["tags"].pop("Name"),
}


@pytest.mark.parametrize("drift", sorted(SERVICE_DRIFT))
def test_a_service_that_differs_is_not_in_sync(drift):
    service = deployed_service()
    SERVICE_DRIFT[drift](service)
    assert in_sync(service=service) == {}


GROUP_DRIFT = {
    "not deployed": lambda g: g.update(name="someone-else-tg"),
    "being created": lambda g: g.update(status="CREATE_IN_PROGRESS"),
    "other type": lambda g: g.update(type="INSTANCE"),
    "other port": lambda g: g["config"].update(port=8443),
    "other VPC": lambda g: g["config"].update(vpc_identifier="vpc-0ffffffffffffffff"),
    "health check path": lambda g: g["config"]["health_check"].update(path="/"),
    "health check matcher": lambda g: g["config"]["health_check"]["matcher"].update(http_code="200-299"),
    "target deregistered": lambda g: g.update(targets=[]),
    "target draining": lambda g: g["targets"][0].update(status="DRAINING"),
    "undeclared target": lambda g: g["targets"].append({"id": "10.0.1.11", "port": 8443, "status": "HEALTHY"}),
    "target on another port": lambda g: g["targets"][0].update(port=443),
    "Name tag removed": lambda g: g["tags"].pop("Name"),
}


@pytest.mark.parametrize("drift", sorted(GROUP_DRIFT))
def test_a_service_whose_target_group_differs_is_not_in_sync(drift):
    group = deployed_group()
    GROUP_DRIFT[drift](group)
    assert in_sync(group=group) == {}


def test_settings_the_declaration_leaves_to_aws_and_tags_added_by_hand_are_no_difference():
    group = deployed_group()
    group["tags"]["cost-center"] = "42"
    group["config"]["health_check"]["healthy_threshold_count"] = 3  # undeclared: left alone, as by the module
    service = deployed_service()
    service["idle_timeout_seconds"] = 300
    _association(service)["tags"]["owner"] = "ops"
    assert "api" in in_sync(service=service, group=group)


@pytest.mark.parametrize(
    "source",
    [{"target_filters": {"tag:app": "api"}}, {"lambda_function": "api"}, {"ecs": {"cluster": "c", "service": "s"}}],
)
def test_targets_found_at_run_time_always_need_the_role(source):
    planned = copy.deepcopy(PLANNED)
    planned["target_groups"][0].update(source)
    assert in_sync(planned=planned) == {}


def test_a_network_known_by_name_only_needs_the_role():
    # check mode before the network exists: the association cannot be judged from the read
    assert in_sync(network="dev-service-network") == {}


def test_only_deployed_services_of_the_plan_are_returned():
    other = dict(copy.deepcopy(PLANNED), key="other", name="dev-other")
    assert list(mesh_services_in_sync([PLANNED, other], [deployed_service()], [deployed_group()], NETWORK, VPCS)) == [
        "api"
    ]


ROLE = "arn:aws:iam::123456789012:role/dev-web-role"
RESULTS = {"api": {"arn": SERVICE_ARN}}


def with_policy(policy):
    return [dict(deployed_service(), auth_policy=policy)]


def to_apply(deployed, caller_roles=None, results=None):
    applied = mesh_auth_policies_to_apply([PLANNED], {"web": ROLE} if caller_roles is None else caller_roles,
                                          deployed, RESULTS if results is None else results)  # fmt: skip
    return [(service["key"], service["allowed_principals"]) for service in applied]


def test_the_declared_policy_in_place_is_not_applied_again():
    assert to_apply(with_policy(service_auth_policy(SERVICE_ARN, [ROLE]))) == []


def test_a_policy_that_differs_is_applied_with_the_callers_roles():
    assert to_apply(with_policy(None)) == [("api", [ROLE])]
    widened = service_auth_policy(SERVICE_ARN, [ROLE, "arn:aws:iam::123456789012:root"])
    assert to_apply(with_policy(widened)) == [("api", [ROLE])]
    # a service replaced since the read (another ARN), or not read at all
    assert to_apply(with_policy(service_auth_policy(SERVICE_ARN, [ROLE])), results={"api": {"arn": "arn:new"}}) == [
        ("api", [ROLE])
    ]
    assert to_apply([]) == [("api", [ROLE])]


def test_without_caller_roles_the_policy_is_removed_unless_there_is_none():
    assert to_apply(with_policy(None), caller_roles={}) == []
    assert to_apply(with_policy(service_auth_policy(SERVICE_ARN, [ROLE])), caller_roles={}) == [("api", [])]


def test_a_service_not_created_yet_check_mode_goes_to_the_role():
    assert to_apply(with_policy(None), results={}) == [("api", [ROLE])]


def test_the_auth_policy_allows_exactly_the_principals_sorted_once():
    policy = service_auth_policy(SERVICE_ARN, [ROLE, "arn:aws:iam::123456789012:role/a", ROLE])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::123456789012:role/a", ROLE]}
    assert statement["Action"] == "vpc-lattice-svcs:Invoke"
    assert statement["Resource"] == [SERVICE_ARN, SERVICE_ARN + "/*"]


def test_header_matches_compare_as_the_rule_module_does():
    planned = copy.deepcopy(PLANNED)
    planned["listeners"][0]["rules"][0]["match"] = {
        "method": "GET",
        "header_matches": [{"name": "X-Env", "exact": "canary"}, {"name": "X-Team", "prefix": "shop"}],
    }
    service = deployed_service()
    # AWS's answer: its own order, the header names as given, the case-sensitivity default spelled out
    _rule(service)["match"] = {
        "http_match": {
            "method": "GET",
            "header_matches": [
                {"name": "x-team", "match": {"prefix": "shop"}, "case_sensitive": False},
                {"name": "x-env", "match": {"exact": "canary"}},
            ],
        }
    }
    assert "api" in in_sync(service=service, planned=planned)
    _rule(service)["match"]["http_match"]["header_matches"][1]["match"] = {"exact": "stable"}
    assert in_sync(service=service, planned=planned) == {}
