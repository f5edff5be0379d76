"""The service role run as a user's playbook would, against the local endpoint: the reference template's service B
plus a second listener with rules, a network association and an auth policy; converge, repeat without a change or a
mutating call, drop a rule and a listener, tear down twice; check mode on an empty account; bad input."""

import json

import pytest
from lattice_playbooks import converge_twice, mutating_operations, role_play

pytestmark = pytest.mark.slow

# The reference template's health check of service B's target group.
HEALTH_CHECK = {
    "enabled": True,
    "protocol": "HTTPS",
    "path": "/health",
    "interval_seconds": 30,
    "timeout_seconds": 5,
    "healthy_threshold_count": 2,
    "unhealthy_threshold_count": 2,
}


def service_play(check_mode=False, tasks_from=None, **role_vars):
    return role_play("service", tasks_from, check_mode, **role_vars)


def run_ok(playbook, plays):
    run = playbook(plays, json_output=True)
    assert run.returncode == 0, run.explain()
    return run


def declaration(env, vpc_id, network, principals):
    tg, api_tg = f"{env}-service-b-tg", f"{env}-service-b-api-tg"
    return {
        "service_name": f"{env}-service-b",
        "service_region": "{{ aws_region }}",
        "service_tags": {"Environment": env},
        "service_vpc_id": vpc_id,
        "service_target_groups": [
            {"name": tg, "type": "INSTANCE", "port": 443, "protocol": "HTTPS", "health_check": HEALTH_CHECK},
            {
                "name": api_tg,
                "type": "IP",
                "port": 8080,
                "protocol": "HTTP",
                "targets": [{"id": "10.1.1.10", "port": 8080}, {"id": "10.1.1.11", "port": 8081}],
                "tags": {"Tier": "api"},
            },
        ],
        "service_listeners": [
            {
                "name": f"{env}-service-b-listener",
                "protocol": "HTTPS",
                "port": 443,
                "default_action": {"forward": [{"target_group": tg, "weight": 100}]},
            },
            {
                "name": f"{env}-service-b-http",
                "protocol": "HTTP",
                "port": 80,
                "default_action": {"fixed_response": 404},
                "rules": [
                    {
                        "name": "api",
                        "priority": 10,
                        "match": {"method": "GET", "path_match": {"prefix": "/api"}},
                        "action": {"forward": [{"target_group": api_tg, "weight": 100}]},
                    },
                    {
                        "name": "beta",
                        "priority": 20,
                        "match": {"header_matches": [{"name": "x-beta", "exact": "1"}]},
                        "action": {"fixed_response": 404},
                    },
                ],
            },
        ],
        "service_network": network,
        "service_allowed_principals": principals,
    }


@pytest.fixture
def setting(local_aws, playbook):
    """A VPC, a service network and two IAM roles, made with boto3; resources pass through *_IN_PROGRESS."""
    local_aws.configure(profile="realistic", transition_seconds=0.5)
    env = playbook.prefix
    vpc_id = local_aws.client("ec2").create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    network = local_aws.client("vpc-lattice").create_service_network(name=f"{env}-sn", authType="AWS_IAM")
    iam = local_aws.client("iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    principals = [
        iam.create_role(RoleName=f"{env}-{name}-role", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        for name in ("service-a", "service-c")
    ]
    return env, vpc_id, network, principals


def by_name(items):
    return {item["name"]: item for item in items}


def test_service_role(playbook, local_aws, setting):
    env, vpc_id, network, principals = setting
    lattice = local_aws.client("vpc-lattice")
    declared = declaration(env, vpc_id, network["name"], principals)
    tg, api_tg = f"{env}-service-b-tg", f"{env}-service-b-api-tg"
    https_name, http_name = f"{env}-service-b-listener", f"{env}-service-b-http"

    # ------------------------------------------------------------------ converge, repeat
    run = converge_twice(playbook, local_aws, service_play(**declared))[0]
    result = run.task_results()["result"]["service_result"]

    service = lattice.get_service(serviceIdentifier=result["id"])
    assert service["status"] == "ACTIVE" and service["authType"] == "AWS_IAM"
    assert result["id"] == service["id"] and result["arn"] == service["arn"] and result["name"] == service["name"]
    assert result["dns_name"] == service["dnsEntry"]["domainName"]
    tags = lattice.list_tags_for_resource(resourceArn=service["arn"])["tags"]
    assert tags == {"Environment": env, "Name": f"{env}-service-b"}

    assert set(result["target_groups"]) == {tg, api_tg}
    group = lattice.get_target_group(targetGroupIdentifier=result["target_groups"][tg]["id"])
    assert group["arn"] == result["target_groups"][tg]["arn"] and group["type"] == "INSTANCE"
    config = group["config"]
    assert (config["port"], config["protocol"], config["vpcIdentifier"]) == (443, "HTTPS", vpc_id)
    health = config["healthCheck"]
    assert health["enabled"] is True and health["protocol"] == "HTTPS" and health["path"] == "/health"
    assert (health["healthCheckIntervalSeconds"], health["healthCheckTimeoutSeconds"]) == (30, 5)
    assert (health["healthyThresholdCount"], health["unhealthyThresholdCount"]) == (2, 2)
    assert group["serviceArns"] == [service["arn"]]
    api_group = lattice.get_target_group(targetGroupIdentifier=result["target_groups"][api_tg]["id"])
    assert api_group["type"] == "IP" and api_group["config"]["port"] == 8080
    assert lattice.list_tags_for_resource(resourceArn=api_group["arn"])["tags"] == {
        "Environment": env,
        "Name": api_tg,
        "Tier": "api",
    }
    targets = lattice.list_targets(targetGroupIdentifier=api_group["id"])["items"]
    assert sorted((target["id"], target["port"]) for target in targets) == [("10.1.1.10", 8080), ("10.1.1.11", 8081)]
    assert lattice.list_targets(targetGroupIdentifier=group["id"])["items"] == []

    listeners = by_name(lattice.list_listeners(serviceIdentifier=service["id"])["items"])
    assert set(listeners) == {https_name, http_name} == set(result["listeners"])
    https = lattice.get_listener(serviceIdentifier=service["id"], listenerIdentifier=listeners[https_name]["id"])
    assert (https["protocol"], https["port"]) == ("HTTPS", 443)
    assert https["defaultAction"] == {
        "forward": {"targetGroups": [{"targetGroupIdentifier": group["id"], "weight": 100}]}
    }
    http = lattice.get_listener(serviceIdentifier=service["id"], listenerIdentifier=listeners[http_name]["id"])
    assert (http["protocol"], http["port"]) == ("HTTP", 80)
    assert http["defaultAction"] == {"fixedResponse": {"statusCode": 404}}
    assert result["listeners"][http_name] == {"id": http["id"], "arn": http["arn"]}

    rules = by_name(
        rule
        for rule in lattice.list_rules(serviceIdentifier=service["id"], listenerIdentifier=http["id"])["items"]
        if not rule["isDefault"]
    )
    assert set(rules) == {"api", "beta"}
    api = lattice.get_rule(
        serviceIdentifier=service["id"], listenerIdentifier=http["id"], ruleIdentifier=rules["api"]["id"]
    )
    assert api["priority"] == 10
    assert api["match"]["httpMatch"]["method"] == "GET"
    assert api["match"]["httpMatch"]["pathMatch"]["match"] == {"prefix": "/api"}
    assert api["action"] == {"forward": {"targetGroups": [{"targetGroupIdentifier": api_group["id"], "weight": 100}]}}
    beta = lattice.get_rule(
        serviceIdentifier=service["id"], listenerIdentifier=http["id"], ruleIdentifier=rules["beta"]["id"]
    )
    assert beta["priority"] == 20 and beta["action"] == {"fixedResponse": {"statusCode": 404}}
    (header,) = beta["match"]["httpMatch"]["headerMatches"]
    assert header["name"] == "x-beta" and header["match"] == {"exact": "1"}

    (association,) = lattice.list_service_network_service_associations(serviceIdentifier=service["id"])["items"]
    assert association["status"] == "ACTIVE" and association["serviceNetworkId"] == network["id"]
    assert result["association_id"] == association["id"]
    assert lattice.list_tags_for_resource(resourceArn=association["arn"])["tags"] == {
        "Environment": env,
        "Name": f"{env}-service-b-association",
    }

    policy = lattice.get_auth_policy(resourceIdentifier=service["id"])
    assert json.loads(policy["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": sorted(principals)},
                "Action": "vpc-lattice-svcs:Invoke",
                "Resource": [service["arn"], f"{service['arn']}/*"],
            }
        ],
    }

    # ------------------------------------------------------------------ drop a rule and a listener
    dropped = {**declared, "service_listeners": [dict(declared["service_listeners"][1])]}
    dropped["service_listeners"][0]["rules"] = dropped["service_listeners"][0]["rules"][:1]
    local_aws.clear_requests()
    planned = run_ok(playbook, service_play(check_mode=True, **dropped))
    assert mutating_operations(local_aws) == []
    assert {name.split(" : ")[-1] for name, task in planned.task_results().items() if task.get("changed")} == {
        "Delete the listeners that are not declared (with their rules)",
        "Delete the rules that are not declared",
    }, planned.explain()
    run_ok(playbook, service_play(**dropped))
    assert sorted(mutating_operations(local_aws)) == ["DeleteListener", "DeleteRule"]
    assert set(by_name(lattice.list_listeners(serviceIdentifier=service["id"])["items"])) == {http_name}
    rules = lattice.list_rules(serviceIdentifier=service["id"], listenerIdentifier=http["id"])["items"]
    assert sorted(rule["name"] for rule in rules if not rule["isDefault"]) == ["api"]

    # ------------------------------------------------------------------ the auth_policy entry point alone
    only_policy = {"service_name": f"{env}-service-b", "service_region": "{{ aws_region }}"}
    local_aws.clear_requests()
    run_ok(playbook, service_play(tasks_from="auth_policy", service_allowed_principals=principals[:1], **only_policy))
    assert mutating_operations(local_aws) == ["PutAuthPolicy"]
    statement = json.loads(lattice.get_auth_policy(resourceIdentifier=service["id"])["policy"])["Statement"][0]
    assert statement["Principal"] == {"AWS": principals[:1]}
    run_ok(playbook, service_play(tasks_from="auth_policy", service_allowed_principals=[], **only_policy))
    with pytest.raises(lattice.exceptions.ResourceNotFoundException):
        lattice.get_auth_policy(resourceIdentifier=service["id"])

    # ------------------------------------------------------------------ teardown twice
    absent = {**declared, "service_state": "absent"}
    converge_twice(playbook, local_aws, service_play(**absent))
    assert [s for s in lattice.list_services()["items"] if s["name"].startswith(env)] == []
    assert [g for g in lattice.list_target_groups()["items"] if g["name"].startswith(env)] == []
    assert lattice.list_service_network_service_associations(serviceNetworkIdentifier=network["id"])["items"] == []

    # ------------------------------------------------------------------ check mode on an empty account
    empty = declaration(f"{env}-new", vpc_id, network["name"], principals)
    local_aws.clear_requests()
    run = run_ok(playbook, service_play(check_mode=True, **empty))
    assert mutating_operations(local_aws) == []
    assert run.output["stats"]["localhost"]["changed"] > 0, run.explain()
    assert lattice.list_services()["items"] == [] and lattice.list_target_groups()["items"] == []


def test_service_role_rejects_a_bad_declaration_before_any_call(playbook, local_aws):
    env = playbook.prefix
    bad = declaration(env, "vpc-0123456789abcdef0", "sn", ["arn:aws:iam::123456789012:role/ok", "*"])
    http = bad["service_listeners"][1]
    http["rules"][1]["priority"] = 10
    http["rules"][0]["action"] = {"forward": [{"target_group": "missing-tg", "weight": 1000}]}
    http["rules"][1]["action"] = {"fixed_response": 403}
    bad["service_listeners"].append(
        {
            "name": f"{env}-tls",
            "protocol": "TLS_PASSTHROUGH",
            "port": 8443,
            "default_action": {"forward": [{"target_group": f"{env}-service-b-tg"}]},
        }
    )
    bad["service_target_groups"].append({"name": f"{env}-fn-tg", "type": "LAMBDA", "port": 80})
    bad["service_target_groups"].append({"name": f"{env}-ip-tg", "type": "IP", "protocol": "HTTP", "vpc_id": "vpc1"})
    http["port"] = 443
    run = playbook(service_play(**bad), json_output=True)
    assert run.returncode != 0
    (check,) = [result for name, result in run.task_results().items() if name.endswith("Check the declaration")]
    messages = "\n".join(check["msg"])
    for message in (
        f"service_listeners[{env}-service-b-http].rules[api].action.forward[0].target_group: 'missing-tg' is not",
        f"service_listeners[{env}-service-b-http].rules[api].action.forward[0].weight: 1000 is out of range",
        f"service_listeners[{env}-service-b-http].rules[beta].priority: 10 is taken",
        f"service_listeners[{env}-service-b-http].rules[beta].action.fixed_response: 403 is not supported",
        f"service_listeners[{env}-tls].default_action.forward[0].target_group: {env}-service-b-tg has protocol HTTPS",
        "service_allowed_principals[1]: '*' is not an IAM principal ARN",
        f"service_target_groups[{env}-fn-tg].port: a LAMBDA target group takes no port",
        f"service_target_groups[{env}-ip-tg].vpc_id: 'vpc1' is not a VPC ID",
        f"service_listeners[{env}-service-b-http].port: 443 is taken by another listener",
    ):
        assert message in messages, run.explain()
    assert local_aws.requests(service=None) == []
