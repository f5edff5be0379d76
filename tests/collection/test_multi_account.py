"""site.yml across three accounts of the local endpoint: a network account owns the service network and shares
it through AWS RAM, a provider account runs an EC2, an ECS and a Lambda service, a consumer account's callers
call them. Each account is a host of hosts.yml whose credentials come from an assumed role.

- the share is created and its invitations accepted; the consumer's VPC and the provider's services are
  associated with the network by its ARN; every caller may invoke exactly the services it declares (its IAM
  policy, the network's and the services' auth policies); targets come from EC2 tags, the ECS service and the
  Lambda function;
- a second run changes nothing and makes no mutating call in any account; check mode makes none either;
- teardown leaves nothing in any account, and a second teardown changes nothing.
"""

from __future__ import annotations

import io
import json
import zipfile

import boto3
import pytest
import yaml
from drills import runner

from local_aws.process import EndpointProcess

pytestmark = pytest.mark.slow

REGION = "us-east-1"
ENV = "shop"
ACCOUNTS = {"shop-network": "111111111111", "shop-provider": "222222222222", "shop-consumer": "333333333333"}
DEPLOYER_ROLE = "lattice-deployer"

MESH = {
    "service_network": {"account": "shop-network", "access_logs": {"retention_days": 7}},
    "vpcs": [
        {
            "name": "orders",
            "account": "shop-provider",
            "cidr": "10.1.0.0/16",
            "subnets": [{"cidr": "10.1.1.0/24", "az": 0}, {"cidr": "10.1.2.0/24", "az": 1}],
        },
        {"name": "web", "account": "shop-consumer", "cidr": "10.2.0.0/16", "subnets": [{"cidr": "10.2.1.0/24"}]},
    ],  # fmt: skip
    "services": [
        {
            "name": "orders",
            "vpc": "orders",
            "target_groups": [
                {
                    "name": "orders-tg",
                    "type": "INSTANCE",
                    "port": 8080,
                    "protocol": "HTTP",
                    "target_filters": {"tag:app": "orders"},
                },
            ],  # fmt: skip
            "listeners": [
                {"name": "http", "protocol": "HTTP", "default_action": {"forward": [{"target_group": "orders-tg"}]}}
            ],
        },
        {
            "name": "cart",
            "vpc": "orders",
            "target_groups": [
                {
                    "name": "cart-tg",
                    "type": "IP",
                    "port": 8080,
                    "protocol": "HTTP",
                    "ecs": {"cluster": "shop", "service": "cart", "port_name": "http"},
                },
            ],  # fmt: skip
            "listeners": [
                {"name": "http", "protocol": "HTTP", "default_action": {"forward": [{"target_group": "cart-tg"}]}}
            ],
        },
        {
            "name": "thumbs",
            "account": "shop-provider",
            "target_groups": [
                {
                    "name": "thumbs-tg",
                    "type": "LAMBDA",
                    "lambda_event_structure_version": "V2",
                    "lambda_function": "thumbs",
                },
            ],  # fmt: skip
            "listeners": [
                {"name": "https", "protocol": "HTTPS", "default_action": {"forward": [{"target_group": "thumbs-tg"}]}}
            ],
        },
    ],
    "callers": [
        {"name": "web", "vpc": "web", "runs_on": "ecs", "calls": ["orders", "cart"]},
        {"name": "reports", "vpc": "web", "runs_on": "lambda", "calls": ["thumbs"]},
    ],
}
CALLS = {"web": ["cart", "orders"], "reports": ["thumbs"]}


@pytest.fixture(scope="module")
def endpoint():
    with EndpointProcess() as process:
        yield process


@pytest.fixture(scope="module")
def inventories(tmp_path_factory):
    root = tmp_path_factory.mktemp("inventories")
    (root / ENV / "group_vars").mkdir(parents=True)
    hosts = {
        host: {"lattice_region": REGION, "lattice_assume_role_arn": f"arn:aws:iam::{account}:role/{DEPLOYER_ROLE}"}
        for host, account in ACCOUNTS.items()
    }
    (root / ENV / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    declaration = {"lattice_env": ENV, "lattice_region": REGION, "lattice_mesh": MESH}
    (root / ENV / "group_vars" / "all.yml").write_text(yaml.safe_dump(declaration, sort_keys=False))
    return root


def session(endpoint, host):
    """boto3 session in the account of a host, through the same role the playbooks assume."""
    base = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    sts = base.client("sts", endpoint_url=endpoint.url)
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNTS[host]}:role/{DEPLOYER_ROLE}", RoleSessionName="test-multi-account"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def client(endpoint, host, service):
    return session(endpoint, host).client(service, endpoint_url=endpoint.url)


def start_workloads(endpoint):
    """What the provider account runs before the mesh exists: an ECS service and a Lambda function."""
    iam = client(endpoint, "shop-provider", "iam")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}  # fmt: skip
    role_arn = iam.create_role(RoleName="thumbs-function", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    client(endpoint, "shop-provider", "lambda").create_function(
        FunctionName="thumbs", Runtime="python3.12", Role=role_arn, Handler="index.handler",
        Code={"ZipFile": archive.getvalue()},
    )  # fmt: skip
    ecs = client(endpoint, "shop-provider", "ecs")
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(
        family="cart", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "cart", "image": "public.ecr.aws/nginx/nginx:latest",
                               "portMappings": [{"containerPort": 8080, "name": "http"}]}],
    )  # fmt: skip
    ecs.create_service(cluster="shop", serviceName="cart", taskDefinition="cart", desiredCount=1, launchType="FARGATE")


def launch_instances(endpoint, count):
    """Instances tagged app=orders in the provider's orders VPC, which the mesh created."""
    ec2 = client(endpoint, "shop-provider", "ec2")
    (subnet,) = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": [f"{ENV}-orders-private-subnet"]}])[
        "Subnets"
    ]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    reservation = ec2.run_instances(
        ImageId=image, MinCount=count, MaxCount=count, InstanceType="t3.micro", SubnetId=subnet["SubnetId"],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "app", "Value": "orders"}]}],
    )  # fmt: skip
    return sorted(instance["InstanceId"] for instance in reservation["Instances"])


def ecs_configurations(endpoint):
    """The VPC Lattice configurations of the cart ECS service's primary deployment (where ECS reports them)."""
    ecs = client(endpoint, "shop-provider", "ecs")
    (service,) = ecs.describe_services(cluster="shop", services=["cart"])["services"]
    (primary,) = [d for d in service["deployments"] if d["status"] == "PRIMARY"]
    return primary.get("vpcLatticeConfigurations", [])


def mutating(endpoint):
    return sorted(f"{e['account']}:{e['service']}:{e['operation']}" for e in endpoint.requests() if e["mutating"])


def site(endpoint, inventories, outputs, *extra):
    run = runner.site(endpoint, ENV, inventories, outputs, *extra)
    assert run.ok, run.failure()
    return run


def teardown(endpoint, inventories, outputs):
    run = runner.teardown(endpoint, ENV, inventories, outputs)
    assert run.ok, run.failure()
    return run


def targets_of(lattice, group_name):
    (group,) = [g for g in lattice.list_target_groups()["items"] if g["name"] == group_name]
    return group, sorted(t["id"] for t in lattice.list_targets(targetGroupIdentifier=group["id"])["items"])


def policy_grants(document):
    """{principal ARN: sorted service ARNs} of an auth policy."""
    grants = {}
    for statement in json.loads(document)["Statement"]:
        assert statement["Effect"] == "Allow" and statement["Action"] == "vpc-lattice-svcs:Invoke"
        services = sorted(r for r in statement["Resource"] if not r.endswith("/*"))
        assert sorted(statement["Resource"]) == sorted(services + [s + "/*" for s in services])
        for principal in statement["Principal"]["AWS"]:
            grants.setdefault(principal, set()).update(services)
    return {principal: sorted(services) for principal, services in grants.items()}


def test_three_accounts_deploy_repeat_and_tear_down(endpoint, inventories, tmp_path):
    start_workloads(endpoint)
    endpoint.clear_requests()
    site(endpoint, inventories, tmp_path, "--check")
    assert mutating(endpoint) == [], "check mode on empty accounts made mutating calls"

    first = site(endpoint, inventories, tmp_path)
    assert first.recap()["changed"] > 0
    # Targets are resolved at run time: instances launched later are registered by the next run.
    instances = launch_instances(endpoint, 2)
    site(endpoint, inventories, tmp_path)
    endpoint.clear_requests()
    repeat = site(endpoint, inventories, tmp_path)
    assert repeat.recap()["changed"] == 0, repeat.stdout[-6000:]
    assert mutating(endpoint) == [], "a second run made mutating calls"
    endpoint.clear_requests()
    site(endpoint, inventories, tmp_path, "--check")
    assert mutating(endpoint) == [], "check mode on a deployed mesh made mutating calls"

    network_lattice = client(endpoint, "shop-network", "vpc-lattice")
    provider_lattice = client(endpoint, "shop-provider", "vpc-lattice")
    consumer_lattice = client(endpoint, "shop-consumer", "vpc-lattice")

    # The network account owns the network and shares it with exactly the two other accounts.
    (network,) = [n for n in network_lattice.list_service_networks()["items"] if n["name"] == f"{ENV}-service-network"]
    assert network["arn"].split(":")[4] == ACCOUNTS["shop-network"]
    ram = client(endpoint, "shop-network", "ram")
    (share,) = ram.get_resource_shares(resourceOwner="SELF", name=network["name"])["resourceShares"]
    shared = ram.list_resources(resourceOwner="SELF", resourceShareArns=[share["resourceShareArn"]])["resources"]
    assert [r["arn"] for r in shared] == [network["arn"]]
    principals = ram.list_principals(resourceOwner="SELF", resourceShareArns=[share["resourceShareArn"]])["principals"]
    assert sorted(p["id"] for p in principals) == sorted([ACCOUNTS["shop-provider"], ACCOUNTS["shop-consumer"]])

    # The provider's services are its own and associated with the shared network.
    services = {s["name"][len(ENV) + 1 :]: s for s in provider_lattice.list_services()["items"]}
    assert sorted(services) == ["cart", "orders", "thumbs"]
    assert {s["arn"].split(":")[4] for s in services.values()} == {ACCOUNTS["shop-provider"]}
    for service in services.values():
        (association,) = provider_lattice.list_service_network_service_associations(serviceIdentifier=service["id"])[
            "items"
        ]
        assert association["serviceNetworkArn"] == network["arn"] and association["status"] == "ACTIVE"

    # The consumer's VPC is associated with the network; the association is the consumer's.
    consumer_ec2 = client(endpoint, "shop-consumer", "ec2")
    (web_vpc,) = consumer_ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{ENV}-web-vpc"]}])["Vpcs"]
    (vpc_association,) = consumer_lattice.list_service_network_vpc_associations(vpcIdentifier=web_vpc["VpcId"])["items"]
    assert vpc_association["serviceNetworkArn"] == network["arn"] and vpc_association["status"] == "ACTIVE"
    assert vpc_association["arn"].split(":")[4] == ACCOUNTS["shop-consumer"]

    # Targets: instances by tag, the ECS service's Lattice configuration, the Lambda function and its permission.
    orders_group, orders_targets = targets_of(provider_lattice, f"{ENV}-orders-tg")
    assert orders_targets == instances
    cart_group = targets_of(provider_lattice, f"{ENV}-cart-tg")[0]
    (configuration,) = ecs_configurations(endpoint)
    assert configuration["targetGroupArn"] == cart_group["arn"] and configuration["portName"] == "http"
    thumbs_group, thumbs_targets = targets_of(provider_lattice, f"{ENV}-thumbs-tg")
    function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNTS['shop-provider']}:function:thumbs"
    assert thumbs_targets == [function_arn]
    permission = json.loads(client(endpoint, "shop-provider", "lambda").get_policy(FunctionName="thumbs")["Policy"])
    (statement,) = permission["Statement"]
    assert statement["Principal"] == {"Service": "vpc-lattice.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == thumbs_group["arn"]

    # Every caller may invoke exactly what it declares: its IAM policy, the network's and each service's auth policy.
    consumer_iam = client(endpoint, "shop-consumer", "iam")
    role_arns = {}
    for caller, calls in CALLS.items():
        role = consumer_iam.get_role(RoleName=f"{ENV}-{caller}-role")["Role"]
        role_arns[caller] = role["Arn"]
        document = consumer_iam.get_role_policy(RoleName=role["RoleName"], PolicyName="VPCLatticeInvokePolicy")[
            "PolicyDocument"
        ]
        resources = sorted(r for s in document["Statement"] for r in s["Resource"] if not r.endswith("/*"))
        assert resources == sorted(services[name]["arn"] for name in calls)
    expected = {role_arns[caller]: sorted(services[name]["arn"] for name in calls) for caller, calls in CALLS.items()}
    network_policy = network_lattice.get_auth_policy(resourceIdentifier=network["id"])["policy"]
    assert policy_grants(network_policy) == expected
    for name, service in services.items():
        callers = [caller for caller, calls in CALLS.items() if name in calls]
        service_policy = provider_lattice.get_auth_policy(resourceIdentifier=service["id"])["policy"]
        assert sorted(policy_grants(service_policy)) == sorted(role_arns[caller] for caller in callers)

    # An instance that disappears is deregistered by the next run.
    client(endpoint, "shop-provider", "ec2").terminate_instances(InstanceIds=instances[:1])
    site(endpoint, inventories, tmp_path)
    assert targets_of(provider_lattice, f"{ENV}-orders-tg")[1] == instances[1:]
    client(endpoint, "shop-provider", "ec2").terminate_instances(InstanceIds=instances[1:])

    down = teardown(endpoint, inventories, tmp_path)
    assert down.recap()["changed"] > 0
    for host in ACCOUNTS:
        lattice = client(endpoint, host, "vpc-lattice")
        assert lattice.list_service_networks()["items"] == [], host
        assert lattice.list_services()["items"] == [], host
        assert lattice.list_target_groups()["items"] == [], host
        ec2 = client(endpoint, host, "ec2")
        assert ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [ENV]}])["Vpcs"] == [], host
        roles = client(endpoint, host, "iam").list_roles()["Roles"]
        assert [r["RoleName"] for r in roles if r["RoleName"].startswith(f"{ENV}-")] == [], host
        shares = client(endpoint, host, "ram").get_resource_shares(resourceOwner="SELF")["resourceShares"]
        assert all(share["status"] == "DELETED" for share in shares), host
    functions = client(endpoint, "shop-provider", "lambda")
    with pytest.raises(functions.exceptions.ResourceNotFoundException):
        functions.get_policy(FunctionName="thumbs")
    assert ecs_configurations(endpoint) == []
    endpoint.clear_requests()
    again = teardown(endpoint, inventories, tmp_path)
    assert again.recap()["changed"] == 0, again.stdout[-4000:]
    assert mutating(endpoint) == []
