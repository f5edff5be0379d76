"""auth_policy, resource_policy and access_log_subscription against the local endpoint, proven at the endpoint.

The targets (tests/integration/targets/{auth_policy,resource_policy,access_log_subscription}) cover the user-visible
behaviour; these tests look at the request log: check mode and repeats make no mutating call, invalid input makes
no call at all, and what is sent (compact policy JSON) is what AWS takes.
"""

import json

import pytest
from lattice_playbooks import mutating, play, task

pytestmark = pytest.mark.slow

AUTH = "lattice.mesh.auth_policy"
RESOURCE_POLICY = "lattice.mesh.resource_policy"
ACCESS_LOGS = "lattice.mesh.access_log_subscription"
ACCOUNT = "123456789012"


def invoke_policy(principal="*"):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": principal, "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}
        ],
    }


def log_group_arn(name):
    return f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{name}"


def test_check_mode_and_repeats_make_no_mutating_call(playbook, local_aws):
    lattice = local_aws.client("vpc-lattice")
    network = lattice.create_service_network(name=f"{playbook.prefix}-net", authType="AWS_IAM")
    policy = invoke_policy()
    # The same document, written differently: other key order, a lone statement not in a list, pretty-printed.
    reformatted = json.dumps(
        {"Statement": {"Resource": "*", "Action": "vpc-lattice-svcs:Invoke", "Principal": "*", "Effect": "Allow"},
         "Version": "2012-10-17"},
        indent=2,
    )  # fmt: skip
    logs = {"resource": network["name"], "destination_arn": log_group_arn("first"), "tags": {"team": "mesh"}}

    local_aws.clear_requests()
    setup = playbook(
        play(
            task("auth policy", {"resource": network["name"], "policy": policy}, module=AUTH),
            task("resource policy", {"resource": network["arn"], "policy": policy}, module=RESOURCE_POLICY),
            task("access logs", logs, module=ACCESS_LOGS),
        ),
        json_output=True,
    )
    assert setup.returncode == 0, setup.explain()
    assert sorted(mutating(local_aws.requests())) == [
        "CreateAccessLogSubscription (201)",
        "PutAuthPolicy (200)",
        "PutResourcePolicy (200)",
    ]
    subscription = setup.task_results()["access logs"]["access_log_subscription"]
    # Sent as compact JSON: no newline, no padding.
    stored = lattice.get_auth_policy(resourceIdentifier=network["id"])["policy"]
    assert stored == json.dumps(policy, separators=(",", ":"))

    local_aws.clear_requests()
    probe = playbook(
        play(
            task("auth repeat", {"resource": network["id"], "policy": reformatted}, module=AUTH),
            task("auth update (check)", {"resource": network["id"], "policy": invoke_policy("me")}, True, module=AUTH),
            task("auth delete (check)", {"resource": network["id"], "state": "absent"}, True, module=AUTH),
            task(
                "resource policy repeat", {"resource": network["name"], "policy": reformatted}, module=RESOURCE_POLICY
            ),
            task(
                "resource policy delete (check)",
                {"resource": network["name"], "state": "absent"},
                True,
                module=RESOURCE_POLICY,
            ),
            task("logs repeat", logs, module=ACCESS_LOGS),
            task("logs repeat (check)", logs, True, module=ACCESS_LOGS),
            task("logs repeat by id", {"id": subscription["arn"], "tags": {"team": "mesh"}}, module=ACCESS_LOGS),
            task("logs move (check)", dict(logs, destination_arn=log_group_arn("second")), True, module=ACCESS_LOGS),
            task(
                "logs to S3 (check)",
                dict(logs, destination_arn="arn:aws:s3:::some-bucket"),
                True,
                module=ACCESS_LOGS,
            ),
            task("logs delete (check)", dict(logs, state="absent"), True, module=ACCESS_LOGS),
            task(
                "logs delete a missing one",
                {"resource": network["id"], "destination_arn": "arn:aws:s3:::some-bucket", "state": "absent"},
                module=ACCESS_LOGS,
            ),
        ),
        json_output=True,
    )
    assert probe.returncode == 0, probe.explain()
    logged = local_aws.requests()
    assert logged, "the endpoint logged no vpc-lattice request: the probe did not reach it"
    assert mutating(logged) == [], f"check mode or a repeat made mutating calls: {mutating(logged)}"

    results = probe.task_results()
    for name in ("auth repeat", "resource policy repeat", "logs repeat", "logs repeat (check)", "logs repeat by id"):
        assert results[name]["changed"] is False, (name, results[name])
    for name in ("auth update (check)", "auth delete (check)", "resource policy delete (check)", "logs move (check)"):
        assert results[name]["changed"] is True, (name, results[name])
    assert results["auth update (check)"]["auth_policy"]["policy"] == invoke_policy("me")
    assert results["auth repeat"]["auth_policy"]["state"] == "Active"
    assert results["logs move (check)"]["access_log_subscription"]["id"] == subscription["id"]
    assert results["logs to S3 (check)"]["changed"] is True
    assert "id" not in results["logs to S3 (check)"]["access_log_subscription"]
    assert results["logs delete a missing one"]["changed"] is False

    # and everything is as it was
    assert lattice.get_access_log_subscription(accessLogSubscriptionIdentifier=subscription["id"])[
        "destinationArn"
    ] == log_group_arn("first")
    assert json.loads(lattice.get_resource_policy(resourceArn=network["arn"])["policy"]) == policy


def test_invalid_input_makes_no_call(playbook, local_aws):
    """Every problem the modules can see for themselves fails before any request, naming the option."""
    network_arn = f"arn:aws:vpc-lattice:us-east-1:{ACCOUNT}:servicenetwork/sn-0123456789abcdefg"
    service_arn = f"arn:aws:vpc-lattice:us-east-1:{ACCOUNT}:service/svc-0123456789abcdefg"
    large = invoke_policy([f"arn:aws:iam::{n:012d}:root" for n in range(400)])
    large_size = len(json.dumps(large, separators=(",", ":")))
    cases = {
        "malformed policy": (AUTH, {"resource": network_arn, "policy": '{"Statement": [{"Effect": "Allow"},]}'}),
        "auth policy over 10 KB": (AUTH, {"resource": network_arn, "policy": large}),
        "resource policy over 10,000 characters": (RESOURCE_POLICY, {"resource": network_arn, "policy": large}),
        "policy without Statement": (RESOURCE_POLICY, {"resource": network_arn, "policy": {"Version": "2012-10-17"}}),
        "invalid name": (AUTH, {"resource": "Bad_Name", "policy": invoke_policy()}),
        "not a policy holder": (
            AUTH,
            {"resource": service_arn.replace("service/svc", "targetgroup/tg"), "state": "absent"},
        ),
        "wrong resource_type": (
            RESOURCE_POLICY,
            {"resource": service_arn, "resource_type": "service_network", "state": "absent"},
        ),
        "bad destination": (ACCESS_LOGS, {"resource": network_arn, "destination_arn": "arn:aws:sqs:us-east-1:1:q"}),
        "log type on a service": (
            ACCESS_LOGS,
            {"resource": service_arn, "destination_arn": log_group_arn("x"), "service_network_log_type": "RESOURCE"},
        ),
        "bad subscription id": (ACCESS_LOGS, {"id": "sub-1", "state": "absent"}),
        "no destination": (ACCESS_LOGS, {"resource": network_arn, "state": "absent"}),
    }
    expected = {
        "malformed policy": "policy: not valid JSON: Expecting value: line 1 column 36 (char 35).",
        "auth policy over 10 KB": (
            f"policy: the policy is {large_size} bytes as compact JSON; the quota is 10240 bytes."
        ),
        "resource policy over 10,000 characters": (
            f"policy: the policy is {large_size} characters as compact JSON; at most 10000 are allowed."
        ),
        "policy without Statement": "policy: a policy needs a Statement",
        "invalid name": "resource: 'Bad_Name' is not a valid service network name",
        "not a policy holder": "resource: arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-",
        "wrong resource_type": "resource: " + service_arn + " is the ARN of a service, but resource_type is",
        "bad destination": "destination_arn: 'arn:aws:sqs:us-east-1:1:q' is not the ARN of an access log destination",
        "log type on a service": "service_network_log_type: only service networks have log types",
        "bad subscription id": "id: 'sub-1' is not the ID (als-...) or ARN of an access log subscription.",
        "no destination": "destination_arn: required to find the subscription of resource",
    }
    run = playbook(
        play(*(task(name, args, ignore_errors=True, module=module) for name, (module, args) in cases.items())),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    assert local_aws.requests(service=None) == [], "invalid input reached the endpoint"
    results = run.task_results()
    for name, message in expected.items():
        assert results[name].get("failed") is True, (name, results[name])
        assert results[name]["msg"].startswith(message), (name, results[name]["msg"])
        assert results[name]["changed"] is False
