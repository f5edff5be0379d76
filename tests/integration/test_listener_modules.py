"""lattice.mesh.listener, listener_rule and their info modules against the local endpoint, proven at the endpoint:
check mode and repeats make no mutating call, refused input makes no call at all, and conflicts and quotas are
explained. The prerequisites (a service, target groups) are made with boto3 so each test pays for its own
playbook runs only.
"""

import pytest
from lattice_playbooks import mutating, play, task

pytestmark = pytest.mark.slow

LISTENER = "lattice.mesh.listener"
RULE = "lattice.mesh.listener_rule"
LISTENER_INFO = "lattice.mesh.listener_info"
RULE_INFO = "lattice.mesh.listener_rule_info"


def make_service_and_groups(local_aws, prefix, protocols=("HTTP", "HTTP")):
    """A service and one INSTANCE target group per protocol in a fresh VPC: ``(service, [target groups])``."""
    lattice = local_aws.client("vpc-lattice")
    vpc_id = local_aws.client("ec2").create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    service = lattice.create_service(name=f"{prefix}-svc")
    groups = [
        lattice.create_target_group(
            name=f"{prefix}-tg{index}",
            type="INSTANCE",
            config={"protocol": protocol, "port": 443 if protocol == "TCP" else 80, "vpcIdentifier": vpc_id},
        )
        for index, protocol in enumerate(protocols)
    ]
    local_aws.clear_requests()
    return service, groups


def forward(*groups):
    """A user-shaped forward action; ``groups`` are references or (reference, weight) pairs."""
    entries = [
        {"target_group": group[0], "weight": group[1]} if isinstance(group, tuple) else {"target_group": group}
        for group in groups
    ]
    return {"forward": {"target_groups": entries}}


def listener_task(name, args, **options):
    return task(name, args, module=LISTENER, **options)


def rule_task(name, args, **options):
    return task(name, args, module=RULE, **options)


def test_check_mode_repeats_and_equivalent_spellings_make_no_mutating_call(playbook, local_aws):
    prefix = playbook.prefix
    service, (group_a, group_b) = make_service_and_groups(local_aws, prefix)
    listener = {
        "service": service["name"],
        "name": "web",
        "protocol": "HTTP",
        "default_action": forward(group_a["name"]),
        "tags": {"team": "mesh"},
    }
    rule = {
        "service": service["name"],
        "listener": "web",
        "name": "api",
        "priority": 10,
        "match": {
            "http_match": {
                "method": "GET",
                "path_match": {"prefix": "/api"},
                "header_matches": [{"name": "X-Env", "exact": "prod"}, {"name": "x-team", "contains": "mesh"}],
            }
        },
        "action": forward((group_a["name"], 90), (group_b["name"], 10)),
    }
    setup = playbook(play(listener_task("listener", listener), rule_task("rule", rule)), json_output=True)
    assert setup.returncode == 0, setup.explain()
    assert mutating(local_aws.requests()) == ["CreateListener (201)", "CreateRule (201)"]
    created = setup.task_results()
    assert created["listener"]["listener"]["port"] == 80
    assert created["listener"]["listener"]["default_action"] == {
        "forward": {"target_groups": [{"target_group_identifier": group_a["id"], "weight": 100}]}
    }
    listener_id = created["listener"]["listener"]["id"]

    # The same rule spelled differently: by IDs and ARNs, groups and headers reordered, AWS's defaults explicit.
    same_rule = dict(
        rule,
        service=service["arn"],
        listener=listener_id,
        name=created["rule"]["rule"]["arn"],
        match={
            "http_match": {
                "method": "GET",
                "path_match": {"prefix": "/api", "case_sensitive": True},
                "header_matches": [
                    {"name": "x-team", "contains": "mesh", "case_sensitive": False},
                    {"name": "x-env", "exact": "prod"},
                ],
            }
        },
        action=forward((group_b["arn"], 10), (group_a["id"], 90)),
    )
    absent_in_service = {"service": service["name"], "state": "absent"}
    absent_in_web = dict(absent_in_service, listener="web")
    check = {"check_mode": True}
    local_aws.clear_requests()
    probe = playbook(
        play(
            listener_task("repeat listener", listener),
            listener_task("listener by name only", {"service": service["id"], "name": "web"}),
            listener_task(
                "listener by ARN, group by ARN",
                dict(listener, name=created["listener"]["listener"]["arn"], default_action=forward(group_a["arn"])),
            ),
            listener_task("repeat listener in check mode", listener, check_mode=True),
            listener_task(
                "update listener in check mode",
                dict(listener, default_action={"fixed_response": {"status_code": 404}}, tags={"x": "y"}),
                check_mode=True,
            ),
            listener_task("new listener in check mode", dict(listener, name="other", port=8080), check_mode=True),
            rule_task("repeat rule", rule),
            rule_task("same rule spelled differently", same_rule),
            rule_task("rule by name only", {"service": service["name"], "listener": "web", "name": "api"}),
            rule_task("update rule in check mode", dict(rule, priority=11, action=forward(group_b["id"])), **check),
            rule_task("new rule in check mode", dict(rule, name="api2", priority=12), **check),
            rule_task("delete rule in check mode", dict(absent_in_web, name="api"), **check),
            listener_task("delete listener in check mode", dict(absent_in_service, name="web"), **check),
            listener_task("delete missing listener", dict(absent_in_service, name="gone")),
            listener_task("listener of a missing service", dict(absent_in_service, service=f"{prefix}-no", name="web")),
            rule_task("rule of a missing listener", dict(absent_in_web, listener="gone", name="api")),
            task("listener info", {"service": service["name"]}, module=LISTENER_INFO),
            task("rule info", {"service": service["name"], "listener": "web"}, module=RULE_INFO),
        ),
        json_output=True,
    )  # fmt: skip
    assert probe.returncode == 0, probe.explain()
    logged = local_aws.requests()
    assert logged, "the endpoint logged no vpc-lattice request: the probe did not reach it"
    assert mutating(logged) == [], f"check mode or a repeat made mutating calls: {mutating(logged)}"

    results = probe.task_results()
    for name in (
        "repeat listener",
        "listener by name only",
        "listener by ARN, group by ARN",
        "repeat listener in check mode",
        "repeat rule",
        "same rule spelled differently",
        "rule by name only",
        "delete missing listener",
        "listener of a missing service",
        "rule of a missing listener",
    ):
        assert results[name]["changed"] is False, (name, results[name])
    for name in (
        "update listener in check mode",
        "new listener in check mode",
        "update rule in check mode",
        "new rule in check mode",
        "delete rule in check mode",
        "delete listener in check mode",
    ):
        assert results[name]["changed"] is True, (name, results[name])
    predicted = results["update listener in check mode"]
    assert predicted["listener"]["default_action"] == {"fixed_response": {"status_code": 404}}
    assert predicted["listener"]["tags"] == {"x": "y"}
    assert predicted["diff"]["before"]["default_action"]["forward"]
    assert results["new listener in check mode"]["listener"]["port"] == 8080
    assert "id" not in results["new listener in check mode"]["listener"]
    predicted_rule = results["update rule in check mode"]["rule"]
    assert predicted_rule["priority"] == 11
    assert predicted_rule["action"] == {
        "forward": {"target_groups": [{"target_group_identifier": group_b["id"], "weight": 100}]}
    }
    rules = results["rule info"]["rules"]
    assert sorted((rule["name"], rule["is_default"]) for rule in rules) == [("api", False), ("default", True)]
    assert [listener["id"] for listener in results["listener info"]["listeners"]] == [listener_id]

    # and check mode left everything as it was
    lattice = local_aws.client("vpc-lattice")
    assert (
        "forward"
        in lattice.get_listener(serviceIdentifier=service["id"], listenerIdentifier=listener_id)["defaultAction"]
    )
    assert (
        lattice.get_rule(
            serviceIdentifier=service["id"],
            listenerIdentifier=listener_id,
            ruleIdentifier=created["rule"]["rule"]["id"],
        )["priority"]
        == 10
    )


def test_refused_before_any_change(playbook, local_aws):
    """Taken priorities, immutable fields, target groups of the wrong protocol or service, quotas: each fails
    with a message naming the option, and nothing mutating reaches AWS but the refused create itself."""
    prefix = playbook.prefix
    service, (http_group, tcp_group) = make_service_and_groups(local_aws, prefix, protocols=("HTTP", "TCP"))
    lattice = local_aws.client("vpc-lattice")
    other_service = lattice.create_service(name=f"{prefix}-other")
    listener = {
        "service": service["id"],
        "name": "web",
        "protocol": "HTTP",
        "default_action": forward(http_group["id"]),
    }
    rule = {
        "service": service["id"],
        "listener": "web",
        "name": "first",
        "priority": 5,
        "match": {"http_match": {"path_match": {"exact": "/a"}}},
        "action": {"fixed_response": {"status_code": 404}},
    }
    setup = playbook(play(listener_task("listener", listener), rule_task("rule", rule)), json_output=True)
    assert setup.returncode == 0, setup.explain()
    first_rule_id = setup.task_results()["rule"]["rule"]["id"]

    failing = {"ignore_errors": True}
    local_aws.clear_requests()
    run = playbook(
        play(
            rule_task("taken priority", dict(rule, name="second"), ignore_errors=True),
            listener_task("other port", dict(listener, port=8080), ignore_errors=True),
            listener_task("other protocol", dict(listener, protocol="HTTPS"), ignore_errors=True),
            listener_task("HTTP to TCP", dict(listener, default_action=forward(tcp_group["name"])), ignore_errors=True),
            listener_task(
                "TLS to HTTP",
                {"service": service["id"], "name": "tls", "protocol": "TLS_PASSTHROUGH", "port": 443,
                 "default_action": forward(http_group["name"])},
                ignore_errors=True,
            ),
            listener_task(
                "group of another service",
                {"service": other_service["id"], "name": "web", "protocol": "HTTP",
                 "default_action": forward(http_group["name"])},
                ignore_errors=True,
            ),
            listener_task("missing group", dict(listener, default_action=forward(f"{prefix}-none")), **failing),
            listener_task("fixed 4", dict(listener, default_action={"fixed_response": {"status_code": 4}}), **failing),
            listener_task("weights missing", dict(listener, default_action=forward(http_group["id"], "x")), **failing),
            rule_task("priority out of range", dict(rule, priority=2001), ignore_errors=True),
            rule_task("lowercase method", dict(rule, match={"http_match": {"method": "get"}}), ignore_errors=True),
            rule_task(
                "six headers",
                dict(rule, match={"http_match": {"header_matches": [{"name": n, "exact": "v"} for n in "abcdef"]}}),
                ignore_errors=True,
            ),
            rule_task("default rule", dict(rule, name="default"), ignore_errors=True),
            listener_task("second listener", dict(listener, name="web2", port=8080)),
            listener_task("third listener", dict(listener, name="web3", port=8081), ignore_errors=True),
        ),
        json_output=True,
    )  # fmt: skip
    assert run.returncode == 0, run.explain()
    results = run.task_results()
    expected = {
        "taken priority": f"priority: 5 is already the priority of rule 'first' ({first_rule_id})",
        "other port": "port of listener 'web'",
        "other protocol": "protocol of listener 'web'",
        "HTTP to TCP": "default_action.forward.target_groups[0].target_group: target group",
        "TLS to HTTP": "a TLS_PASSTHROUGH listener forwards only to TCP target groups",
        "group of another service": f"already serves {service['arn']}",
        "missing group": f"no target group has the name, ID or ARN '{prefix}-none'",
        "fixed 4": "default_action.fixed_response.status_code: VPC Lattice supports only 404 and 500, not 4",
        "weights missing": "default_action.forward.target_groups[0].weight",
        "priority out of range": "priority: 2001 is not a valid rule priority",
        "lowercase method": "match.http_match.method",
        "six headers": "match.http_match.header_matches: a rule matches 1 to 5 headers, not 6",
        "default rule": "is the default rule of listener 'web'",
        "third listener": "has reached the VPC Lattice quota 'Listeners per service'",
    }
    for name, text in expected.items():
        assert results[name].get("failed") is True, (name, results[name])
        assert text in results[name]["msg"], (name, results[name]["msg"])
        assert results[name]["changed"] is False
    assert mutating(local_aws.requests()) == ["CreateListener (201)", "CreateListener (402)"]


def test_rules_go_with_their_service(playbook, local_aws):
    """Deleting a service deletes its listeners and rules: asking for them to be absent then changes nothing."""
    prefix = playbook.prefix
    service, (group,) = make_service_and_groups(local_aws, prefix, protocols=("HTTP",))
    listener = {"service": service["name"], "name": "web", "protocol": "HTTP", "default_action": forward(group["id"])}
    rule = {
        "service": service["name"],
        "listener": "web",
        "name": "first",
        "priority": 1,
        "match": {"http_match": {"method": "POST"}},
        "action": forward(group["name"]),
    }
    setup = playbook(play(listener_task("listener", listener), rule_task("rule", rule)))
    assert setup.returncode == 0, setup.explain()
    local_aws.client("vpc-lattice").delete_service(serviceIdentifier=service["id"])

    local_aws.clear_requests()
    run = playbook(
        play(
            rule_task("rule", {"service": service["name"], "listener": "web", "name": "first", "state": "absent"}),
            listener_task("listener", {"service": service["name"], "name": "web", "state": "absent"}),
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = run.task_results()
    assert results["rule"]["changed"] is False
    assert results["listener"]["changed"] is False
    assert mutating(local_aws.requests()) == []
