#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: target_group_info
version_added: 0.1.0
short_description: Gather information about Amazon VPC Lattice target groups
description:
  - Describe one Amazon VPC Lattice target group, found by name, ID or ARN, or every target group of the account,
    optionally only those of one VPC or of one type; each with its tags and its registered targets.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  name:
    description:
      - The name, ID (V(tg-...)) or ARN of the target group to describe.
      - When not set, every target group (that matches O(vpc) and O(type)) is described.
      - Matching no target group is not an error; RV(target_groups) is then empty.
    type: str
    aliases: ["id", "arn", "identifier"]
  vpc:
    description:
      - Only target groups of this VPC (V(vpc-...)). V(LAMBDA) target groups have no VPC.
    type: str
  type:
    description:
      - Only target groups of this type.
    type: str
    choices: ["INSTANCE", "IP", "LAMBDA", "ALB"]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe a target group by name
  lattice.mesh.target_group_info:
    name: orders
  register: result

- name: Describe a target group by ARN
  lattice.mesh.target_group_info:
    arn: arn:aws:vpc-lattice:eu-west-1:123456789012:targetgroup/tg-0123456789abcdef0

- name: List the IP target groups of a VPC
  lattice.mesh.target_group_info:
    vpc: vpc-0123456789abcdef0
    type: IP
  register: ip_groups

- name: Show the targets that are not healthy
  ansible.builtin.debug:
    msg: "{{ result.target_groups[0].targets | rejectattr('status', 'eq', 'HEALTHY') | list }}"
"""

RETURN = r"""
target_groups:
  description: The target groups found, each with its tags and targets.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The ARN of the target group.
      type: str
      returned: always
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:targetgroup/tg-0123456789abcdef0
    id:
      description: The ID of the target group.
      type: str
      returned: always
      sample: tg-0123456789abcdef0
    name:
      description: The name of the target group.
      type: str
      returned: always
      sample: orders
    type:
      description: The type of the targets (V(INSTANCE), V(IP), V(LAMBDA) or V(ALB)).
      type: str
      returned: always
      sample: IP
    status:
      description: The status of the target group.
      type: str
      returned: always
      sample: ACTIVE
    failure_code:
      description: Why the target group failed, when it did.
      type: str
      returned: when AWS reports one
    failure_message:
      description: AWS's explanation of RV(target_groups[].failure_code).
      type: str
      returned: when AWS reports one
    config:
      description:
        - How the target group reaches its targets (C(port), C(protocol), C(protocol_version), C(ip_address_type),
          C(vpc_identifier), C(lambda_event_structure_version), C(health_check)), as in the target_group module.
      type: dict
      returned: always
      sample:
        port: 8080
        protocol: HTTP
        protocol_version: HTTP1
        ip_address_type: IPV4
        vpc_identifier: vpc-0123456789abcdef0
        health_check:
          enabled: true
          path: /health
    service_arns:
      description: The ARNs of the services whose listeners or rules forward to the target group.
      type: list
      elements: str
      returned: always
      sample: []
    created_at:
      description: When the target group was created (ISO 8601).
      type: str
      returned: always
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the target group was last changed (ISO 8601).
      type: str
      returned: always
      sample: "2024-05-01T10:00:00.123000+00:00"
    tags:
      description: The tags of the target group.
      type: dict
      returned: always
      sample: {"team": "orders"}
    targets:
      description: The registered targets, sorted by ID and port.
      type: list
      elements: dict
      returned: always
      contains:
        id:
          description: The target (instance ID, IP address, Lambda function ARN or load balancer ARN).
          type: str
          sample: 10.0.1.10
        port:
          description: The port of the target; null for a Lambda target.
          type: int
          sample: 8080
        status:
          description: V(INITIAL), V(HEALTHY), V(UNHEALTHY), V(UNUSED), V(UNAVAILABLE) or V(DRAINING).
          type: str
          sample: HEALTHY
        reason_code:
          description: Why the target has its status, when AWS says; null otherwise.
          type: str
          sample: null
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    TARGET_GROUP_TYPES,
    AnsibleLatticeError,
    describe_each,
    describe_listed_resource,
    describe_resource,
    lattice_client,
    list_resources,
    list_targets,
    normalize_resource,
    targets_result,
)

KIND = "target_group"


def _matches(resource, vpc, group_type):
    config = resource.get("config") or {}
    return vpc in (None, config.get("vpcIdentifier")) and group_type in (None, resource.get("type"))


def _with_targets(client, resource, tags):
    """The result for one group, or None when it was deleted before its targets could be listed."""
    targets = list_targets(client, resource["id"])
    if targets is None:
        return None
    result = normalize_resource(resource, tags=tags)
    result["targets"] = targets_result(targets)
    return result


def describe_one(client, identifier, vpc, group_type):
    resource, tags = describe_resource(client, KIND, identifier)
    if resource is None or not _matches(resource, vpc, group_type):
        return []
    found = _with_targets(client, resource, tags)
    return [found] if found else []


def describe_listed(client, summary):
    """Describe a listed group in full (summaries lack the health check); None if it is gone."""
    resource, tags = describe_listed_resource(client, KIND, summary)
    return _with_targets(client, resource, tags) if resource else None


def describe_all(client, vpc, group_type):
    summaries = list_resources(client, KIND, vpcIdentifier=vpc, targetGroupType=group_type)
    return describe_each(lambda summary: describe_listed(client, summary), summaries)


def main():
    argument_spec = dict(
        name=dict(type="str", aliases=["id", "arn", "identifier"]),
        vpc=dict(type="str"),
        type=dict(type="str", choices=list(TARGET_GROUP_TYPES)),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = lattice_client(module)
    params = module.params
    try:
        if params.get("name"):
            target_groups = describe_one(client, params["name"], params.get("vpc"), params.get("type"))
        else:
            target_groups = describe_all(client, params.get("vpc"), params.get("type"))
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, target_groups=target_groups)


if __name__ == "__main__":
    main()
