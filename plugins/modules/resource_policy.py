#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: resource_policy
version_added: 0.1.0
short_description: Manage the resource policy of an Amazon VPC Lattice service network or service
description:
  - Attach, replace and remove the resource-based policy of a VPC Lattice service network or service.
  - A resource policy grants other accounts or principals access to the resource itself, for example to associate
    their VPCs with a service network, or to associate a service with their service network.
  - Policies are compared as documents, not as text, so formatting, key order and single statements written
    as lists do not cause changes.
  - Resource policies are synchronous in the VPC Lattice API, so there is nothing to wait for.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  resource:
    description:
      - The service network or service the policy belongs to, by name, ID (V(sn-...), V(svc-...)) or ARN.
      - The policy calls of the API take the ARN; the module looks it up from a name or ID.
      - A name is looked up among both service networks and services unless O(resource_type) is set; a name that
        belongs to a service network and to a service fails and asks for O(resource_type).
    type: str
    required: true
  resource_type:
    description:
      - Whether O(resource) is a service network or a service.
      - Only needed when O(resource) is a name that a service network and a service share.
    type: str
    choices: ["service_network", "service"]
  policy:
    description:
      - The resource policy, as a dictionary or as JSON text. It must be a JSON object with a C(Statement).
      - It is sent as compact JSON and must be at most 10,000 characters long.
      - Required when O(state=present).
    type: json
  state:
    description:
      - Whether the resource should have this resource policy (V(present)) or none at all (V(absent)).
      - With V(absent), a O(resource) that does not exist has no policy either, so nothing changes.
    type: str
    choices: ["present", "absent"]
    default: "present"
notes:
  - Resource policies carry no tags.
  - Deleting a service network or service also deletes its resource policy.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let another account associate its VPCs with the service network
  lattice.mesh.resource_policy:
    resource: payments
    resource_type: service_network
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: AllowVpcAssociations
          Effect: Allow
          Principal:
            AWS: arn:aws:iam::210987654321:root
          Action:
            - vpc-lattice:CreateServiceNetworkVpcAssociation
            - vpc-lattice:GetServiceNetwork
          Resource: "{{ network.service_network.arn }}"

- name: Remove the resource policy of a service, by ID
  lattice.mesh.resource_policy:
    resource: svc-0123456789abcdef0
    state: absent
"""

RETURN = r"""
resource_policy:
  description:
    - The resource policy and the resource it belongs to.
    - Empty when O(state=absent).
  returned: always
  type: complex
  contains:
    policy:
      description: The policy document.
      type: dict
      returned: when the policy exists
      sample: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
               "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "vpc-lattice:GetServiceNetwork",
               "Resource": "*"}]}
    resource_id:
      description: The ID of the service network or service.
      type: str
      returned: when the policy exists
      sample: sn-0123456789abcdef0
    resource_arn:
      description: The ARN of the service network or service.
      type: str
      returned: when the policy exists
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdef0
    resource_type:
      description: Whether the resource is a service network or a service.
      type: str
      returned: when the policy exists
      sample: service_network
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    RESOURCE_POLICY_MAX_CHARS,
    AnsibleLatticeError,
    ensure_policy,
    find_policy_resource,
    get_policy,
    lattice_client,
    load_policy,
    missing_policy_resource,
    policy_result,
    remove_policy,
    validate_policy,
    validate_policy_resource,
)

POLICY_TYPE = "resource_policy"


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    problem = validate_policy_resource(params["resource"], params.get("resource_type"))
    if problem:
        return problem
    if params["state"] == "present":
        return validate_policy(params["policy"], max_chars=RESOURCE_POLICY_MAX_CHARS)
    return None


def ensure_present(client, kind, resource, current, params, check_mode):
    """Make ``policy`` the resource policy of ``resource``; ``(changed, resource_policy)``."""
    if resource is None:
        raise missing_policy_resource(params["resource"], params.get("resource_type"))
    return ensure_policy(client, POLICY_TYPE, kind, resource, current, load_policy(params["policy"]), check_mode)


def ensure_absent(client, resource, current, check_mode):
    """Remove the resource policy of ``resource`` if it has one; ``(changed, {})``. A missing resource has none."""
    return remove_policy(client, POLICY_TYPE, resource, current, check_mode), {}


def run_module(module, client):
    params = module.params
    problem = validate_params(params)
    if problem:
        module.fail_json(msg=problem)
    try:
        kind, resource = find_policy_resource(client, params["resource"], params.get("resource_type"))
        current = get_policy(client, POLICY_TYPE, resource) if resource else None
        if params["state"] == "present":
            changed, resource_policy = ensure_present(client, kind, resource, current, params, module.check_mode)
        else:
            changed, resource_policy = ensure_absent(client, resource, current, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(
        changed=changed,
        resource_policy=resource_policy,
        diff={"before": policy_result(kind, resource, current), "after": resource_policy},
    )


def main():
    argument_spec = dict(
        resource=dict(type="str", required=True),
        resource_type=dict(type="str", choices=["service_network", "service"]),
        policy=dict(type="json"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["policy"])],
        supports_check_mode=True,
    )
    run_module(module, lattice_client(module))


if __name__ == "__main__":
    main()
