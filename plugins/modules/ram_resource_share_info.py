#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ram_resource_share_info
version_added: 0.2.0
short_description: Gather information about AWS RAM resource shares
description:
  - Describe the AWS Resource Access Manager resource shares this account owns, or those other accounts share with
    it, with their resources (and, for its own shares, their principals).
  - Deleted shares, which RAM keeps listing for a while, are left out.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  name:
    description:
      - Only the shares with this name.
    type: str
  arn:
    description:
      - Only the share with this ARN. Matching no share is not an error; RV(resource_shares) is then empty.
    type: str
  resource_owner:
    description:
      - V(SELF) for the shares this account owns, V(OTHER-ACCOUNTS) for those shared with it (once it is an
        associated principal, for example after accepting the invitation).
    type: str
    choices: ["SELF", "OTHER-ACCOUNTS"]
    default: "SELF"
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe this account's share of the platform network
  lattice.mesh.ram_resource_share_info:
    name: platform-network
  register: share

- name: List the shares other accounts give this one
  lattice.mesh.ram_resource_share_info:
    resource_owner: OTHER-ACCOUNTS
  register: shared_with_me
"""

RETURN = r"""
resource_shares:
  description: The resource shares found.
  returned: always
  type: list
  elements: dict
  contains:
    resource_share_arn:
      description: The ARN of the share.
      type: str
      sample: arn:aws:ram:eu-west-1:123456789012:resource-share/7ab63972-b505-7e2a-420d-6f5d3EXAMPLE
    name:
      description: The name of the share.
      type: str
      sample: platform-network
    owning_account_id:
      description: The account that owns the share.
      type: str
      sample: "123456789012"
    allow_external_principals:
      description: Whether accounts outside the owner's organization may be principals.
      type: bool
      sample: true
    status:
      description: The status of the share.
      type: str
      sample: ACTIVE
    feature_set:
      description: How the share was created.
      type: str
      sample: STANDARD
    creation_time:
      description: When the share was created (ISO 8601).
      type: str
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_time:
      description: When the share was last changed (ISO 8601).
      type: str
      sample: "2024-05-01T10:00:00.123000+00:00"
    resource_arns:
      description:
        - The resources of the share; for a share of another account, those this account can use.
      type: list
      elements: str
      sample: ["arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdef0"]
    principals:
      description: The principals of the share (empty for another account's share; only its owner sees them).
      type: list
      elements: str
      sample: ["210987654321"]
    associations:
      description: The associations of the share's resources and principals (its owner's view only).
      type: list
      elements: dict
      sample:
        - associated_entity: "210987654321"
          association_type: PRINCIPAL
          status: ASSOCIATED
          external: true
    tags:
      description: The tags of the share.
      type: dict
      sample: {"team": "platform"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.ram import (
    describe_share,
    find_shares,
    paginate,
    ram_client,
    share_result,
    validate_share_arn,
)
from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import AnsibleLatticeError


def shared_with_me(client, share):
    """Another account's share: the resources this account can use (RAM shows only the owner the associations)."""
    resources = paginate(
        client,
        "list_resources",
        "resources",
        f"list the resources of {share['resourceShareArn']}",
        resourceOwner="OTHER-ACCOUNTS",
        resourceShareArns=[share["resourceShareArn"]],
    )
    associations = [
        {"associatedEntity": r["arn"], "associationType": "RESOURCE", "status": "ASSOCIATED"} for r in resources
    ]
    return share_result(share, associations)


def run_module(module, client):
    params = module.params
    problem = validate_share_arn(params.get("arn"), "arn")
    if problem:
        module.fail_json(msg=problem)
    try:
        shares = find_shares(client, params["resource_owner"], name=params.get("name"), arn=params.get("arn"))
        if params["resource_owner"] == "SELF":
            results = [describe_share(client, share) for share in shares]
        else:
            results = [shared_with_me(client, share) for share in shares]
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, resource_shares=results)


def main():
    argument_spec = dict(
        name=dict(type="str"),
        arn=dict(type="str"),
        resource_owner=dict(type="str", choices=["SELF", "OTHER-ACCOUNTS"], default="SELF"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, ram_client(module))


if __name__ == "__main__":
    main()
