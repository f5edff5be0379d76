"""The service role with providers on EC2 (targets found by tag at run time), ECS (an ECS service attached to an IP
target group with the infrastructure role of ecs_infrastructure_role) and Lambda (the function as target, its
permission scoped to the target group): converge, repeat without a mutating call, an instance that stops is
deregistered (check mode first), teardown twice leaves nothing, the Lambda permission included."""

import io
import json
import zipfile

import pytest
from lattice_playbooks import converge_twice, mutating_operations, role_play

pytestmark = pytest.mark.slow

ACCOUNT = "123456789012"


def trust(service):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    )


def function_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    return buffer.getvalue()


@pytest.fixture
def compute(local_aws, playbook):
    """Instances tagged for the web group (two running, one stopped), an ECS service on an awsvpc task definition with
    a port named http, and a Lambda function; all made with boto3."""
    env = playbook.prefix
    ec2 = local_aws.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.7.1.0/24")["Subnet"]["SubnetId"]
    group_id = ec2.create_security_group(GroupName=f"{env}-api", Description="api tasks", VpcId=vpc_id)["GroupId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    tags = [{"ResourceType": "instance", "Tags": [{"Key": "Service", "Value": f"{env}-web"}]}]
    launched = ec2.run_instances(ImageId=image, MinCount=3, MaxCount=3, SubnetId=subnet_id, TagSpecifications=tags)
    instances = sorted(instance["InstanceId"] for instance in launched["Instances"])
    ec2.stop_instances(InstanceIds=instances[2:])
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet_id)  # untagged: never a target

    ecs = local_aws.client("ecs")
    ecs.create_cluster(clusterName=f"{env}-cluster")
    ecs.register_task_definition(
        family=f"{env}-api",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {"name": "api", "image": "api", "portMappings": [{"containerPort": 8080, "name": "http"}]}
        ],
    )
    ecs.create_service(
        cluster=f"{env}-cluster",
        serviceName=f"{env}-api",
        taskDefinition=f"{env}-api",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet_id], "securityGroups": [group_id]}},
    )

    role_arn = local_aws.client("iam").create_role(
        RoleName=f"{env}-fn-role", AssumeRolePolicyDocument=trust("lambda.amazonaws.com")
    )["Role"]["Arn"]
    function_arn = local_aws.client("lambda").create_function(
        FunctionName=f"{env}-fn",
        Runtime="python3.12",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": function_zip()},
    )["FunctionArn"]
    return {"env": env, "vpc_id": vpc_id, "instances": instances, "function_arn": function_arn}


def plays(env, vpc_id, state="present", check_mode=False):
    infrastructure_role = f"{env}-ecs-lattice"
    role = role_play(
        "ecs_infrastructure_role",
        check_mode=check_mode,
        ecs_infrastructure_role_name=infrastructure_role,
        ecs_infrastructure_role_state=state,
        ecs_infrastructure_role_tags={"Environment": env},
    )
    service = role_play(
        "service",
        check_mode=check_mode,
        service_name=f"{env}-svc",
        service_state=state,
        service_region="{{ aws_region }}",
        service_tags={"Environment": env},
        service_vpc_id=vpc_id,
        service_target_groups=[
            {
                "name": f"{env}-web-tg",
                "type": "INSTANCE",
                "port": 443,
                "protocol": "HTTPS",
                "target_filters": {"tag:Service": f"{env}-web"},
            },
            {
                "name": f"{env}-api-tg",
                "type": "IP",
                "port": 8080,
                "protocol": "HTTP",
                "ecs": {
                    "cluster": f"{env}-cluster",
                    "service": f"{env}-api",
                    "port_name": "http",
                    "role_arn": f"arn:aws:iam::{ACCOUNT}:role/{infrastructure_role}",
                },
            },
            {
                "name": f"{env}-fn-tg",
                "type": "LAMBDA",
                "lambda_event_structure_version": "V2",
                "lambda_function": f"{env}-fn",
            },
        ],
        service_listeners=[
            {
                "name": f"{env}-http",
                "protocol": "HTTP",
                "default_action": {"forward": [{"target_group": f"{env}-web-tg"}]},
                "rules": [
                    {
                        "name": "api",
                        "priority": 10,
                        "match": {"path_match": {"prefix": "/api"}},
                        "action": {"forward": [{"target_group": f"{env}-api-tg"}]},
                    },
                    {
                        "name": "function",
                        "priority": 20,
                        "match": {"path_match": {"prefix": "/fn"}},
                        "action": {"forward": [{"target_group": f"{env}-fn-tg"}]},
                    },
                ],
            }
        ],
    )
    # The role exists before ECS is told to use it, and goes after ECS stopped using it.
    return role + service if state == "present" else service + role


def lattice_policy(lambda_client, function_arn):
    try:
        return json.loads(lambda_client.get_policy(FunctionName=function_arn)["Policy"])["Statement"]
    except lambda_client.exceptions.ResourceNotFoundException:
        return []


def test_ec2_ecs_and_lambda_providers(playbook, local_aws, compute):
    env, vpc_id, instances = compute["env"], compute["vpc_id"], compute["instances"]
    lattice, ecs, lambda_client = (local_aws.client(name) for name in ("vpc-lattice", "ecs", "lambda"))

    # ------------------------------------------------------------------ converge, repeat
    first = converge_twice(playbook, local_aws, plays(env, vpc_id))[0]
    groups = first.task_results()["result"]["service_result"]["target_groups"]
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{env}-ecs-lattice"

    web = lattice.list_targets(targetGroupIdentifier=groups[f"{env}-web-tg"]["id"])["items"]
    assert sorted((target["id"], target["port"]) for target in web) == sorted((i, 443) for i in instances[:2])

    (service,) = ecs.describe_services(cluster=f"{env}-cluster", services=[f"{env}-api"])["services"]
    (deployment,) = service["deployments"]
    assert deployment["vpcLatticeConfigurations"] == [
        {"roleArn": role_arn, "targetGroupArn": groups[f"{env}-api-tg"]["arn"], "portName": "http"}
    ]

    function_group = lattice.get_target_group(targetGroupIdentifier=groups[f"{env}-fn-tg"]["id"])
    assert function_group["type"] == "LAMBDA"
    assert function_group["config"]["lambdaEventStructureVersion"] == "V2"
    (target,) = lattice.list_targets(targetGroupIdentifier=function_group["id"])["items"]
    assert target["id"] == compute["function_arn"]
    (statement,) = lattice_policy(lambda_client, compute["function_arn"])
    assert statement["Sid"] == f"vpc-lattice-{env}-fn-tg"
    assert statement["Principal"] == {"Service": "vpc-lattice.amazonaws.com"}
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Condition"] == {"ArnLike": {"AWS:SourceArn": function_group["arn"]}}

    iam = local_aws.client("iam")
    attached = iam.list_attached_role_policies(RoleName=f"{env}-ecs-lattice")["AttachedPolicies"]
    assert [policy["PolicyName"] for policy in attached] == ["AmazonECSInfrastructureRolePolicyForVpcLattice"]
    assert iam.list_role_policies(RoleName=f"{env}-ecs-lattice")["PolicyNames"] == []
    trust_policy = iam.get_role(RoleName=f"{env}-ecs-lattice")["Role"]["AssumeRolePolicyDocument"]
    assert [s["Principal"] for s in trust_policy["Statement"]] == [{"Service": "ecs.amazonaws.com"}]

    # ------------------------------------------------------------------ an instance goes away
    local_aws.client("ec2").terminate_instances(InstanceIds=instances[:1])
    local_aws.clear_requests()
    planned = playbook(plays(env, vpc_id, check_mode=True), json_output=True)
    assert planned.returncode == 0, planned.explain()
    assert mutating_operations(local_aws) == []
    assert planned.output["stats"]["localhost"]["changed"] > 0, planned.explain()
    applied = playbook(plays(env, vpc_id), json_output=True)
    assert applied.returncode == 0, applied.explain()
    assert mutating_operations(local_aws) == ["DeregisterTargets"]
    web = lattice.list_targets(targetGroupIdentifier=groups[f"{env}-web-tg"]["id"])["items"]
    assert [target["id"] for target in web if target["status"] != "DRAINING"] == instances[1:2]

    # ------------------------------------------------------------------ teardown twice
    converge_twice(playbook, local_aws, plays(env, vpc_id, state="absent"))
    assert [g for g in lattice.list_target_groups()["items"] if g["name"].startswith(env)] == []
    assert [s for s in lattice.list_services()["items"] if s["name"].startswith(env)] == []
    (service,) = ecs.describe_services(cluster=f"{env}-cluster", services=[f"{env}-api"])["services"]
    assert [d.get("vpcLatticeConfigurations") for d in service["deployments"]] == [None]
    assert lattice_policy(lambda_client, compute["function_arn"]) == []
    assert [r for r in iam.list_roles()["Roles"] if r["RoleName"] == f"{env}-ecs-lattice"] == []
