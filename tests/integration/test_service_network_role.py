"""The service_network role, run as a user's playbook would: converge, repeat without a change or a mutating
call, check the state at the endpoint, check mode on an empty account, tear down twice; and, under the
realistic profile, VPC associations waited for together rather than one after the other."""

import json
import time
from datetime import datetime

import pytest
from lattice_playbooks import converge_twice, mutating_operations, role_play

pytestmark = pytest.mark.slow

ROLE_TASK = "lattice.mesh.service_network : "
ASSOCIATE = ROLE_TASK + "Associate the VPCs (without waiting)"
WAIT = ROLE_TASK + "Wait for the VPC associations in progress"
REMOVE = ROLE_TASK + "Remove the associations of the other VPCs (without waiting)"
WAIT_REMOVED = ROLE_TASK + "Wait for the associations being deleted"


def network_play(tasks_from=None, **role_vars):
    return role_play("service_network", tasks_from, **role_vars)


def make_vpcs(local_aws, count, first=0):
    """``count`` VPCs, each with a security group: [(vpc_id, sg_id)]."""
    ec2 = local_aws.client("ec2")
    made = []
    for index in range(first, first + count):
        vpc_id = ec2.create_vpc(CidrBlock=f"10.{index}.0.0/16")["Vpc"]["VpcId"]
        sg_id = ec2.create_security_group(GroupName=f"clients-{index}", Description="clients", VpcId=vpc_id)["GroupId"]
        made.append((vpc_id, sg_id))
    return made


def task_span(run, first_task, last_task):
    """Seconds from the start of ``first_task`` to the end of ``last_task`` (json callback timestamps)."""
    spans = {}
    for play in run.output["plays"]:
        for task in play["tasks"]:
            spans[task["task"]["name"]] = task["task"]["duration"]

    def stamp(value):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))

    return (stamp(spans[last_task]["end"]) - stamp(spans[first_task]["start"])).total_seconds()


def test_service_network_role(playbook, local_aws):
    name = f"{playbook.prefix}-network"
    lattice, iam, logs = local_aws.client("vpc-lattice"), local_aws.client("iam"), local_aws.client("logs")
    (vpc_a, sg_a), (vpc_b, sg_b) = make_vpcs(local_aws, 2)
    logs.create_log_group(logGroupName=f"/aws/vpclattice/{name}")
    (group,) = logs.describe_log_groups(logGroupNamePrefix=f"/aws/vpclattice/{name}")["logGroups"]
    log_group_arn = group["arn"].removesuffix(":*")
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    role_a, role_b = (
        iam.create_role(RoleName=f"{playbook.prefix}-{caller}-role", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        for caller in ("a", "b")
    )
    service_b = "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0"
    service_c = "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0fedcba9876543210"
    present = {
        "service_network_name": name,
        "service_network_region": "{{ aws_region }}",
        "service_network_tags": {"Name": name, "Environment": "test"},
        "service_network_access_log_destination_arn": log_group_arn,
        "service_network_access_log_tags": {"Environment": "test"},
        "service_network_vpc_associations": [
            {"vpc_id": vpc_a, "security_group_ids": [sg_a], "tags": {"Name": "a"}},
            {"vpc_id": vpc_b, "security_group_ids": [sg_b]},
        ],
        "service_network_purge_vpc_associations": True,
        "service_network_auth_grants": [
            {"principals": [role_a], "services": [service_b, service_c]},
            {"principals": [role_b, role_a], "services": [service_c]},
            {"principals": [], "services": [service_b]},
        ],
    }

    # Check mode on an empty account (another network name): plans without failing and without a mutating call.
    local_aws.clear_requests()
    check_plays = network_play(**{**present, "service_network_name": f"{name}-plan"})
    check_plays[0]["check_mode"] = True
    check = playbook(check_plays, json_output=True)
    assert check.returncode == 0, check.explain()
    assert mutating_operations(local_aws) == []
    planned = check.task_results()["result"]["service_network_result"]
    assert planned["id"] is None and set(planned["vpc_associations"]) == {vpc_a, vpc_b}
    assert lattice.list_service_networks()["items"] == []

    first, dummy = converge_twice(playbook, local_aws, network_play(**present))
    result = first.task_results()["result"]["service_network_result"]
    network = lattice.get_service_network(serviceNetworkIdentifier=result["id"])
    assert (result["id"], result["arn"], result["name"]) == (network["id"], network["arn"], name)
    assert network["authType"] == "AWS_IAM"
    assert lattice.list_tags_for_resource(resourceArn=network["arn"])["tags"] == {"Name": name, "Environment": "test"}

    associations = lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=network["id"])["items"]
    assert sorted(item["vpcId"] for item in associations) == sorted([vpc_a, vpc_b])
    for vpc_id, sg_id in ((vpc_a, sg_a), (vpc_b, sg_b)):
        (summary,) = [item for item in associations if item["vpcId"] == vpc_id]
        association = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=summary["id"])
        assert association["status"] == "ACTIVE" and association["securityGroupIds"] == [sg_id]
        assert result["vpc_associations"][vpc_id] == {"id": summary["id"], "arn": summary["arn"], "status": "ACTIVE"}
    tags_a = lattice.list_tags_for_resource(resourceArn=result["vpc_associations"][vpc_a]["arn"])["tags"]
    assert tags_a == {"Name": "a"}

    (subscription,) = lattice.list_access_log_subscriptions(resourceIdentifier=network["id"])["items"]
    assert subscription["destinationArn"] == log_group_arn
    assert result["access_log_subscription_arn"] == subscription["arn"]
    assert lattice.list_tags_for_resource(resourceArn=subscription["arn"])["tags"] == {"Environment": "test"}

    policy = json.loads(lattice.get_auth_policy(resourceIdentifier=network["id"])["policy"])
    statements = [
        (sorted(statement["Principal"]["AWS"]), statement["Action"], sorted(statement["Resource"]), statement["Effect"])
        for statement in policy["Statement"]
    ]
    invoke = "vpc-lattice-svcs:Invoke"
    assert sorted(statements) == sorted(
        [
            ([role_a], invoke, sorted([service_b, f"{service_b}/*", service_c, f"{service_c}/*"]), "Allow"),
            (sorted([role_a, role_b]), invoke, [service_c, f"{service_c}/*"], "Allow"),
        ]
    )
    assert '*"' not in json.dumps(policy).replace('/*"', "")  # no "*" principal, action or resource

    # Scope accounts: a grant admits its principals to every service of the accounts its services are in.
    foreign_service = "arn:aws:vpc-lattice:us-east-1:210987654321:service/svc-0aaaaaaaaaaaaaaaa"
    by_account = network_play(
        "auth_policy",
        service_network_name=name,
        service_network_region="{{ aws_region }}",
        service_network_auth_scope="accounts",
        service_network_auth_grants=[{"principals": [role_a], "services": [service_b, service_c, foreign_service]}],
    )
    converge_twice(playbook, local_aws, by_account)
    policy = json.loads(lattice.get_auth_policy(resourceIdentifier=network["id"])["policy"])
    assert policy["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"AWS": [role_a]},
            "Action": invoke,
            "Resource": [
                "arn:aws:vpc-lattice:us-east-1:123456789012:service/*",
                "arn:aws:vpc-lattice:us-east-1:210987654321:service/*",
            ],
        }
    ]

    # The auth_policy entry point alone: no grants at all removes the policy (and touches nothing else).
    local_aws.clear_requests()
    revoke_plays = network_play(
        "auth_policy",
        service_network_name=name,
        service_network_region="{{ aws_region }}",
        service_network_auth_grants=[],
    )
    revoke = playbook(revoke_plays, json_output=True)
    assert revoke.returncode == 0, revoke.explain()
    assert mutating_operations(local_aws) == ["DeleteAuthPolicy"]
    with pytest.raises(lattice.exceptions.ResourceNotFoundException):
        lattice.get_auth_policy(resourceIdentifier=network["id"])

    # Teardown removes every association, listed or not (a third VPC associated behind the role's back).
    ((vpc_c, dummy),) = make_vpcs(local_aws, 1, first=2)
    lattice.create_service_network_vpc_association(serviceNetworkIdentifier=network["id"], vpcIdentifier=vpc_c)
    absent = {"service_network_name": name, "service_network_state": "absent",
              "service_network_region": "{{ aws_region }}", "service_network_vpc_associations": []}  # fmt: skip
    # While a service is associated, teardown removes nothing and the failure names the service.
    service = lattice.create_service(name=f"{playbook.prefix}-service")
    service_association = lattice.create_service_network_service_association(
        serviceNetworkIdentifier=network["id"], serviceIdentifier=service["id"]
    )
    blocked = playbook(network_play(**absent))
    assert blocked.returncode != 0
    assert f"Cannot delete service network {network['id']}" in blocked.stdout, blocked.explain()
    assert f"{playbook.prefix}-service" in blocked.stdout, blocked.explain()
    associations = lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=network["id"])["items"]
    assert len(associations) == 3
    lattice.delete_service_network_service_association(
        serviceNetworkServiceAssociationIdentifier=service_association["id"]
    )

    converge_twice(playbook, local_aws, network_play(**absent))
    assert lattice.list_service_networks()["items"] == []
    for vpc_id in (vpc_a, vpc_b, vpc_c):
        assert lattice.list_service_network_vpc_associations(vpcIdentifier=vpc_id)["items"] == []


def test_bad_input_fails_before_any_call(playbook, local_aws):
    bad = {
        "service_network_name": "Bad--Name",
        "service_network_access_log_destination_arn": "arn:aws:sqs:us-east-1:123456789012:queue",
        "service_network_vpc_associations": [{"vpc_id": "vpc-0123456789abcdef0", "security_group_ids": ["default"]}],
        "service_network_auth_grants": [
            {
                "principals": ["*"],
                "services": ["arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0"],
            },
            {"principals": ["arn:aws:iam::123456789012:role/caller"], "services": ["svc-0123456789abcdef0"]},
        ],
    }
    run = playbook(network_play(**bad))
    assert run.returncode != 0
    for message in (
        "service_network_name: Bad--Name is not a valid service network name",
        "service_network_access_log_destination_arn: arn:aws:sqs:",
        "service_network_vpc_associations[0] (vpc-0123456789abcdef0).security_group_ids: must be a list of at most 5",
        "service_network_auth_grants[0].principals: * is not an IAM principal ARN",
        "service_network_auth_grants[1].services: svc-0123456789abcdef0 is not a VPC Lattice service ARN",
    ):
        assert message in run.stdout, run.explain()
    assert local_aws.requests(service=None) == []


def test_associations_are_waited_for_together(playbook, local_aws):
    """Realistic profile: each association stays CREATE_IN_PROGRESS (then DELETE_IN_PROGRESS) for TRANSITION
    seconds; the role requests them all before waiting, so N of them take about one transition, not N."""
    transition, count = 1.0, 4
    local_aws.configure(profile="realistic", transition_seconds=transition)
    lattice = local_aws.client("vpc-lattice")
    vpcs = make_vpcs(local_aws, count)
    name = f"{playbook.prefix}-network"
    common = {"service_network_name": name, "service_network_region": "{{ aws_region }}"}
    listed = [{"vpc_id": vpc_id, "security_group_ids": [sg_id]} for vpc_id, sg_id in vpcs]

    started = time.monotonic()
    run = playbook(network_play(**common, service_network_vpc_associations=listed), json_output=True)
    wall = time.monotonic() - started
    assert run.returncode == 0, run.explain()
    span = task_span(run, ASSOCIATE, WAIT)
    # Wall time is reported, not asserted (timing belongs in benchmarks; this machine's load varies).
    print(f"converge with {count} associations: {wall:.1f}s in all, {span:.1f}s associating and waiting")
    # Requested together: no association is polled before the last one is requested (each is read back once after
    # its own create). Then waited for together: each is read once more, and only those still in progress are
    # polled again, all within about one transition (how many depends on how fast the tasks run).
    operations = [entry["operation"] for entry in local_aws.requests()]
    last_create = max(i for i, operation in enumerate(operations) if operation == "CreateServiceNetworkVpcAssociation")
    reads = [i for i, operation in enumerate(operations) if operation == "GetServiceNetworkVpcAssociation"]
    assert len([i for i in reads if i < last_create]) <= count - 1, operations
    assert len(reads) < 3 * count, operations
    result = run.task_results()["result"]["service_network_result"]
    assert {vpc_id: entry["status"] for vpc_id, entry in result["vpc_associations"].items()} == dict.fromkeys(
        [vpc_id for vpc_id, dummy in vpcs], "ACTIVE"
    )

    # Purge: keep the first VPC only; the others are removed together, then waited for.
    purge = playbook(
        network_play(
            **common, service_network_vpc_associations=listed[:1], service_network_purge_vpc_associations=True
        ),
        json_output=True,
    )
    assert purge.returncode == 0, purge.explain()
    assert [task for task in purge.task_results() if task in (REMOVE, WAIT_REMOVED)] == [REMOVE, WAIT_REMOVED]
    items = lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=result["id"])["items"]
    assert [(item["vpcId"], item["status"]) for item in items] == [(vpcs[0][0], "ACTIVE")]

    teardown = playbook(network_play(**common, service_network_state="absent"), json_output=True)
    assert teardown.returncode == 0, teardown.explain()
    assert lattice.list_service_networks()["items"] == []
