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
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}],
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
            task("resource policy repeat", {"resource": network["name"], "policy": reformatted}, module=RESOURCE_POLICY),
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
