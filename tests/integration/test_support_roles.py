"""The roles that compose amazon.aws modules (log_encryption, caller_iam), run as a user's playbook would:
converge, repeat without a change or a mutating call, check the state at the endpoint, tear down twice."""

import json

import pytest
from lattice_playbooks import converge_twice, role_play

pytestmark = pytest.mark.slow


def test_log_encryption_role(playbook, local_aws):
    env = playbook.prefix
    present = role_play("log_encryption", log_encryption_env=env, log_encryption_region="{{ aws_region }}")
    run = converge_twice(playbook, local_aws, present)[0]
    result = run.task_results()["result"]["log_encryption_result"]

    kms, logs = local_aws.client("kms"), local_aws.client("logs")
    key_id = result["key_id"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    aliases = {alias["AliasName"]: alias.get("TargetKeyId") for alias in kms.list_aliases()["Aliases"]}
    assert aliases[f"alias/{env}-vpclattice-logs"] == key_id
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    logs_statement = next(s for s in policy["Statement"] if s["Principal"].get("Service"))
    assert logs_statement["Principal"]["Service"] == "logs.us-east-1.amazonaws.com"
    assert logs_statement["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"] == result["log_group_arn"]
    (group,) = logs.describe_log_groups(logGroupNamePrefix=f"/aws/vpclattice/{env}-")["logGroups"]
    assert group["kmsKeyId"] == result["key_arn"] and group["retentionInDays"] == 7

    absent = role_play("log_encryption", log_encryption_env=env, log_encryption_state="absent",
                       log_encryption_region="{{ aws_region }}")  # fmt: skip
    converge_twice(playbook, local_aws, absent)
    assert logs.describe_log_groups(logGroupNamePrefix=f"/aws/vpclattice/{env}-")["logGroups"] == []
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_caller_iam_role(playbook, local_aws):
    env = playbook.prefix
    service_arn = "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0"
    callers = [
        {
            "key": "service_a",
            "name": "service-a",
            "managed_policy_arns": ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"],
            "invoke_service_arns": [service_arn],
        },
        {"key": "reader", "name": "reader", "trusted_services": ["lambda.amazonaws.com"]},
    ]
    present = role_play("caller_iam", caller_iam_env=env, caller_iam_callers=callers)
    run, dummy = converge_twice(playbook, local_aws, present)
    result = run.task_results()["result"]["caller_iam_result"]
    assert set(result) == {"service_a", "reader"}

    iam = local_aws.client("iam")
    role = iam.get_role(RoleName=f"{env}-service-a-role")["Role"]
    assert role["Arn"] == result["service_a"]["role_arn"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": ["ec2.amazonaws.com"]} and trust["Action"] == "sts:AssumeRole"
    (invoke,) = iam.get_role_policy(RoleName=f"{env}-service-a-role", PolicyName="VPCLatticeInvokePolicy")[
        "PolicyDocument"
    ]["Statement"]
    assert invoke["Action"] == "vpc-lattice-svcs:Invoke"
    assert sorted(invoke["Resource"]) == [service_arn, f"{service_arn}/*"]
    attached = iam.list_attached_role_policies(RoleName=f"{env}-service-a-role")["AttachedPolicies"]
    assert [policy["PolicyName"] for policy in attached] == ["CloudWatchAgentServerPolicy"]
    assert iam.list_role_policies(RoleName=f"{env}-reader-role")["PolicyNames"] == []

    absent = role_play("caller_iam", caller_iam_env=env, caller_iam_callers=callers, caller_iam_state="absent")
    converge_twice(playbook, local_aws, absent)
    names = [role["RoleName"] for role in iam.list_roles()["Roles"]]
    assert not [name for name in names if name.startswith(env)]


def test_caller_iam_rejects_a_bad_service_arn_before_any_call(playbook, local_aws):
    callers = [{"key": "a", "name": "a", "invoke_service_arns": ["svc-0123456789abcdef0"]}]
    run = playbook(role_play("caller_iam", caller_iam_env=playbook.prefix, caller_iam_callers=callers))
    assert run.returncode != 0
    assert "invoke_service_arns must be VPC Lattice service ARNs" in run.stdout, run.explain()
    assert local_aws.requests(service=None) == []
