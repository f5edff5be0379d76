"""Things AWS provides without being asked, which the endpoint (moto) must provide too."""

from __future__ import annotations

LATTICE_PREFIX_LIST = "com.amazonaws.us-east-1.vpc-lattice"
LATTICE_PREFIX_LIST_V6 = "com.amazonaws.us-east-1.ipv6.vpc-lattice"
CLOUDWATCH_AGENT_POLICY = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"


def _prefix_list(ec2, name: str) -> list[dict]:
    return ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [name]}])["PrefixLists"]


def test_lattice_managed_prefix_list_is_visible(ec2):
    (pl,) = _prefix_list(ec2, LATTICE_PREFIX_LIST)
    assert pl["OwnerId"] == "AWS" and pl["AddressFamily"] == "IPv4"
    assert pl["PrefixListId"].startswith("pl-")


def test_lattice_managed_prefix_list_holds_the_lattice_range(ec2):
    (pl,) = _prefix_list(ec2, LATTICE_PREFIX_LIST)
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=pl["PrefixListId"])["Entries"]
    assert "169.254.171.0/24" in [e["Cidr"] for e in entries]


def test_lattice_ipv6_managed_prefix_list_is_visible(ec2):
    (pl,) = _prefix_list(ec2, LATTICE_PREFIX_LIST_V6)
    assert pl["AddressFamily"] == "IPv6"


def test_lattice_prefix_list_survives_reset(ec2, endpoint):
    endpoint.reset()
    assert len(_prefix_list(ec2, LATTICE_PREFIX_LIST)) == 1


def test_security_group_can_admit_the_lattice_prefix_list(ec2):
    (pl,) = _prefix_list(ec2, LATTICE_PREFIX_LIST)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(GroupName="targets", Description="targets", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "PrefixListIds": [{"PrefixListId": pl["PrefixListId"]}]}])
    (group,) = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    assert group["IpPermissions"][0]["PrefixListIds"][0]["PrefixListId"] == pl["PrefixListId"]


def test_aws_managed_cloudwatch_agent_policy_exists(iam):
    policy = iam.get_policy(PolicyArn=CLOUDWATCH_AGENT_POLICY)["Policy"]
    assert policy["PolicyName"] == "CloudWatchAgentServerPolicy"
    assert policy["Arn"] == CLOUDWATCH_AGENT_POLICY


def test_aws_managed_policy_can_be_attached_to_a_role(iam):
    trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},'
             '"Action":"sts:AssumeRole"}]}')
    iam.create_role(RoleName="caller", AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="caller", PolicyArn=CLOUDWATCH_AGENT_POLICY)
    attached = iam.list_attached_role_policies(RoleName="caller")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [CLOUDWATCH_AGENT_POLICY]
