#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: listener_rule_info
version_added: 0.1.0
short_description: Gather information about the rules of Amazon VPC Lattice listeners
description:
  - Describe one rule of an Amazon VPC Lattice listener, found by name, ID or ARN, or every rule of the listener,
    its default rule included (RV(rules[].is_default)).
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  service:
    description:
      - The service of the listener, by name, ID (V(svc-...)) or ARN.
    type: str
    required: true
  listener:
    description:
      - The listener whose rules to describe, by name, ID (V(listener-...)) or ARN.
      - A service or listener that does not exist has no rules; RV(rules) is then empty.
    type: str
    required: true
  name:
    description:
      - The name, ID (V(rule-...)) or ARN of the rule to describe.
      - When not set, every rule of the listener is described.
      - Matching no rule is not an error; RV(rules) is then empty.
    type: str
    aliases: ["id", "arn", "identifier"]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe one rule
  lattice.mesh.listener_rule_info:
    service: payments
    listener: https
    name: api-v2
  register: result

- name: Describe every rule of a listener
  lattice.mesh.listener_rule_info:
    service: payments
    listener: https
  register: all_rules

- name: Show the rules in the order they are tried
  ansible.builtin.debug:
    msg: "{{ all_rules.rules | rejectattr('is_default') | sort(attribute='priority') | map(attribute='name') }}"
"""

RETURN = r"""
rules:
  description: The rules found, each with its tags.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The ARN of the rule.
      type: str
      returned: always
      sample: "arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0/\
        listener/listener-0123456789abcdef0/rule/rule-0123456789abcdef0"
    id:
      description: The ID of the rule.
      type: str
      returned: always
      sample: rule-0123456789abcdef0
    name:
      description: The name of the rule.
      type: str
      returned: always
      sample: api-v2
    is_default:
      description: Whether this is the listener's default rule (whose action is the listener's default action).
      type: bool
      returned: always
      sample: false
    priority:
      description: The priority of the rule; the default rule has none.
      type: int
      returned: when the rule is not the default rule
      sample: 10
    match:
      description: The match of the rule (C(http_match)), as AWS returns it; the default rule has none.
      type: dict
      returned: when the rule is not the default rule
      sample: {"http_match": {"path_match": {"match": {"prefix": "/api/v2"}, "case_sensitive": true}}}
    action:
      description:
        - The action of the rule, C(forward.target_groups) (each with C(target_group_identifier) and C(weight)) or
          C(fixed_response.status_code).
      type: dict
      returned: always
      sample: {"fixed_response": {"status_code": 404}}
    created_at:
      description: When the rule was created (ISO 8601).
      type: str
      returned: always
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the rule was last changed (ISO 8601).
      type: str
      returned: always
      sample: "2024-05-01T10:00:00.123000+00:00"
    tags:
      description: The tags of the rule.
      type: dict
      returned: always
      sample: {"team": "payments"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    describe_resource,
    describe_rules,
    find_resource,
    lattice_client,
    normalize_rule,
)

KIND = "rule"


def describe_one(client, parents, identifier):
    resource, tags = describe_resource(client, KIND, identifier, parents=parents)
    if resource is None:
        return []
    return [normalize_rule(resource, tags)]


def find_parents(client, params):
    """``{"service": id, "listener": id}`` of the listener the options name, or None when either does not exist."""
    service = find_resource(client, "service", params["service"])
    if service is None:
        return None
    listener = find_resource(client, "listener", params["listener"], parents={"service": service["id"]})
    if listener is None:
        return None
    return {"service": service["id"], "listener": listener["id"]}


def main():
    argument_spec = dict(
        service=dict(type="str", required=True),
        listener=dict(type="str", required=True),
        name=dict(type="str", aliases=["id", "arn", "identifier"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = lattice_client(module)
    try:
        parents = find_parents(client, module.params)
        if parents is None:
            rules = []
        elif module.params.get("name"):
            rules = describe_one(client, parents, module.params["name"])
        else:
            rules = describe_rules(client, parents["service"], parents["listener"])
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, rules=rules)


if __name__ == "__main__":
    main()
