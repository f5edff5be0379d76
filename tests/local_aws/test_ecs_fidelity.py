"""ECS services attached to VPC Lattice (tools/local_aws/ecs_fidelity.py): vpcLatticeConfigurations stored on
deployments as AWS returns them, refused as AWS refuses them, and deployments that complete."""

from __future__ import annotations

import time

import boto3
import pytest
from botocore.exceptions import ClientError
from clients import make_client
from factory import error_of

ROLE_ARN = "arn:aws:iam::123456789012:role/ecs-infrastructure"


@pytest.fixture(scope="module")
def ecs(endpoint_url):
    return make_client(endpoint_url, "ecs")


@pytest.fixture
def cluster(ecs) -> str:
    ecs.create_cluster(clusterName="lattice")
    ecs.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "app",
                "image": "nginx",
                "portMappings": [{"containerPort": 8080, "name": "http"}, {"containerPort": 9090, "name": "admin"}],
            }
        ],
    )
    return "lattice"


@pytest.fixture
def ip_group(make) -> str:
    return make.target_group(type="IP", port=8080)["arn"]


def configuration(target_group_arn: str, port_name: str = "http", role_arn: str = ROLE_ARN) -> dict:
    return {"roleArn": role_arn, "targetGroupArn": target_group_arn, "portName": port_name}


def describe(ecs, cluster: str, service: str = "web") -> dict:
    (found,) = ecs.describe_services(cluster=cluster, services=[service])["services"]
    return found


def create(ecs, cluster: str, configurations: list | None = None, desired: int = 2) -> dict:
    extra = {} if configurations is None else {"vpcLatticeConfigurations": configurations}
    return ecs.create_service(
        cluster=cluster,
        serviceName="web",
        taskDefinition="web",
        desiredCount=desired,
        launchType="FARGATE",
        **extra,
    )["service"]


def test_create_service_stores_the_configuration_on_its_deployment(ecs, cluster, ip_group):
    created = create(ecs, cluster, [configuration(ip_group)])
    assert created["deployments"][0]["vpcLatticeConfigurations"] == [configuration(ip_group)]
    service = describe(ecs, cluster)
    # The Service shape has no vpcLatticeConfigurations member: AWS returns it per deployment.
    assert "vpcLatticeConfigurations" not in service
    (deployment,) = service["deployments"]
    assert deployment["status"] == "PRIMARY" and deployment["rolloutState"] == "COMPLETED"
    assert deployment["vpcLatticeConfigurations"] == [configuration(ip_group)]
    assert service["runningCount"] == service["desiredCount"] == 2


def test_update_service_starts_a_deployment_with_the_new_configuration(ecs, cluster, ip_group, make):
    create(ecs, cluster)
    assert "vpcLatticeConfigurations" not in describe(ecs, cluster)["deployments"][0]
    other = make.target_group(type="IP", port=9090)["arn"]
    wanted = [configuration(ip_group), configuration(other, "admin")]
    updated = ecs.update_service(cluster=cluster, service="web", vpcLatticeConfigurations=wanted)["service"]
    assert updated["deployments"][0]["vpcLatticeConfigurations"] == wanted
    (deployment,) = describe(ecs, cluster)["deployments"]
    assert deployment["vpcLatticeConfigurations"] == wanted and deployment["rolloutState"] == "COMPLETED"

    # Without the parameter the configuration stays; an empty list removes it.
    ecs.update_service(cluster=cluster, service="web", desiredCount=3)
    assert describe(ecs, cluster)["deployments"][0]["vpcLatticeConfigurations"] == wanted
    ecs.update_service(cluster=cluster, service="web", vpcLatticeConfigurations=[])
    (deployment,) = describe(ecs, cluster)["deployments"]
    assert "vpcLatticeConfigurations" not in deployment and deployment["desiredCount"] == 3


def test_a_deployment_rolls_out_under_the_realistic_profile(ecs, cluster, ip_group, endpoint):
    create(ecs, cluster, desired=1)
    endpoint.set_config(profile="realistic", transition_seconds=1.0)
    started = time.monotonic()
    ecs.update_service(cluster=cluster, service="web", vpcLatticeConfigurations=[configuration(ip_group)])
    primary, previous = describe(ecs, cluster)["deployments"]
    assert (primary["status"], primary["rolloutState"], primary["runningCount"]) == ("PRIMARY", "IN_PROGRESS", 0)
    assert primary["vpcLatticeConfigurations"] == [configuration(ip_group)]
    assert previous["status"] == "ACTIVE" and "vpcLatticeConfigurations" not in previous
    ecs.get_waiter("services_stable").wait(cluster=cluster, services=["web"], WaiterConfig={"Delay": 1})
    assert time.monotonic() - started >= 1.0
    (deployment,) = describe(ecs, cluster)["deployments"]
    assert deployment["id"] == primary["id"] and deployment["rolloutState"] == "COMPLETED"
    assert deployment["runningCount"] == 1


@pytest.mark.parametrize(
    "problem, expected",
    [
        ("missing target group", "does not exist"),
        ("instance target group", "is of type INSTANCE"),
        ("target group ID", "give the full ARN"),
        ("bad role", "must be an IAM role ARN"),
        ("unknown port name", "The port name metrics is not defined"),
    ],
)
def test_bad_configurations_are_refused(ecs, cluster, ip_group, make, problem, expected):
    create(ecs, cluster)
    target_group_id = ip_group.rsplit("/", 1)[1]
    bad = {
        "missing target group": configuration(ip_group.replace(target_group_id, "tg-0123456789abcdef0")),
        "instance target group": configuration(make.target_group(type="INSTANCE")["arn"]),
        "target group ID": configuration(target_group_id),
        "bad role": configuration(ip_group, role_arn="ecs-infrastructure"),
        "unknown port name": configuration(ip_group, "metrics"),
    }[problem]
    with pytest.raises(ClientError) as excinfo:
        ecs.update_service(cluster=cluster, service="web", vpcLatticeConfigurations=[bad])
    status, code, response = error_of(excinfo)
    assert (status, code) == (400, "InvalidParameterException")
    assert expected in response["Error"]["Message"]
    # Nothing changed: no new deployment, no configuration.
    (deployment,) = describe(ecs, cluster)["deployments"]
    assert "vpcLatticeConfigurations" not in deployment


def test_a_target_group_of_another_region_is_not_found(ecs, cluster, endpoint_url):
    lattice_eu = boto3.client(
        "vpc-lattice",
        endpoint_url=endpoint_url,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    ec2_eu = boto3.client(
        "ec2",
        endpoint_url=endpoint_url,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    vpc = ec2_eu.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    group = lattice_eu.create_target_group(
        name="eu-group", type="IP", config={"port": 80, "protocol": "HTTP", "vpcIdentifier": vpc}
    )
    with pytest.raises(ClientError) as excinfo:
        create(ecs, cluster, [configuration(group["arn"])])
    assert error_of(excinfo)[1] == "InvalidParameterException"
    assert "does not exist in account 123456789012 and region us-east-1" in str(excinfo.value)
    assert ecs.list_services(cluster=cluster)["serviceArns"] == []


def test_a_bridge_task_definition_cannot_serve_lattice(ecs, cluster, ip_group):
    ecs.register_task_definition(
        family="bridged",
        networkMode="bridge",
        containerDefinitions=[
            {"name": "app", "image": "nginx", "memory": 128, "portMappings": [{"containerPort": 80, "name": "http"}]}
        ],
    )
    with pytest.raises(ClientError) as excinfo:
        ecs.create_service(
            cluster=cluster,
            serviceName="bridged",
            taskDefinition="bridged",
            desiredCount=1,
            vpcLatticeConfigurations=[configuration(ip_group)],
        )
    assert error_of(excinfo)[1] == "InvalidParameterException"
    assert "awsvpc network mode" in str(excinfo.value)
