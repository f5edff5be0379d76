"""EC2 behaviour where moto differs from AWS and the endpoint restores AWS's (tools/local_aws/ec2_fidelity.py).

Security group rules whose source is a managed prefix list keep their Description, show it in
DescribeSecurityGroups and DescribeSecurityGroupRules, and UpdateSecurityGroupRuleDescriptions*
changes it and answers ``Return: true`` (amazon.aws.ec2_security_group reads it).
"""

from __future__ import annotations

import pytest

LATTICE_PREFIX_LIST = "com.amazonaws.us-east-1.vpc-lattice"


@pytest.fixture
def group(ec2) -> tuple[str, str]:
    """(security group ID, Lattice managed prefix list ID)."""
    (pl,) = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [LATTICE_PREFIX_LIST]}])["PrefixLists"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(GroupName="targets", Description="targets", VpcId=vpc)["GroupId"]
    return sg, pl["PrefixListId"]


def _permission(pl_id: str, description: str | None, port: int = 443) -> dict:
    source = {"PrefixListId": pl_id}
    if description is not None:
        source["Description"] = description
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "PrefixListIds": [source]}


def _prefix_list_sources(ec2, sg: str, egress: bool = False) -> dict[int, list[dict]]:
    (got,) = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    perms = got["IpPermissionsEgress" if egress else "IpPermissions"]
    return {p.get("FromPort"): p["PrefixListIds"] for p in perms if p.get("PrefixListIds")}


def _rule_descriptions(ec2, sg: str, pl_id: str, egress: bool = False) -> list:
    rules = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [sg]}])["SecurityGroupRules"]
    return [r.get("Description") for r in rules if r.get("PrefixListId") == pl_id and r["IsEgress"] == egress]


def test_describe_security_groups_shows_prefix_list_rule_description(ec2, group):
    sg, pl_id = group
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[_permission(pl_id, "lattice")])
    assert _prefix_list_sources(ec2, sg) == {443: [{"PrefixListId": pl_id, "Description": "lattice"}]}


def test_prefix_list_rule_without_description_has_none(ec2, group):
    sg, pl_id = group
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[_permission(pl_id, None)])
    assert _prefix_list_sources(ec2, sg) == {443: [{"PrefixListId": pl_id}]}
    assert _rule_descriptions(ec2, sg, pl_id) == [None]


def test_describe_security_group_rules_shows_prefix_list_rule_description(ec2, group):
    sg, pl_id = group
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[_permission(pl_id, "lattice")])
    assert _rule_descriptions(ec2, sg, pl_id) == ["lattice"]


def test_update_ingress_description_of_prefix_list_rule(ec2, group):
    sg, pl_id = group
    ec2.authorize_security_group_ingress(
        GroupId=sg, IpPermissions=[_permission(pl_id, "lattice"), _permission(pl_id, "other port", 8080)])
    out = ec2.update_security_group_rule_descriptions_ingress(
        GroupId=sg, IpPermissions=[_permission(pl_id, "health checks")])
    assert out["Return"] is True
    assert _prefix_list_sources(ec2, sg) == {
        443: [{"PrefixListId": pl_id, "Description": "health checks"}],
        8080: [{"PrefixListId": pl_id, "Description": "other port"}],
    }
    assert sorted(_rule_descriptions(ec2, sg, pl_id)) == ["health checks", "other port"]


def test_update_without_description_removes_it(ec2, group):
    # AWS: "You can remove a description for a security group rule by omitting the description parameter".
    sg, pl_id = group
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[_permission(pl_id, "lattice")])
    out = ec2.update_security_group_rule_descriptions_ingress(GroupId=sg, IpPermissions=[_permission(pl_id, None)])
    assert out["Return"] is True
    assert _prefix_list_sources(ec2, sg) == {443: [{"PrefixListId": pl_id}]}
    assert _rule_descriptions(ec2, sg, pl_id) == [None]


def test_update_egress_description_of_prefix_list_rule(ec2, group):
    sg, pl_id = group
    ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[_permission(pl_id, "to lattice")])
    assert _prefix_list_sources(ec2, sg, egress=True) == {443: [{"PrefixListId": pl_id, "Description": "to lattice"}]}
    out = ec2.update_security_group_rule_descriptions_egress(
        GroupId=sg, IpPermissions=[_permission(pl_id, "to lattice, renamed")])
    assert out["Return"] is True
    assert _prefix_list_sources(ec2, sg, egress=True) == {
        443: [{"PrefixListId": pl_id, "Description": "to lattice, renamed"}]}
    assert _rule_descriptions(ec2, sg, pl_id, egress=True) == ["to lattice, renamed"]


def test_update_description_of_cidr_rule_still_works(ec2, group):
    sg, dummy = group
    perm = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "10.1.0.0/16", "Description": "a"}]}
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[perm])
    perm["IpRanges"][0]["Description"] = "b"
    assert ec2.update_security_group_rule_descriptions_ingress(GroupId=sg, IpPermissions=[perm])["Return"] is True
    (got,) = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    assert got["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "10.1.0.0/16", "Description": "b"}]
