"""site.yml and playbooks/teardown.yml from the checkout, against a local AWS endpoint.

- dev: every one of the reference template's 18 resources exists with the template's properties
  (../shared/reference/vpc-lattice-service-communication.yaml), corrected where the template is wrong,
  plus the auth policies the template lacks; the 8 outputs; a second run changes nothing and makes no
  mutating call; check mode makes no mutating call; teardown leaves nothing, twice.
- staging and prod: deploy, repeat without a change, tear down to nothing.
- an unknown, missing or broken environment is refused before any AWS call.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import boto3
import pytest
import yaml

from local_aws.process import EndpointProcess

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REGION = "us-east-1"
ACCOUNT = "123456789012"
TEMPLATE = REPO.parent / "shared" / "reference" / "vpc-lattice-service-communication.yaml"
TEMPLATE_OUTPUTS = [
    "ServiceNetworkId",
    "ServiceNetworkArn",
    "ServiceBLatticeServiceId",
    "ServiceBLatticeServiceArn",
    "ServiceBTargetGroupId",
    "ServiceAVPCId",
    "ServiceBVPCId",
    "ServiceAInvokeRoleArn",
]

LAMBDA_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]})  # fmt: skip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def endpoint():
    with EndpointProcess() as process:
        yield process


@pytest.fixture
def aws(endpoint):
    endpoint.reset()

    def client(service):
        return boto3.client(
            service,
            endpoint_url=endpoint.url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    return client


def playbook(args, endpoint, outputs_dir, check=True, project=REPO):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_CONFIG=str(project / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        AWS_ENDPOINT_URL=endpoint.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    result = subprocess.run(
        [str(BIN / "ansible-playbook"), *args, "-e", f"lattice_outputs_dir={outputs_dir}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(f"ansible-playbook {' '.join(args)} exited {result.returncode}\n{result.stdout[-8000:]}")
    return result


def recap(output: str) -> dict:
    """The PLAY RECAP counts, summed over hosts."""
    totals: dict[str, int] = {}
    for line in output.splitlines():
        if re.match(r"^\S+\s+: ok=", line):
            for key, value in re.findall(r"(\w+)=(\d+)", line):
                totals[key] = totals.get(key, 0) + int(value)
    return totals


def mutating(endpoint):
    return [f"{e['service']}:{e['operation']}" for e in endpoint.requests() if e["mutating"]]


def tags_of(items):
    return {tag["Key"]: tag["Value"] for tag in items or []}


def lattice_leftovers(aws):
    lattice = aws("vpc-lattice")
    return {
        "service networks": lattice.list_service_networks()["items"],
        "services": lattice.list_services()["items"],
        "target groups": lattice.list_target_groups()["items"],
    }


def template():
    """The reference template, with CloudFormation's short-form tags read as plain values."""

    class Loader(yaml.SafeLoader):
        pass

    def any_tag(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        return loader.construct_sequence(node)

    Loader.add_multi_constructor("!", any_tag)
    return yaml.load(TEMPLATE.read_text(), Loader=Loader)  # noqa: S506 (a SafeLoader subclass)


def deploy_twice(endpoint, env, outputs_dir):
    first = playbook(["site.yml", "-e", f"env={env}"], endpoint, outputs_dir)
    assert recap(first.stdout)["changed"] > 0
    endpoint.clear_requests()
    second = playbook(["site.yml", "-e", f"env={env}"], endpoint, outputs_dir)
    assert recap(second.stdout)["changed"] == 0, second.stdout[-6000:]
    assert mutating(endpoint) == [], f"a second run made mutating calls: {mutating(endpoint)}"
    return json.loads((outputs_dir / f"{env}.json").read_text())


def accounts_of(endpoint, env, aws):
    """{host: client factory} of the environment's accounts: an assumed role where hosts.yml names one."""
    hosts = yaml.safe_load((REPO / "inventories" / env / "hosts.yml").read_text())["all"]["hosts"]
    accounts = {}
    for host, settings in hosts.items():
        role_arn = (settings or {}).get("lattice_assume_role_arn")
        if not role_arn:
            accounts[host] = aws
            continue
        credentials = aws("sts").assume_role(RoleArn=role_arn, RoleSessionName="test-site")["Credentials"]

        def client(service, credentials=credentials):
            return boto3.client(
                service, endpoint_url=endpoint.url, region_name=REGION, aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"],
            )  # fmt: skip

        accounts[host] = client
    return accounts


def start_functions(endpoint, env, aws):
    """The Lambda functions the declaration's lambda_function names, in their accounts (the mesh only attaches them)."""
    mesh = yaml.safe_load((REPO / "inventories" / env / "group_vars" / "all.yml").read_text())["lattice_mesh"]
    by_account = {}
    for client in accounts_of(endpoint, env, aws).values():
        by_account[client("sts").get_caller_identity()["Account"]] = client
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    for service in mesh["services"]:
        for group in service["target_groups"]:
            if group.get("lambda_function"):
                arn = group["lambda_function"]
                client, name = by_account[arn.split(":")[4]], arn.split(":")[6]
                role = client("iam").create_role(RoleName=f"function-{name}", AssumeRolePolicyDocument=LAMBDA_TRUST)
                client("lambda").create_function(
                    FunctionName=name, Runtime="python3.12", Role=role["Role"]["Arn"], Handler="index.handler",
                    Code={"ZipFile": archive.getvalue()},
                )  # fmt: skip


def teardown_twice(endpoint, env, outputs_dir, aws):
    down = playbook(["playbooks/teardown.yml", "-e", f"env={env}"], endpoint, outputs_dir)
    assert recap(down.stdout)["changed"] > 0
    assert not (outputs_dir / f"{env}.json").exists()
    for host, client in accounts_of(endpoint, env, aws).items():
        assert lattice_leftovers(client) == {"service networks": [], "services": [], "target groups": []}, host
        ec2 = client("ec2")
        env_filter = [{"Name": "tag:Environment", "Values": [env]}]
        assert ec2.describe_vpcs(Filters=env_filter)["Vpcs"] == [], host
        assert ec2.describe_subnets(Filters=env_filter)["Subnets"] == [], host
        assert ec2.describe_security_groups(Filters=env_filter)["SecurityGroups"] == [], host
        roles = client("iam").list_roles()["Roles"]
        assert [r["RoleName"] for r in roles if r["RoleName"].startswith(f"{env}-")] == [], host
        assert client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/vpclattice/{env}-")["logGroups"] == []
        shares = client("ram").get_resource_shares(resourceOwner="SELF")["resourceShares"]
        assert all(share["status"] == "DELETED" for share in shares), host
    endpoint.clear_requests()
    again = playbook(["playbooks/teardown.yml", "-e", f"env={env}"], endpoint, outputs_dir)
    assert recap(again.stdout)["changed"] == 0, again.stdout[-4000:]
    assert mutating(endpoint) == []


def test_dev_reproduces_the_reference_template(endpoint, aws, tmp_path):
    endpoint.clear_requests()
    playbook(["site.yml", "-e", "env=dev", "--check"], endpoint, tmp_path)
    assert mutating(endpoint) == [], f"check mode on an empty account made mutating calls: {mutating(endpoint)}"

    outputs = deploy_twice(endpoint, "dev", tmp_path)
    assert set(TEMPLATE_OUTPUTS) <= set(outputs), sorted(set(TEMPLATE_OUTPUTS) - set(outputs))
    resources = template()["Resources"]
    ec2, lattice, iam, kms, logs = aws("ec2"), aws("vpc-lattice"), aws("iam"), aws("kms"), aws("logs")

    # VPCs and subnets (4)
    zones = sorted(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"])
    for key, vpc_name in (("ServiceA", "service-a"), ("ServiceB", "service-b")):
        spec = resources[f"{key}VPC"]["Properties"]
        (vpc,) = ec2.describe_vpcs(VpcIds=[outputs[f"{key}VPCId"]])["Vpcs"]
        assert vpc["CidrBlock"] == spec["CidrBlock"]
        assert tags_of(vpc["Tags"])["Name"] == f"dev-{vpc_name}-vpc"
        for attribute in ("enableDnsSupport", "enableDnsHostnames"):
            answer = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
            assert answer[attribute[0].upper() + attribute[1:]]["Value"] is True
        subnet_spec = resources[f"{key}PrivateSubnet"]["Properties"]
        (subnet,) = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
        assert subnet["CidrBlock"] == subnet_spec["CidrBlock"] and subnet["AvailabilityZone"] == zones[0]
        assert tags_of(subnet["Tags"])["Name"] == f"dev-{vpc_name}-private-subnet"

    # Security groups (2): the template's, except that targets admit the Lattice prefix list
    # rather than service A's CIDR, and callers' VPC admits its clients to the association.
    prefix_list = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [f"com.amazonaws.{REGION}.vpc-lattice"]}]
    )["PrefixLists"][0]["PrefixListId"]
    groups = {}
    for key in ("ServiceA", "ServiceB"):
        (group,) = ec2.describe_security_groups(GroupIds=[outputs[f"{key}SecurityGroupId"]])["SecurityGroups"]
        spec = resources[f"{key}SecurityGroup"]["Properties"]
        assert group["Description"] == spec["GroupDescription"]
        assert [(p["IpProtocol"], [r["CidrIp"] for r in p["IpRanges"]]) for p in group["IpPermissionsEgress"]] == [
            ("-1", ["0.0.0.0/0"])
        ]
        groups[key] = group
    (b_rule,) = groups["ServiceB"]["IpPermissions"]
    assert (b_rule["FromPort"], b_rule["ToPort"]) == (443, 443)
    assert [p["PrefixListId"] for p in b_rule["PrefixListIds"]] == [prefix_list] and b_rule["IpRanges"] == []
    (a_rule,) = groups["ServiceA"]["IpPermissions"]
    assert (a_rule["FromPort"], [r["CidrIp"] for r in a_rule["IpRanges"]]) == (443, ["10.0.0.0/16"])

    # Service network, service, target group, listener, service association (5)
    network = lattice.get_service_network(serviceNetworkIdentifier=outputs["ServiceNetworkId"])
    assert network["arn"] == outputs["ServiceNetworkArn"] and network["authType"] == "AWS_IAM"
    assert lattice.list_tags_for_resource(resourceArn=network["arn"])["tags"] == {
        "Name": "dev-service-network",
        "Environment": "dev",
    }
    service = lattice.get_service(serviceIdentifier=outputs["ServiceBLatticeServiceId"])
    assert service["arn"] == outputs["ServiceBLatticeServiceArn"] and service["authType"] == "AWS_IAM"
    assert lattice.list_tags_for_resource(resourceArn=service["arn"])["tags"] == {
        "Name": "dev-service-b",
        "Environment": "dev",
    }
    group = lattice.get_target_group(targetGroupIdentifier=outputs["ServiceBTargetGroupId"])
    tg_spec = resources["ServiceBTargetGroup"]["Properties"]
    assert group["type"] == tg_spec["Type"]
    config = group["config"]
    assert (config["port"], config["protocol"], config["vpcIdentifier"]) == (443, "HTTPS", outputs["ServiceBVPCId"])
    health = config["healthCheck"]
    hc_spec = tg_spec["Config"]["HealthCheck"]
    assert (health["enabled"], health["protocol"], health["path"]) == (True, hc_spec["Protocol"], hc_spec["Path"])
    assert health["healthCheckIntervalSeconds"] == hc_spec["HealthCheckIntervalSeconds"]
    assert health["healthCheckTimeoutSeconds"] == hc_spec["HealthCheckTimeoutSeconds"]
    assert health["healthyThresholdCount"] == hc_spec["HealthyThresholdCount"]
    assert health["unhealthyThresholdCount"] == hc_spec["UnhealthyThresholdCount"]
    assert lattice.list_tags_for_resource(resourceArn=group["arn"])["tags"]["Name"] == "dev-service-b-tg"
    (listener,) = lattice.list_listeners(serviceIdentifier=service["id"])["items"]
    listener = lattice.get_listener(serviceIdentifier=service["id"], listenerIdentifier=listener["id"])
    assert (listener["protocol"], listener["port"]) == ("HTTPS", 443)
    assert listener["defaultAction"] == {
        "forward": {"targetGroups": [{"targetGroupIdentifier": group["id"], "weight": 100}]}
    }
    assert lattice.list_tags_for_resource(resourceArn=listener["arn"])["tags"]["Name"] == "dev-service-b-listener"
    (association,) = lattice.list_service_network_service_associations(serviceIdentifier=service["id"])["items"]
    assert association["serviceNetworkId"] == network["id"] and association["status"] == "ACTIVE"
    assert lattice.list_tags_for_resource(resourceArn=association["arn"])["tags"]["Name"] == "dev-service-b-association"

    # VPC associations (2), each with its VPC's security group
    vpc_associations = lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=network["id"])["items"]
    assert len(vpc_associations) == 2
    for key, vpc_name in (("ServiceA", "service-a"), ("ServiceB", "service-b")):
        (found,) = [a for a in vpc_associations if a["vpcId"] == outputs[f"{key}VPCId"]]
        details = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=found["id"])
        assert details["status"] == "ACTIVE"
        assert details["securityGroupIds"] == [outputs[f"{key}SecurityGroupId"]]
        tags = lattice.list_tags_for_resource(resourceArn=details["arn"])["tags"]
        assert tags["Name"] == f"dev-{vpc_name}-vpc-association"

    # Log group, KMS key, alias, access log subscription (4)
    log_spec = resources["AccessLogGroup"]["Properties"]
    (log_group,) = logs.describe_log_groups(logGroupNamePrefix="/aws/vpclattice/dev-service-network")["logGroups"]
    assert log_group["logGroupName"] == "/aws/vpclattice/dev-service-network"
    assert log_group["retentionInDays"] == log_spec["RetentionInDays"]
    alias = {a["AliasName"]: a for a in kms.list_aliases()["Aliases"]}["alias/dev-vpclattice-logs"]
    key = kms.describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]
    assert log_group["kmsKeyId"] == key["Arn"] and key["KeyState"] == "Enabled"
    assert key["Description"] == resources["LogEncryptionKey"]["Properties"]["Description"]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    key_policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    statements = {s["Sid"]: s for s in key_policy["Statement"]}
    assert statements["Enable IAM User Permissions"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    logs_statement = statements["Allow CloudWatch Logs"]
    assert logs_statement["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
    assert sorted(logs_statement["Action"]) == sorted(
        resources["LogEncryptionKey"]["Properties"]["KeyPolicy"]["Statement"][1]["Action"]
    )
    assert logs_statement["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"] == (
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/vpclattice/dev-service-network"
    )
    (subscription,) = lattice.list_access_log_subscriptions(resourceIdentifier=network["id"])["items"]
    assert subscription["destinationArn"].startswith(f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/vpclattice/")
    assert lattice.list_tags_for_resource(resourceArn=subscription["arn"])["tags"]["Name"] == "dev-access-logs"

    # The caller's IAM role (1): the template's trust, managed policy and inline invoke policy
    role = iam.get_role(RoleName="dev-service-a-role")["Role"]
    assert role["Arn"] == outputs["ServiceAInvokeRoleArn"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"]["Service"] in ("ec2.amazonaws.com", ["ec2.amazonaws.com"])
    assert [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]] == [
        "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
    ]
    (invoke,) = iam.get_role_policy(RoleName=role["RoleName"], PolicyName="VPCLatticeInvokePolicy")["PolicyDocument"][
        "Statement"
    ]
    assert invoke["Action"] in ("vpc-lattice-svcs:Invoke", ["vpc-lattice-svcs:Invoke"])
    assert sorted(invoke["Resource"]) == [service["arn"], service["arn"] + "/*"]
    assert tags_of(role.get("Tags"))["Name"] == "dev-service-a-role"

    # Beyond the template: auth policies that allow exactly the declared caller
    for identifier in (network["id"], service["id"]):
        policy = json.loads(lattice.get_auth_policy(resourceIdentifier=identifier)["policy"])
        principals = sorted(
            principal
            for statement in policy["Statement"]
            for principal in (statement["Principal"]["AWS"] if isinstance(statement["Principal"]["AWS"], list)
                              else [statement["Principal"]["AWS"]])
        )  # fmt: skip
        assert principals == [role["Arn"]], policy
        assert "*" not in json.dumps([s["Action"] for s in policy["Statement"]])

    endpoint.clear_requests()
    playbook(["site.yml", "-e", "env=dev", "--check"], endpoint, tmp_path)
    assert mutating(endpoint) == [], f"check mode on a deployed mesh made mutating calls: {mutating(endpoint)}"

    # One role on its own, in someone else's playbook: add a service to the deployed network.
    example = [
        "playbooks/examples/add_service.yml",
        "-e", "service_network=dev-service-network",
        "-e", f"vpc_id={outputs['ServiceBVPCId']}",
        "-e", f"caller_role_arn={role['Arn']}",
        "-e", '{"example_targets": [{"id": "10.1.1.10", "port": 8080}]}',
    ]  # fmt: skip
    playbook(example, endpoint, tmp_path)
    (added,) = [item for item in lattice.list_services()["items"] if item["name"] == "example-orders"]
    assert added["status"] == "ACTIVE"
    (added_association,) = lattice.list_service_network_service_associations(serviceIdentifier=added["id"])["items"]
    assert added_association["serviceNetworkId"] == network["id"]
    assert role["Arn"] in lattice.get_auth_policy(resourceIdentifier=added["id"])["policy"]
    endpoint.clear_requests()
    playbook(example, endpoint, tmp_path)
    assert mutating(endpoint) == []
    playbook([*example, "-e", "example_state=absent"], endpoint, tmp_path)
    assert [s["name"] for s in lattice.list_services()["items"]] == ["dev-service-b"]

    teardown_twice(endpoint, "dev", tmp_path, aws)


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_larger_environments_deploy_repeat_and_tear_down(endpoint, aws, tmp_path, env):
    mesh = yaml.safe_load((REPO / "inventories" / env / "group_vars" / "all.yml").read_text())["lattice_mesh"]
    start_functions(endpoint, env, aws)
    outputs = deploy_twice(endpoint, env, tmp_path)
    accounts = accounts_of(endpoint, env, aws)
    services, lattice_of = {}, {}
    for client in accounts.values():
        for service in client("vpc-lattice").list_services()["items"]:
            if service["arn"].split(":")[4] == client("sts").get_caller_identity()["Account"]:
                services[service["name"]], lattice_of[service["name"]] = service, client("vpc-lattice")
    assert sorted(services) == sorted(f"{env}-{s['name']}" for s in mesh["services"])
    for declared in mesh["services"]:
        name = f"{env}-{declared['name']}"
        prefix = "".join(word.capitalize() for word in declared["name"].split("-"))
        assert outputs[f"{prefix}LatticeServiceId"] == services[name]["id"]
        listeners = lattice_of[name].list_listeners(serviceIdentifier=services[name]["id"])["items"]
        assert len(listeners) == len(declared["listeners"])
    network_id = outputs["ServiceNetworkId"]
    owner = accounts[mesh["service_network"]["account"]] if mesh["service_network"].get("account") else aws
    associated = owner("vpc-lattice").list_service_network_vpc_associations(serviceNetworkIdentifier=network_id)[
        "items"
    ]
    assert len(associated) == len([v for v in mesh["vpcs"] if v.get("associate", True)])
    # The network's auth policy admits the callers to their services, by ARN or by account (policy_scope).
    policy = json.loads(owner("vpc-lattice").get_auth_policy(resourceIdentifier=network_id)["policy"])
    called = {services[f"{env}-{name}"]["arn"] for caller in mesh["callers"] for name in caller["calls"]}
    if mesh["service_network"].get("policy_scope") == "accounts":
        expected = {"arn:aws:vpc-lattice:%s:%s:service/*" % (REGION, arn.split(":")[4]) for arn in called}
    else:
        expected = called | {arn + "/*" for arn in called}
    assert {resource for statement in policy["Statement"] for resource in statement["Resource"]} == expected
    teardown_twice(endpoint, env, tmp_path, aws)


@pytest.mark.parametrize("extra", [["-e", "env=qa"], []], ids=["unknown", "missing"])
def test_unknown_or_missing_environment_is_refused_at_once(endpoint, aws, tmp_path, extra):
    endpoint.clear_requests()
    result = playbook(["site.yml", *extra], endpoint, tmp_path, check=False)
    assert result.returncode != 0
    assert "dev, prod, staging" in result.stdout
    assert endpoint.requests() == []


def test_a_mesh_too_big_for_an_exact_network_policy_is_refused_before_any_call(endpoint, aws, tmp_path):
    """A copy of the project whose dev mesh has 70 services called by one caller: the network's auth policy would
    exceed the quota, which must be known before the first change, not after the rest of the mesh is built."""
    project = tmp_path / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".venv", ".git", "tests", "tools", "outputs"),
                    symlinks=True)  # fmt: skip
    declaration = project / "inventories" / "dev" / "group_vars" / "all.yml"
    data = yaml.safe_load(declaration.read_text())
    mesh = data["lattice_mesh"]
    template = next(s for s in mesh["services"] if s["name"] in mesh["callers"][0]["calls"])
    for index in range(70):
        service = copy.deepcopy(template)
        service["name"] = f"extra-{index:02d}"
        for group in service["target_groups"]:
            group["name"] = group["name"].replace(template["name"], service["name"], 1)
        for listener in service["listeners"]:
            for forward in listener["default_action"].get("forward") or []:
                forward["target_group"] = forward["target_group"].replace(template["name"], service["name"], 1)
            for rule in listener.get("rules") or []:
                for forward in rule["action"].get("forward") or []:
                    forward["target_group"] = forward["target_group"].replace(template["name"], service["name"], 1)
        mesh["services"].append(service)
        mesh["callers"][0]["calls"].append(service["name"])
    declaration.write_text(yaml.safe_dump(data))
    endpoint.clear_requests()
    result = playbook(["site.yml", "-e", "env=dev"], endpoint, tmp_path, check=False, project=project)
    assert result.returncode != 0
    assert "dev: service_network.policy_scope: the network's auth policy" in result.stdout, result.stdout[-4000:]
    assert endpoint.requests() == []


def test_a_broken_declaration_is_refused_before_any_call(endpoint, aws, tmp_path):
    """A copy of the project whose dev mesh forwards to an undeclared target group and calls an unknown service."""
    project = tmp_path / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".venv", ".git", "tests", "tools", "outputs"),
                    symlinks=True)  # fmt: skip
    declaration = project / "inventories" / "dev" / "group_vars" / "all.yml"
    data = yaml.safe_load(declaration.read_text())
    data["lattice_mesh"]["services"][0]["listeners"][0]["default_action"]["forward"][0]["target_group"] = "nope-tg"
    data["lattice_mesh"]["callers"][0]["calls"] = ["service-c"]
    declaration.write_text(yaml.safe_dump(data))
    endpoint.clear_requests()
    result = playbook(["site.yml", "-e", "env=dev"], endpoint, tmp_path, check=False, project=project)
    assert result.returncode != 0
    assert "dev: services[service-b].listeners[listener].default_action.forward[0].target_group" in result.stdout
    assert "dev: callers[service-a].calls" in result.stdout
    assert endpoint.requests() == []
