"""Unit tests of the mesh declaration's validator (mesh_problems) and planner (mesh_plan).

The catalogue breaks a small sound declaration one way at a time and checks that the message names the
environment, the path and the field; the declarations of the inventories must have no problem.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from ansible_collections.lattice.mesh.plugins.filter.mesh import (
    FilterModule,
    mesh_account_plan,
    mesh_ecs_role,
    mesh_immutable_problems,
    mesh_plan,
    mesh_problems,
)

REPO = Path(__file__).resolve().parents[4]
ENV = "dev"
REGION = "us-east-1"
LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:dev-hello"

# A small sound declaration that uses most of the schema; every case of the catalogue breaks one thing.
SOUND = {
    "service_network": {"name": "dev-service-network", "auth_type": "AWS_IAM", "access_logs": {"retention_days": 7}},
    "vpcs": [
        {"name": "caller", "cidr": "10.0.0.0/16", "subnets": [{"cidr": "10.0.1.0/24", "az": 0}]},
        {
            "name": "provider",
            "cidr": "10.1.0.0/16",
            "associate": False,
            "subnets": [{"cidr": "10.1.1.0/24", "az": 0}, {"cidr": "10.1.2.0/24", "az": 1}],
        },
    ],
    "services": [
        {
            "name": "api",
            "vpc": "provider",
            "auth_type": "AWS_IAM",
            "target_groups": [
                {
                    "name": "api-tg",
                    "type": "IP",
                    "port": 8080,
                    "protocol": "HTTP",
                    "health_check": {"enabled": True, "path": "/health", "interval_seconds": 30, "port": 8081},
                    "targets": [{"id": "10.1.1.10"}, {"id": "10.1.2.10", "port": 9090}],
                },
                {"name": "api-v2-tg", "type": "INSTANCE", "protocol": "HTTPS"},
            ],
            "listeners": [
                {
                    "name": "http",
                    "protocol": "HTTP",
                    "default_action": {"forward": [{"target_group": "api-tg"}]},
                    "rules": [
                        {
                            "name": "canary",
                            "priority": 10,
                            "match": {
                                "method": "GET",
                                "path_match": {"prefix": "/v2"},
                                "header_matches": [{"name": "x-canary", "exact": "1"}],
                            },
                            "action": {
                                "forward": [
                                    {"target_group": "api-tg", "weight": 90},
                                    {"target_group": "api-v2-tg", "weight": 10},
                                ]
                            },
                        },
                        {
                            "name": "admin",
                            "priority": 20,
                            "match": {"path_match": {"exact": "/admin"}},
                            "action": {"fixed_response": 404},
                        },
                    ],
                }
            ],
        },
        {
            "name": "fn",
            "target_groups": [
                {
                    "name": "fn-tg",
                    "type": "LAMBDA",
                    "lambda_event_structure_version": "V2",
                    "targets": [{"id": LAMBDA_ARN}],
                }
            ],
            "listeners": [
                {
                    "name": "https",
                    "protocol": "HTTPS",
                    "port": 8443,
                    "default_action": {"forward": [{"target_group": "fn-tg"}]},
                }
            ],
        },
        {
            "name": "vault",
            "vpc": "provider",
            "auth_type": "NONE",
            "target_groups": [{"name": "vault-tg", "type": "IP", "port": 8200, "protocol": "TCP", "targets": []}],
            "listeners": [
                {
                    "name": "tls",
                    "protocol": "TLS_PASSTHROUGH",
                    "port": 443,
                    "default_action": {"forward": [{"target_group": "vault-tg", "weight": 5}]},
                }
            ],
        },
    ],
    "callers": [
        {
            "name": "client",
            "vpc": "caller",
            "runs_on": "ecs",
            "managed_policy_arns": ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"],
            "calls": ["api", "fn"],
        },
        {"name": "batch", "vpc": "caller", "runs_on": "lambda", "calls": ["api", "vault"]},
    ],
}


def sound():
    return copy.deepcopy(SOUND)


def svc(mesh, name="api"):
    return next(s for s in mesh["services"] if s["name"] == name)


def tg(mesh, service="api", index=0):
    return svc(mesh, service)["target_groups"][index]


def listener(mesh, service="api", index=0):
    return svc(mesh, service)["listeners"][index]


def rule(mesh, index=0):
    return listener(mesh)["rules"][index]


def vpc(mesh, name="provider"):
    return next(v for v in mesh["vpcs"] if v["name"] == name)


def caller(mesh, name="client"):
    return next(c for c in mesh["callers"] if c["name"] == name)


def test_the_base_declaration_is_sound():
    assert mesh_problems(SOUND, ENV, region=REGION) == []
    assert mesh_problems(SOUND, ENV) == []


def test_the_filters_are_registered():
    assert FilterModule().filters() == {
        "mesh_problems": mesh_problems,
        "mesh_plan": mesh_plan,
        "mesh_immutable_problems": mesh_immutable_problems,
        "mesh_account_plan": mesh_account_plan,
        "mesh_ecs_role": mesh_ecs_role,
    }


# --- the catalogue: (id, how to break the declaration, path, words the message must hold) ------------

API = "services[api]"
TG = API + ".target_groups[api-tg]"
HTTP = API + ".listeners[http]"
RULE = HTTP + ".rules[canary]"

CATALOGUE = [
    # required fields and types
    ("vpcs-missing", lambda m: m.pop("vpcs"), "vpcs", "is required"),
    ("vpcs-empty", lambda m: m.update(vpcs=[]), "vpcs", "is empty"),
    ("services-a-dict", lambda m: m.update(services={"api": {}}), "services", "must be a list"),
    ("vpc-a-string", lambda m: m["vpcs"].append("vpc-c"), "vpcs[2]", "must be a mapping"),
    ("vpc-cidr-missing", lambda m: vpc(m).pop("cidr"), "vpcs[provider].cidr", "is required"),
    ("vpc-subnets-missing", lambda m: vpc(m).pop("subnets"), "vpcs[provider].subnets", "is required"),
    ("service-listeners-missing", lambda m: svc(m).pop("listeners"), API + ".listeners", "is required"),
    ("tg-type-missing", lambda m: tg(m).pop("type"), TG + ".type", "is required"),
    ("tg-protocol-missing", lambda m: tg(m).pop("protocol"), TG + ".protocol", "is required for IP"),
    ("listener-protocol-missing", lambda m: listener(m).pop("protocol"), HTTP + ".protocol", "is required"),
    ("listener-action-missing", lambda m: listener(m).pop("default_action"), HTTP + ".default_action", "is required"),
    ("rule-priority-missing", lambda m: rule(m).pop("priority"), RULE + ".priority", "is required"),
    ("rule-match-missing", lambda m: rule(m).pop("match"), RULE + ".match", "is required"),
    ("caller-runs-on-missing", lambda m: caller(m).pop("runs_on"), "callers[client].runs_on", "is required"),
    ("caller-calls-missing", lambda m: caller(m).pop("calls"), "callers[client].calls", "is required"),
    ("caller-calls-empty", lambda m: caller(m).update(calls=[]), "callers[client].calls", "is empty"),
    ("port-quoted", lambda m: tg(m).update(port="8080"), TG + ".port", "without quotes"),
    ("associate-not-bool", lambda m: vpc(m).update(associate="no"), "vpcs[provider].associate", "true or false"),
    (
        "hc-enabled-not-bool",
        lambda m: tg(m)["health_check"].update(enabled="yes"),
        TG + ".health_check.enabled",
        "true or false",
    ),
    # unknown keys, with the closest known key suggested
    ("unknown-top-key", lambda m: m.update(sevices=[]), "sevices", "did you mean 'services'"),
    ("unknown-service-key", lambda m: svc(m).update(listners=[]), API + ".listners", "did you mean 'listeners'"),
    ("unknown-tg-key", lambda m: tg(m).update(protocl="HTTP"), TG + ".protocl", "did you mean 'protocol'"),
    (
        "unknown-hc-key",
        lambda m: tg(m)["health_check"].update(interval=5),
        TG + ".health_check.interval",
        "did you mean 'interval_seconds'",
    ),
    ("unknown-key-no-match", lambda m: vpc(m).update(zzz=1), "vpcs[provider].zzz", "the known keys are"),
    ("unknown-caller-key", lambda m: caller(m).update(call=["api"]), "callers[client].call", "did you mean 'calls'"),
    # environment name
    # (checked in test_env_name_pattern)
    # duplicate names
    ("duplicate-vpc", lambda m: m["vpcs"].append(copy.deepcopy(vpc(m, "caller"))), "vpcs[2].name", "declared twice"),
    (
        "duplicate-service",
        lambda m: m["services"].append(copy.deepcopy(svc(m, "fn"))),
        "services[3].name",
        "declared twice",
    ),
    ("duplicate-caller", lambda m: m["callers"].append(copy.deepcopy(caller(m))), "callers[2].name", "declared twice"),
    (
        "duplicate-tg-across-services",
        lambda m: tg(m, "fn").update(name="api-tg"),
        "services[fn].target_groups[0].name",
        "unique per account and region",
    ),
    (
        "duplicate-listener",
        lambda m: svc(m)["listeners"].append(dict(listener(m), port=81, rules=[])),
        API + ".listeners[1].name",
        "declared twice in this service",
    ),
    ("duplicate-rule", lambda m: rule(m, 1).update(name="canary"), HTTP + ".rules[1].name", "declared twice"),
    # name patterns after prefixing
    ("service-name-uppercase", lambda m: svc(m, "fn").update(name="Fn"), "services[Fn].name", "for example 'fn'"),
    (
        "service-name-too-long",
        lambda m: svc(m, "fn").update(name="f" * 37),
        "services[%s].name" % ("f" * 37),
        "shorten",
    ),
    ("service-name-double-hyphen", lambda m: svc(m, "fn").update(name="f--n"), "services[f--n].name", "single hyphens"),
    (
        "tg-name-underscore",
        lambda m: tg(m, "fn").update(name="fn_tg"),
        "services[fn].target_groups[fn_tg].name",
        "'dev-fn_tg'",
    ),
    (
        "listener-name-too-long",
        lambda m: listener(m, "fn").update(name="l" * 60),
        "services[fn].listeners[%s].name" % ("l" * 60),
        "63",
    ),
    (
        "rule-name-reserved-prefix",
        lambda m: rule(m).update(name="rule-one"),
        HTTP + ".rules[rule-one].name",
        "must not begin with 'rule-'",
    ),
    ("rule-name-too-short", lambda m: rule(m).update(name="v2"), HTTP + ".rules[v2].name", "3 to 63"),
    (
        "network-name-trailing-hyphen",
        lambda m: m["service_network"].update(name="net-"),
        "service_network.name",
        "hyphen",
    ),
    (
        "caller-role-name-too-long",
        lambda m: caller(m, "batch").update(name="b" * 60),
        "callers[%s].name" % ("b" * 60),
        "IAM role name",
    ),
    ("vpc-name-space", lambda m: vpc(m, "caller").update(name="my vpc"), "vpcs[0].name", "for example 'my-vpc'"),
    # CIDRs
    ("vpc-cidr-invalid", lambda m: vpc(m).update(cidr="10.1.0.0/33"), "vpcs[provider].cidr", "not an IPv4 CIDR"),
    (
        "vpc-cidr-host-bits",
        lambda m: vpc(m).update(cidr="10.1.0.1/16"),
        "vpcs[provider].cidr",
        "did you mean 10.1.0.0/16",
    ),
    ("vpc-cidr-too-large", lambda m: vpc(m).update(cidr="10.0.0.0/8"), "vpcs[provider].cidr", "/16 to /28"),
    (
        "subnet-outside-vpc",
        lambda m: vpc(m)["subnets"][1].update(cidr="10.9.2.0/24"),
        "vpcs[provider].subnets[1].cidr",
        "not inside the VPC's 10.1.0.0/16",
    ),
    (
        "subnets-overlap",
        lambda m: vpc(m)["subnets"][1].update(cidr="10.1.0.0/20"),
        "vpcs[provider].subnets[1].cidr",
        "overlaps subnets[0]",
    ),
    (
        "vpcs-overlap",
        lambda m: vpc(m).update(cidr="10.0.0.0/16", subnets=[{"cidr": "10.0.9.0/24"}]),
        "vpcs[provider].cidr",
        "overlaps the CIDR of VPC 'caller'",
    ),
    # AZ indexes
    ("az-negative", lambda m: vpc(m)["subnets"][0].update(az=-1), "vpcs[provider].subnets[0].az", "out of range"),
    (
        "az-string",
        lambda m: vpc(m)["subnets"][0].update(az="us-east-1a"),
        "vpcs[provider].subnets[0].az",
        "must be an integer >= 0",
    ),
    ("az-bool", lambda m: vpc(m)["subnets"][0].update(az=True), "vpcs[provider].subnets[0].az", "the boolean true"),
    # ports
    ("tg-port-zero", lambda m: tg(m).update(port=0), TG + ".port", "1 to 65535"),
    ("listener-port-too-big", lambda m: listener(m).update(port=70000), HTTP + ".port", "1 to 65535"),
    ("target-port-bad", lambda m: tg(m)["targets"][0].update(port=-5), TG + ".targets[0].port", "1 to 65535"),
    (
        "listener-ports-clash",
        lambda m: svc(m)["listeners"].append(
            {"name": "http2", "protocol": "HTTP", "port": 80, "default_action": {"fixed_response": 404}}
        ),
        API + ".listeners[http2].port",
        "also the port of listeners[0]",
    ),
    # choices
    ("auth-type-lowercase", lambda m: svc(m).update(auth_type="aws_iam"), API + ".auth_type", "did you mean 'AWS_IAM'"),
    (
        "network-auth-type-bad",
        lambda m: m["service_network"].update(auth_type="IAM"),
        "service_network.auth_type",
        "not one of AWS_IAM, NONE",
    ),
    (
        "network-policy-scope-bad",
        lambda m: m["service_network"].update(policy_scope="account"),
        "service_network.policy_scope",
        "did you mean 'accounts'",
    ),
    (
        "policy-scope-accounts-with-an-open-service",
        lambda m: m["service_network"].update(policy_scope="accounts"),
        "services[vault].auth_type",
        "is NONE, but service_network.policy_scope 'accounts'",
    ),
    ("tg-type-bad", lambda m: tg(m).update(type="EC2"), TG + ".type", "not one of INSTANCE, IP, LAMBDA, ALB"),
    (
        "tg-protocol-version-bad",
        lambda m: tg(m).update(protocol_version="HTTP3"),
        TG + ".protocol_version",
        "not one of",
    ),
    (
        "runs-on-bad",
        lambda m: caller(m).update(runs_on="EKS"),
        "callers[client].runs_on",
        "not one of ec2, ecs, lambda",
    ),
    ("runs-on-case", lambda m: caller(m).update(runs_on="EC2"), "callers[client].runs_on", "did you mean 'ec2'"),
    (
        "retention-bad",
        lambda m: m["service_network"]["access_logs"].update(retention_days=10),
        "service_network.access_logs.retention_days",
        "not supported",
    ),
    (
        "policy-arn-bad",
        lambda m: caller(m).update(managed_policy_arns=["CloudWatchAgentServerPolicy"]),
        "callers[client].managed_policy_arns[0]",
        "not an IAM policy ARN",
    ),
    # health checks
    (
        "hc-interval-low",
        lambda m: tg(m)["health_check"].update(interval_seconds=4),
        TG + ".health_check.interval_seconds",
        "5 to 300",
    ),
    (
        "hc-interval-high",
        lambda m: tg(m)["health_check"].update(interval_seconds=301),
        TG + ".health_check.interval_seconds",
        "5 to 300",
    ),
    (
        "hc-timeout-high",
        lambda m: tg(m)["health_check"].update(timeout_seconds=121),
        TG + ".health_check.timeout_seconds",
        "1 to 120",
    ),
    (
        "hc-healthy-threshold-low",
        lambda m: tg(m)["health_check"].update(healthy_threshold_count=1),
        TG + ".health_check.healthy_threshold_count",
        "2 to 10",
    ),
    (
        "hc-unhealthy-threshold-high",
        lambda m: tg(m)["health_check"].update(unhealthy_threshold_count=11),
        TG + ".health_check.unhealthy_threshold_count",
        "2 to 10",
    ),
    (
        "hc-path-relative",
        lambda m: tg(m)["health_check"].update(path="health"),
        TG + ".health_check.path",
        "must begin with '/'; e.g. '/health'",
    ),
    (
        "hc-path-bad-chars",
        lambda m: tg(m)["health_check"].update(path="/he alth"),
        TG + ".health_check.path",
        "characters AWS refuses",
    ),
    (
        "hc-matcher-bad",
        lambda m: tg(m)["health_check"].update(matcher={"http_code": "ok"}),
        TG + ".health_check.matcher.http_code",
        "codes such as",
    ),
    (
        "hc-protocol-version-grpc",
        lambda m: tg(m)["health_check"].update(protocol_version="GRPC"),
        TG + ".health_check.protocol_version",
        "not one of HTTP1, HTTP2",
    ),
    # protocol and type combinations
    (
        "lambda-with-port",
        lambda m: tg(m, "fn").update(port=80),
        "services[fn].target_groups[fn-tg].port",
        "LAMBDA target group takes no port",
    ),
    (
        "lambda-with-health-check",
        lambda m: tg(m, "fn").update(health_check={"enabled": True}),
        "services[fn].target_groups[fn-tg].health_check",
        "takes no health_check",
    ),
    (
        "lambda-two-targets",
        lambda m: tg(m, "fn")["targets"].append({"id": LAMBDA_ARN + "2"}),
        "services[fn].target_groups[fn-tg].targets",
        "holds one function",
    ),
    (
        "lambda-target-port",
        lambda m: tg(m, "fn")["targets"][0].update(port=80),
        "services[fn].target_groups[fn-tg].targets[0].port",
        "take no port",
    ),
    (
        "event-version-on-ip",
        lambda m: tg(m).update(lambda_event_structure_version="V2"),
        TG + ".lambda_event_structure_version",
        "only LAMBDA",
    ),
    (
        "tcp-without-port",
        lambda m: tg(m, "vault").pop("port"),
        "services[vault].target_groups[vault-tg].port",
        "required for TCP",
    ),
    (
        "tcp-with-protocol-version",
        lambda m: tg(m, "vault").update(protocol_version="HTTP1"),
        "services[vault].target_groups[vault-tg].protocol_version",
        "TCP target groups take no protocol version",
    ),
    (
        "alb-tcp",
        lambda m: tg(m, "api", 1).update(type="ALB", protocol="TCP", port=80),
        API + ".target_groups[api-v2-tg].protocol",
        "ALB target groups take HTTP or HTTPS",
    ),
    (
        "ip-address-type-on-instance",
        lambda m: tg(m, "api", 1).update(ip_address_type="IPV4"),
        API + ".target_groups[api-v2-tg].ip_address_type",
        "only IP target groups",
    ),
    (
        "tls-passthrough-to-http-group",
        lambda m: (
            listener(m, "vault")["default_action"]["forward"][0].update(target_group="vault-tg2")
            or svc(m, "vault")["target_groups"].append({"name": "vault-tg2", "type": "IP", "protocol": "HTTPS"})
        ),
        "services[vault].listeners[tls].default_action.forward[0].target_group",
        "forwards only to TCP target groups",
    ),
    (
        "http-listener-to-tcp-group",
        lambda m: svc(m, "vault")["listeners"].append(
            {"name": "web", "protocol": "HTTPS", "default_action": {"forward": [{"target_group": "vault-tg"}]}}
        ),
        "services[vault].listeners[web].default_action.forward[0].target_group",
        "cannot forward to it",
    ),
    (
        "tls-passthrough-fixed-response",
        lambda m: listener(m, "vault").update(default_action={"fixed_response": 404}),
        "services[vault].listeners[tls].default_action.fixed_response",
        "cannot answer with a fixed response",
    ),
    (
        "tls-passthrough-rules",
        lambda m: listener(m, "vault").update(rules=[copy.deepcopy(rule(m))]),
        "services[vault].listeners[tls].rules",
        "have no rules",
    ),
    (
        "tls-passthrough-without-port",
        lambda m: listener(m, "vault").pop("port"),
        "services[vault].listeners[tls].port",
        "required for TLS_PASSTHROUGH",
    ),
    ("service-without-vpc", lambda m: svc(m).pop("vpc"), API + ".vpc", "INSTANCE/IP target groups need the VPC"),
    # target ids by type
    (
        "instance-id-bad",
        lambda m: tg(m, "api", 1).update(targets=[{"id": "10.1.1.1"}]),
        API + ".target_groups[api-v2-tg].targets[0].id",
        "not an EC2 instance ID",
    ),
    (
        "ip-target-bad",
        lambda m: tg(m)["targets"][0].update(id="i-0123456789abcdef0"),
        TG + ".targets[0].id",
        "not an IP address",
    ),
    (
        "ip-target-outside-vpc",
        lambda m: tg(m)["targets"][0].update(id="10.0.1.10"),
        TG + ".targets[0].id",
        "outside the service's VPC (10.1.0.0/16)",
    ),
    (
        "ip-target-wrong-version",
        lambda m: tg(m)["targets"][0].update(id="fd00::1"),
        TG + ".targets[0].id",
        "IPv6 address but the group's ip_address_type is IPV4",
    ),
    (
        "lambda-target-not-arn",
        lambda m: tg(m, "fn")["targets"][0].update(id="dev-hello"),
        "services[fn].target_groups[fn-tg].targets[0].id",
        "not a LAMBDA ARN",
    ),
    (
        "lambda-target-other-region",
        lambda m: tg(m, "fn")["targets"][0].update(id=LAMBDA_ARN.replace("us-east-1", "eu-west-1")),
        "services[fn].target_groups[fn-tg].targets[0].id",
        "not in the mesh's region us-east-1",
    ),
    (
        "alb-target-not-arn",
        lambda m: tg(m, "api", 1).update(type="ALB", targets=[{"id": "my-alb"}]),
        API + ".target_groups[api-v2-tg].targets[0].id",
        "not an ALB ARN",
    ),
    (
        "target-twice",
        lambda m: tg(m)["targets"].append({"id": "10.1.1.10", "port": 8080}),
        TG + ".targets[2].id",
        "listed twice",
    ),
    ("target-without-id", lambda m: tg(m)["targets"].append({"port": 8080}), TG + ".targets[2].id", "is required"),
    # actions
    (
        "action-both",
        lambda m: listener(m)["default_action"].update(fixed_response=404),
        HTTP + ".default_action.forward",
        "exactly one of forward",
    ),
    (
        "action-neither",
        lambda m: listener(m).update(default_action={}),
        HTTP + ".default_action.forward",
        "exactly one of forward",
    ),
    (
        "weight-too-high",
        lambda m: rule(m)["action"]["forward"][0].update(weight=1000),
        RULE + ".action.forward[0].weight",
        "0 to 999",
    ),
    (
        "weight-missing-with-two",
        lambda m: rule(m)["action"]["forward"][1].pop("weight"),
        RULE + ".action.forward[1].weight",
        "is required",
    ),
    (
        "forward-empty",
        lambda m: listener(m)["default_action"].update(forward=[]),
        HTTP + ".default_action.forward",
        "is empty",
    ),
    (
        "forward-eleven",
        lambda m: listener(m)["default_action"].update(forward=[{"target_group": "api-tg", "weight": 1}] * 11),
        HTTP + ".default_action.forward",
        "more than the 10",
    ),
    (
        "forward-twice",
        lambda m: rule(m)["action"]["forward"][1].update(target_group="api-tg"),
        RULE + ".action.forward[1].target_group",
        "listed twice",
    ),
    (
        "forward-unknown-group",
        lambda m: listener(m)["default_action"]["forward"][0].update(target_group="api-tgg"),
        HTTP + ".default_action.forward[0].target_group",
        "'api-tgg' is not a target group of service 'api' (declared: api-tg, api-v2-tg); did you mean 'api-tg'?",
    ),
    (
        "forward-other-services-group",
        lambda m: listener(m)["default_action"]["forward"][0].update(target_group="fn-tg"),
        HTTP + ".default_action.forward[0].target_group",
        "not a target group of service 'api'",
    ),
    (
        "fixed-response-200",
        lambda m: rule(m, 1)["action"].update(fixed_response=200),
        HTTP + ".rules[admin].action.fixed_response",
        "404, 500",
    ),
    # rules and matches
    ("priority-zero", lambda m: rule(m).update(priority=0), RULE + ".priority", "1 to 2000"),
    ("priority-too-high", lambda m: rule(m).update(priority=2001), RULE + ".priority", "1 to 2000"),
    (
        "priority-clash",
        lambda m: rule(m, 1).update(priority=10),
        HTTP + ".rules[admin].priority",
        "unique per listener",
    ),
    (
        "too-many-rules",
        lambda m: listener(m).update(
            rules=[
                {
                    "name": "rule%02d" % i,
                    "priority": i + 1,
                    "match": {"method": "GET"},
                    "action": {"fixed_response": 404},
                }
                for i in range(11)
            ]
        ),
        HTTP + ".rules",
        "more than the 10",
    ),
    (
        "too-many-listeners",
        lambda m: svc(m, "fn")["listeners"].extend(
            [
                {"name": "l%d-x" % i, "protocol": "HTTP", "port": 80 + i, "default_action": {"fixed_response": 404}}
                for i in range(2)
            ]
        ),
        "services[fn].listeners",
        "more than the 2",
    ),
    ("match-empty", lambda m: rule(m).update(match={}), RULE + ".match.method", "at least one of"),
    ("method-lowercase", lambda m: rule(m)["match"].update(method="get"), RULE + ".match.method", "write 'GET'"),
    (
        "path-match-both",
        lambda m: rule(m)["match"]["path_match"].update(exact="/v2"),
        RULE + ".match.path_match.prefix",
        "exactly one of exact and prefix",
    ),
    (
        "path-match-relative",
        lambda m: rule(m)["match"]["path_match"].update(prefix="v2"),
        RULE + ".match.path_match.prefix",
        "must begin with '/'",
    ),
    (
        "six-header-matches",
        lambda m: rule(m)["match"].update(header_matches=[{"name": "h%d" % i, "exact": "1"} for i in range(6)]),
        RULE + ".match.header_matches",
        "more than the 5",
    ),
    (
        "header-match-two-kinds",
        lambda m: rule(m)["match"]["header_matches"][0].update(prefix="1"),
        RULE + ".match.header_matches[0].exact",
        "exactly one of exact, prefix and contains",
    ),
    (
        "header-match-no-name",
        lambda m: rule(m)["match"]["header_matches"][0].pop("name"),
        RULE + ".match.header_matches[0].name",
        "is required",
    ),
    # references
    (
        "service-vpc-unknown",
        lambda m: svc(m).update(vpc="provder"),
        API + ".vpc",
        "'provder' is not a VPC of the mesh (declared: caller, provider); did you mean 'provider'?",
    ),
    ("caller-vpc-unknown", lambda m: caller(m).update(vpc="nowhere"), "callers[client].vpc", "not a VPC of the mesh"),
    (
        "caller-vpc-not-associated",
        lambda m: caller(m).update(vpc="provider"),
        "callers[client].vpc",
        "associate: false",
    ),
    (
        "caller-calls-unknown",
        lambda m: caller(m).update(calls=["api", "nope"]),
        "callers[client].calls[1]",
        "'nope' is not a service of the mesh (declared: api, fn, vault)",
    ),
    (
        "caller-calls-twice",
        lambda m: caller(m).update(calls=["api", "api"]),
        "callers[client].calls[1]",
        "listed twice",
    ),
]


@pytest.mark.parametrize("breaks,path,words", [case[1:] for case in CATALOGUE], ids=[case[0] for case in CATALOGUE])
def test_catalogue_of_broken_declarations(breaks, path, words):
    mesh = sound()
    breaks(mesh)
    problems = mesh_problems(mesh, ENV, region=REGION)
    prefix = "%s: %s: " % (ENV, path)
    found = [p for p in problems if p.startswith(prefix)]
    assert found, "no message for %s in %s" % (path, problems)
    assert any(words in p for p in found), "%r in none of %s" % (words, found)
    assert not any("could not be checked" in p for p in problems)


def test_the_catalogue_is_large_and_its_ids_unique():
    assert len(CATALOGUE) >= 30
    assert len({case[0] for case in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("env", ["Dev", "1dev", "dev_1", "dev-", "a" * 21, "", None, 5, ["dev"]])
def test_env_name_pattern(env):
    problems = mesh_problems(SOUND, env)
    assert problems[0].startswith(
        "%s: lattice_env: " % (env if isinstance(env, str) and env else problems[0].split(":")[0])
    )
    assert "environment name" in problems[0]


def test_env_prefix_counts_in_name_lengths():
    mesh = sound()
    svc(mesh, "fn")["name"] = "f" * 35  # dev-fff... is 39 characters: fine; staging-fff... is 43: too long
    caller(mesh)["calls"] = ["api", "f" * 35]
    assert mesh_problems(mesh, "dev") == []
    assert mesh_problems(mesh, "staging") == [
        "staging: services[%s].name: '%s' makes the service name 'staging-%s', which is 43 characters long; "
        "a service name must have 3 to 40; shorten '%s' by 3 characters" % ("f" * 35, "f" * 35, "f" * 35, "f" * 35)
    ]


def test_env_that_makes_reserved_prefixes_is_caught():
    problems = mesh_problems(SOUND, "tg")
    assert any(p.startswith("tg: services[api].target_groups[api-tg].name: ") and "'tg-'" in p for p in problems)


def test_the_documented_example_message():
    mesh = sound()
    listener(mesh)["default_action"]["forward"][0]["target_group"] = "service-c-tg"
    assert (
        "dev: services[api].listeners[http].default_action.forward[0].target_group: 'service-c-tg' is not a target "
        "group of service 'api' (declared: api-tg, api-v2-tg)"
    ) in mesh_problems(mesh, ENV)


def test_a_sound_declaration_with_only_required_fields():
    mesh = {
        "vpcs": [{"name": "a", "cidr": "10.0.0.0/16", "subnets": [{"cidr": "10.0.0.0/24"}]}],
        "services": [
            {"name": "b", "listeners": [{"name": "l1", "protocol": "HTTP", "default_action": {"fixed_response": 404}}]}
        ],
    }
    assert mesh_problems(mesh, ENV) == []


# --- malformed input never raises ----------------------------------------------------------------

WRONG_VALUES = [None, "x", "", 0, -1, 70000, True, 1.5, [], [None], ["x"], {}, {"x": 1}, {"name": {}}, {1: 2}]


def _nodes(value, path=()):
    """Every path into a declaration (dict keys and list indexes)."""
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _nodes(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _nodes(child, path + (index,))


def _replaced(mesh, path, value):
    mesh = copy.deepcopy(mesh)
    if not path:
        return value
    parent = mesh
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return mesh


def test_malformed_input_never_raises():
    checked = 0
    for path in list(_nodes(SOUND)):
        for wrong in WRONG_VALUES:
            problems = mesh_problems(_replaced(SOUND, path, wrong), ENV, region=REGION)
            assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
            assert all(p.startswith(ENV + ": ") for p in problems), problems
            assert not any("could not be checked" in p for p in problems), (path, wrong, problems)
            checked += 1
    assert checked > 2000


@pytest.mark.parametrize(
    "mesh",
    [
        None,
        "mesh",
        42,
        [],
        [{}],
        {},
        {"vpcs": None},
        {"vpcs": [[]], "services": [[]], "callers": [[]]},
        {"services": [{"target_groups": "x", "listeners": {"a": 1}}]},
        {(): 1},
        {"vpcs": [{"subnets": [[1]]}]},
    ],
)
def test_odd_shapes_are_problems(mesh):
    problems = mesh_problems(mesh, ENV)
    assert problems and not any("could not be checked" in p for p in problems)


def test_bad_region_is_a_problem_not_an_error():
    assert mesh_problems(SOUND, ENV, region="Virginia") == [
        "dev: lattice_region: 'Virginia' is not an AWS region name such as 'us-east-1'"
    ]


# --- the plan ------------------------------------------------------------------------------------


def test_plan_of_a_small_declaration_in_full():
    assert mesh_plan(SOUND, "dev") == {
        "env": "dev",
        "service_network": {
            "name": "dev-service-network",
            "account": None,
            "auth_type": "AWS_IAM",
            "policy_scope": "services",
            "tags": {"Name": "dev-service-network", "Environment": "dev"},
            "access_logs": {
                "retention_days": 7,
                "log_group_name": "/aws/vpclattice/dev-service-network",
                "key_alias": "alias/dev-vpclattice-logs",
                "tags": {"Name": "dev-access-logs", "Environment": "dev"},
            },
        },
        "vpcs": [
            {
                "key": "caller",
                "name": "caller",
                "account": None,
                "cidr": "10.0.0.0/16",
                "subnets": [{"cidr": "10.0.1.0/24", "az": 0}],
                "description": "Security group for Caller",
                "ingress_ports": [],
                # api's HTTP listener (default 80), fn's 8443, vault's 443
                "client_ports": [80, 443, 8443],
            },
            {
                "key": "provider",
                "name": "provider",
                "account": None,
                "cidr": "10.1.0.0/16",
                "subnets": [{"cidr": "10.1.1.0/24", "az": 0}, {"cidr": "10.1.2.0/24", "az": 1}],
                "description": "Security group for Provider",
                # api-tg 8080 (+ a target on 9090, health checks on 8081), api-v2-tg HTTPS default 443, vault-tg 8200
                "ingress_ports": [443, 8080, 8081, 8200, 9090],
                "client_ports": [],
            },
        ],
        "vpc_associations": [
            {"vpc": "caller", "account": None, "tags": {"Name": "dev-caller-vpc-association", "Environment": "dev"}}
        ],
        "services": [
            {
                "key": "api",
                "name": "dev-api",
                "vpc": "provider",
                "account": None,
                "auth_type": "AWS_IAM",
                "tags": {"Name": "dev-api", "Environment": "dev"},
                "association_tags": {"Name": "dev-api-association", "Environment": "dev"},
                "target_groups": [
                    {
                        "name": "dev-api-tg",
                        "type": "IP",
                        "port": 8080,
                        "protocol": "HTTP",
                        "health_check": {"enabled": True, "path": "/health", "interval_seconds": 30, "port": 8081},
                        "targets": [{"id": "10.1.1.10"}, {"id": "10.1.2.10", "port": 9090}],
                        "tags": {"Name": "dev-api-tg", "Environment": "dev"},
                    },
                    {
                        "name": "dev-api-v2-tg",
                        "type": "INSTANCE",
                        "protocol": "HTTPS",
                        "tags": {"Name": "dev-api-v2-tg", "Environment": "dev"},
                    },
                ],
                "listeners": [
                    {
                        "name": "dev-api-http",
                        "protocol": "HTTP",
                        "port": 80,
                        "default_action": {"forward": [{"target_group": "dev-api-tg", "weight": 100}]},
                        "rules": [
                            {
                                "name": "canary",
                                "priority": 10,
                                "match": {
                                    "method": "GET",
                                    "path_match": {"prefix": "/v2"},
                                    "header_matches": [{"name": "x-canary", "exact": "1"}],
                                },
                                "action": {
                                    "forward": [
                                        {"target_group": "dev-api-tg", "weight": 90},
                                        {"target_group": "dev-api-v2-tg", "weight": 10},
                                    ]
                                },
                            },
                            {
                                "name": "admin",
                                "priority": 20,
                                "match": {"path_match": {"exact": "/admin"}},
                                "action": {"fixed_response": 404},
                            },
                        ],
                        "tags": {"Name": "dev-api-http", "Environment": "dev"},
                    }
                ],
                "callers": ["batch", "client"],
            },
            {
                "key": "fn",
                "name": "dev-fn",
                "vpc": None,
                "account": None,
                "auth_type": "AWS_IAM",
                "tags": {"Name": "dev-fn", "Environment": "dev"},
                "association_tags": {"Name": "dev-fn-association", "Environment": "dev"},
                "target_groups": [
                    {
                        "name": "dev-fn-tg",
                        "type": "LAMBDA",
                        "lambda_event_structure_version": "V2",
                        "targets": [{"id": LAMBDA_ARN}],
                        "tags": {"Name": "dev-fn-tg", "Environment": "dev"},
                    }
                ],
                "listeners": [
                    {
                        "name": "dev-fn-https",
                        "protocol": "HTTPS",
                        "port": 8443,
                        "default_action": {"forward": [{"target_group": "dev-fn-tg", "weight": 100}]},
                        "rules": [],
                        "tags": {"Name": "dev-fn-https", "Environment": "dev"},
                    }
                ],
                "callers": ["client"],
            },
            {
                "key": "vault",
                "name": "dev-vault",
                "vpc": "provider",
                "account": None,
                "auth_type": "NONE",
                "tags": {"Name": "dev-vault", "Environment": "dev"},
                "association_tags": {"Name": "dev-vault-association", "Environment": "dev"},
                "target_groups": [
                    {
                        "name": "dev-vault-tg",
                        "type": "IP",
                        "port": 8200,
                        "protocol": "TCP",
                        "targets": [],
                        "tags": {"Name": "dev-vault-tg", "Environment": "dev"},
                    }
                ],
                "listeners": [
                    {
                        "name": "dev-vault-tls",
                        "protocol": "TLS_PASSTHROUGH",
                        "port": 443,
                        "default_action": {"forward": [{"target_group": "dev-vault-tg", "weight": 5}]},
                        "rules": [],
                        "tags": {"Name": "dev-vault-tls", "Environment": "dev"},
                    }
                ],
                "callers": ["batch"],
            },
        ],
        "callers": [
            {
                "key": "client",
                "name": "client",
                "vpc": "caller",
                "account": None,
                "trusted_services": ["ecs-tasks.amazonaws.com"],
                "managed_policy_arns": ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"],
                "calls": ["api", "fn"],
            },
            {
                "key": "batch",
                "name": "batch",
                "vpc": "caller",
                "account": None,
                "trusted_services": ["lambda.amazonaws.com"],
                "managed_policy_arns": [],
                "calls": ["api", "vault"],
            },
        ],
    }


def test_plan_defaults_of_a_minimal_declaration():
    mesh = {
        "vpcs": [{"name": "a", "cidr": "10.0.0.0/16", "subnets": [{"cidr": "10.0.0.0/24"}]}],
        "services": [
            {"name": "b", "listeners": [{"name": "l1", "protocol": "HTTPS", "default_action": {"fixed_response": 500}}]}
        ],
        "callers": [{"name": "c", "vpc": "a", "runs_on": "ec2", "calls": ["b"]}],
    }
    plan = mesh_plan(mesh, "qa")
    assert plan["service_network"] == {
        "name": "qa-service-network",
        "account": None,
        "auth_type": "AWS_IAM",
        "policy_scope": "services",
        "tags": {"Name": "qa-service-network", "Environment": "qa"},
        "access_logs": None,
    }
    assert plan["vpcs"][0]["subnets"] == [{"cidr": "10.0.0.0/24", "az": 0}]
    assert [association["vpc"] for association in plan["vpc_associations"]] == [plan["vpcs"][0]["key"]]
    assert plan["vpcs"][0]["client_ports"] == [443]
    assert plan["services"][0]["listeners"][0]["port"] == 443
    assert plan["services"][0]["listeners"][0]["default_action"] == {"fixed_response": 500}
    assert plan["services"][0]["target_groups"] == []
    assert plan["callers"][0]["trusted_services"] == ["ec2.amazonaws.com"]
    assert plan["callers"][0]["managed_policy_arns"] == []


def test_plan_access_logs_default_retention():
    mesh = sound()
    mesh["service_network"] = {"access_logs": {}}
    assert mesh_plan(mesh, "dev")["service_network"]["access_logs"]["retention_days"] == 7


# --- the inventories' declarations ---------------------------------------------------------------


def _inventory(env):
    path = REPO / "inventories" / env / "group_vars" / "all.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_inventory_declarations_have_no_problems(env):
    data = _inventory(env)
    if env == "dev" and "lattice_mesh" not in data:
        pytest.fail("inventories/dev/group_vars/all.yml declares no lattice_mesh")
    assert data["lattice_env"] == env
    hosts = yaml.safe_load((REPO / "inventories" / env / "hosts.yml").read_text(encoding="utf-8"))["all"]["hosts"]
    accounts = list(hosts)
    assert mesh_problems(data["lattice_mesh"], env, region=data["lattice_region"], accounts=accounts) == []
    plan = mesh_plan(data["lattice_mesh"], env, accounts)
    assert all(service["name"].startswith(env + "-") for service in plan["services"])
    # Every account of hosts.yml deploys something, and everything lands in a declared account.
    items = plan["vpcs"] + plan["services"] + plan["callers"]
    assert {item["account"] for item in items} | {plan["service_network"]["account"]} == set(accounts)


def test_staging_is_the_declared_shape():
    data = _inventory("staging")
    mesh, plan = data["lattice_mesh"], mesh_plan(data["lattice_mesh"], "staging")
    assert len(mesh["vpcs"]) == 3
    assert all(sorted(s["az"] for s in v["subnets"]) == [0, 1] for v in mesh["vpcs"])
    types = sorted(g["type"] for s in mesh["services"] for g in s["target_groups"])
    assert types == ["INSTANCE", "IP", "LAMBDA"]
    lambda_group = next(g for s in mesh["services"] for g in s["target_groups"] if g["type"] == "LAMBDA")
    assert lambda_group["lambda_event_structure_version"] == "V2"
    assert lambda_group["targets"][0]["id"].startswith(
        "arn:aws:lambda:%s:123456789012:function:" % data["lattice_region"]
    )
    assert not next(g for s in mesh["services"] for g in s["target_groups"] if g["type"] == "INSTANCE").get("targets")
    assert any(
        r["match"].get("path_match") for s in mesh["services"] for ls in s["listeners"] for r in ls.get("rules", [])
    )
    assert len(plan["callers"]) == 2


def test_prod_is_the_declared_shape():
    data = _inventory("prod")
    mesh, plan = data["lattice_mesh"], mesh_plan(data["lattice_mesh"], "prod")
    assert len(mesh["vpcs"]) == 4
    assert all(sorted(s["az"] for s in v["subnets"]) == [0, 1, 2] for v in mesh["vpcs"])
    assert len(mesh["services"]) == 5 and len(mesh["callers"]) == 4
    groups = [g for s in mesh["services"] for g in s["target_groups"]]
    assert {g.get("protocol_version") for g in groups} >= {"HTTP2", "GRPC"}
    listeners = [ls for s in mesh["services"] for ls in s["listeners"]]
    assert any(ls["protocol"] == "TLS_PASSTHROUGH" for ls in listeners)
    assert any(len(ls["default_action"].get("forward") or []) == 2 for ls in listeners)
    assert len({tuple(c["calls"]) for c in plan["callers"]}) == 4
    # Four accounts: the network's, two providers, a consumer; callers call across accounts.
    hosts = yaml.safe_load((REPO / "inventories" / "prod" / "hosts.yml").read_text(encoding="utf-8"))["all"]["hosts"]
    assert sorted(hosts) == ["prod-edge", "prod-network", "prod-payments", "prod-shop"]
    assert all(host["lattice_assume_role_arn"].startswith("arn:aws:iam::") for host in hosts.values())
    assert mesh["service_network"]["account"] == "prod-network"
    assert any(g.get("lambda_function") for g in groups)


def _with_services(count):
    """SOUND with ``count`` more HTTP services in the provider VPC, all called by the client."""
    mesh = sound()
    svc(mesh, "vault")["auth_type"] = "AWS_IAM"
    for index in range(count):
        name = "s%02d" % index
        mesh["services"].append(
            {
                "name": name,
                "vpc": "provider",
                "target_groups": [{"name": name + "-tg", "type": "IP", "port": 80, "protocol": "HTTP"}],
                "listeners": [
                    {
                        "name": "http",
                        "protocol": "HTTP",
                        "default_action": {"forward": [{"target_group": name + "-tg"}]},
                    }
                ],
            }
        )
        caller(mesh)["calls"].append(name)
    return mesh


def test_an_exact_network_policy_over_the_quota_is_refused_naming_the_scope():
    assert mesh_problems(_with_services(55), ENV, region=REGION) == []
    problems = mesh_problems(_with_services(70), ENV, region=REGION)
    assert len(problems) == 1
    assert problems[0].startswith("dev: service_network.policy_scope: the network's auth policy")
    assert "over the 10240-byte quota" in problems[0] and "set policy_scope to 'accounts'" in problems[0]


def test_the_size_is_that_of_the_policy_site_yml_writes():
    # The region's length counts: a longer region name makes every service ARN longer.
    mesh = _with_services(60)
    assert mesh_problems(mesh, ENV, region="us-east-1") == []
    assert mesh_problems(mesh, ENV, region="ap-southeast-4") != []


def test_an_accounts_scope_network_policy_fits_any_number_of_services():
    mesh = _with_services(200)
    mesh["service_network"]["policy_scope"] = "accounts"
    assert mesh_problems(mesh, ENV, region=REGION) == []
    assert mesh_plan(mesh, ENV)["service_network"]["policy_scope"] == "accounts"
    assert mesh_plan(sound(), ENV)["service_network"]["policy_scope"] == "services"


def test_a_service_policy_over_the_quota_is_refused():
    mesh = sound()
    mesh["service_network"].update(auth_type="NONE")
    mesh["callers"] += [
        {"name": "c%03d" % index, "vpc": "caller", "runs_on": "ec2", "calls": ["fn"]} for index in range(240)
    ]
    problems = mesh_problems(mesh, ENV, region=REGION)
    assert problems == [problems[0]] and problems[0].startswith(
        "dev: services[fn]: its auth policy, which admits its 241 callers, would be about"
    )
