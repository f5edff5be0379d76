#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: service_network_info
version_added: 0.1.0
short_description: Gather information about Amazon VPC Lattice service networks
description:
  - Describe one Amazon VPC Lattice service network, found by name, ID or ARN, or every service network the account
    can see (its own and those shared with it through AWS RAM).
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  name:
    description:
      - The name, ID (V(sn-...)) or ARN of the service network to describe.
      - When not set, every service network is described.
      - Matching no service network is not an error; RV(service_networks) is then empty.
    type: str
    aliases: ["id", "arn", "identifier"]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe a service network by name
  lattice.mesh.service_network_info:
    name: payments
  register: result

- name: Describe a service network by ARN
  lattice.mesh.service_network_info:
    arn: arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdef0

- name: List every service network
  lattice.mesh.service_network_info:
  register: all_networks

- name: Show the names of the networks that require IAM authentication
  ansible.builtin.debug:
    msg: "{{ all_networks.service_networks | selectattr('auth_type', 'eq', 'AWS_IAM') | map(attribute='name') }}"
"""

RETURN = r"""
service_networks:
  description: The service networks found, each with its tags.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The ARN of the service network.
      type: str
      returned: always
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdef0
    id:
      description: The ID of the service network.
      type: str
      returned: always
      sample: sn-0123456789abcdef0
    name:
      description: The name of the service network.
      type: str
      returned: always
      sample: payments
    auth_type:
      description: The type of IAM policy evaluation.
      type: str
      returned: always
      sample: NONE
    sharing_config:
      description: The sharing configuration of the service network.
      type: dict
      returned: always
      contains:
        enabled:
          description: Whether sharing is enabled.
          type: bool
          returned: always
          sample: false
    created_at:
      description: When the service network was created (ISO 8601).
      type: str
      returned: always
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the service network was last changed (ISO 8601).
      type: str
      returned: always
      sample: "2024-05-01T10:00:00.123000+00:00"
    number_of_associated_vpcs:
      description: How many VPCs are associated with the service network.
      type: int
      returned: always
      sample: 2
    number_of_associated_services:
      description: How many services are associated with the service network.
      type: int
      returned: always
      sample: 3
    owner_account:
      description:
        - The ID of the AWS account that owns the service network.
        - Another account's network is listed when that account shares it with this one through AWS RAM; refer
          to it by its ARN.
      type: str
      returned: always
      sample: "123456789012"
    tags:
      description:
        - The tags of the service network.
        - Left out for a network another account shares with this one (AWS lets only its owner read its tags).
      type: dict
      returned: when the network belongs to the account of the credentials
      sample: {"team": "payments"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    describe_listed_resource,
    describe_resource,
    lattice_client,
    list_resources,
    normalize_resource,
    parse_lattice_arn,
    service_network_with_defaults,
)

KIND = "service_network"


def network_result(resource, tags):
    """The network as returned, with the account that owns it: another account's network is listed here when
    that account shares it with this one through AWS RAM (its tags are then left out: only its owner reads them)."""
    result = normalize_resource(service_network_with_defaults(resource), tags=tags)
    result["owner_account"] = parse_lattice_arn(resource["arn"])["account_id"]
    return result


def describe_one(client, identifier):
    resource, tags = describe_resource(client, KIND, identifier)
    if resource is None:
        return []
    return [network_result(resource, tags)]


def describe_listed(client, summary):
    """Describe a listed network in full (summaries lack authType and sharingConfig); None if it is gone."""
    resource, tags = describe_listed_resource(client, KIND, summary)
    return network_result(resource, tags) if resource else None


def describe_all(client):
    networks = (describe_listed(client, summary) for summary in list_resources(client, KIND))
    return [network for network in networks if network]


def main():
    argument_spec = dict(
        name=dict(type="str", aliases=["id", "arn", "identifier"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = lattice_client(module)
    try:
        if module.params.get("name"):
            service_networks = describe_one(client, module.params["name"])
        else:
            service_networks = describe_all(client)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, service_networks=service_networks)


if __name__ == "__main__":
    main()
