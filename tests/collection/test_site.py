"""site.yml and playbooks/teardown.yml from the checkout, against a local AWS endpoint.

Deploys an environment, deploys it again (nothing may change), checks the outputs file against
what exists, tears it down (twice: the second run changes nothing) and checks that an unknown or
missing environment is refused before anything is touched.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ENV = "staging"

pytestmark = pytest.mark.slow


def playbook(args, endpoint, outputs_dir, check=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    result = subprocess.run(
        [str(BIN / "ansible-playbook"), *args, "-e", f"lattice_outputs_dir={outputs_dir}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(f"ansible-playbook {' '.join(args)} exited {result.returncode}\n{result.stdout[-8000:]}")
    return result


def recap(output: str) -> dict:
    line = [line for line in output.splitlines() if re.match(r"^localhost\s+:", line)][-1]
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}


@pytest.fixture()
def ec2(endpoint):
    return boto3.client(
        "ec2",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def tagged(ec2, what):
    filters = [{"Name": "tag:Environment", "Values": [ENV]}]
    if what == "vpcs":
        return ec2.describe_vpcs(Filters=filters)["Vpcs"]
    if what == "subnets":
        return ec2.describe_subnets(Filters=filters)["Subnets"]
    return ec2.describe_security_groups(Filters=filters)["SecurityGroups"]


def test_deploy_is_idempotent_and_teardown_removes_everything(endpoint, ec2, tmp_path):
    first = playbook(["site.yml", "-e", f"env={ENV}"], endpoint, tmp_path)
    assert recap(first.stdout)["changed"] > 0

    second = playbook(["site.yml", "-e", f"env={ENV}"], endpoint, tmp_path)
    assert recap(second.stdout)["changed"] == 0, second.stdout[-4000:]
    assert recap(second.stdout)["failed"] == 0

    outputs = json.loads((tmp_path / f"{ENV}.json").read_text())
    vpcs = {vpc["CidrBlock"]: vpc for vpc in tagged(ec2, "vpcs")}
    assert outputs["ServiceAVPCId"] == vpcs["10.0.0.0/16"]["VpcId"]
    assert outputs["ServiceBVPCId"] == vpcs["10.1.0.0/16"]["VpcId"]
    assert {t["Key"]: t["Value"] for t in vpcs["10.1.0.0/16"]["Tags"]}["Name"] == f"{ENV}-service-b-vpc"
    subnets = {s["SubnetId"]: s for s in tagged(ec2, "subnets")}
    assert subnets[outputs["ServiceBPrivateSubnetId"]]["CidrBlock"] == "10.1.1.0/24"
    first_zone = sorted(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"])[0]
    assert {s["AvailabilityZone"] for s in subnets.values()} == {first_zone}

    groups = {g["GroupId"]: g for g in tagged(ec2, "security_groups")}
    group_b = groups[outputs["ServiceBSecurityGroupId"]]
    lattice = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.us-east-1.vpc-lattice"]}]
    )["PrefixLists"][0]["PrefixListId"]
    rules = [
        (p["IpProtocol"], p["FromPort"], p["ToPort"], [x["PrefixListId"] for x in p["PrefixListIds"]], p["IpRanges"])
        for p in group_b["IpPermissions"]
    ]
    assert rules == [("tcp", 443, 443, [lattice], [])]
    assert groups[outputs["ServiceASecurityGroupId"]]["IpPermissions"] == []

    down = playbook(["playbooks/teardown.yml", "-e", f"env={ENV}"], endpoint, tmp_path)
    assert recap(down.stdout)["changed"] > 0
    assert tagged(ec2, "vpcs") == [] and tagged(ec2, "subnets") == [] and tagged(ec2, "security_groups") == []
    assert not (tmp_path / f"{ENV}.json").exists()

    again = playbook(["playbooks/teardown.yml", "-e", f"env={ENV}"], endpoint, tmp_path)
    assert recap(again.stdout)["changed"] == 0


@pytest.mark.parametrize("extra", [["-e", "env=qa"], []], ids=["unknown", "missing"])
def test_unknown_or_missing_environment_is_refused_at_once(endpoint, ec2, tmp_path, extra):
    result = playbook(["site.yml", *extra], endpoint, tmp_path, check=False)
    assert result.returncode != 0
    assert "dev, prod, staging" in result.stdout
    assert recap(result.stdout)["ok"] == 1  # only the listing of environments ran
    assert tagged(ec2, "vpcs") == []
