#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: auth_policy
version_added: 0.1.0
short_description: Manage the auth policy of an Amazon VPC Lattice service network or service
description:
  - Attach, replace and remove the auth policy of a VPC Lattice service network or service.
  - An auth policy is an IAM policy document that VPC Lattice evaluates on every request, together with the caller's
    IAM policies, when the service network or service has the auth type V(AWS_IAM). While the auth type is V(NONE)
    the policy is kept but V(Inactive); the module then warns.
  - Policies are compared as documents, not as text, so formatting, key order and single statements written
    as lists do not cause changes.
  - Auth policies are synchronous in the VPC Lattice API, so there is nothing to wait for.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  resource:
    description:
      - The service network or service the policy belongs to, by name, ID (V(sn-...), V(svc-...)) or ARN.
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
      - The auth policy, as a dictionary or as JSON text. It must be a JSON object with a C(Statement).
      - It is sent as compact JSON (VPC Lattice refuses auth policies that contain newlines) and must fit the
        documented quota of 10 KB.
      - Required when O(state=present).
    type: json
  state:
    description:
      - Whether the resource should have this auth policy (V(present)) or none at all (V(absent)).
      - With V(absent), a O(resource) that does not exist has no policy either, so nothing changes.
    type: str
    choices: ["present", "absent"]
    default: "present"
notes:
  - Auth policies carry no tags.
  - Deleting a service network or service also deletes its auth policy.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Require IAM authentication on a service network
  lattice.mesh.service_network:
    name: payments
    auth_type: AWS_IAM

- name: Let principals of the organization invoke the services of the network
  lattice.mesh.auth_policy:
    resource: payments
    policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: vpc-lattice-svcs:Invoke
          Resource: "*"
          Condition:
            StringEquals:
              aws:PrincipalOrgID: o-abcdef0123

- name: Use a policy kept in a file, on a service that shares its name with a network
  lattice.mesh.auth_policy:
    resource: payments
    resource_type: service
    policy: "{{ lookup('ansible.builtin.file', 'payments-auth-policy.json') }}"

- name: Remove the auth policy of a service, by ARN
  lattice.mesh.auth_policy:
    resource: arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0
    state: absent
"""

RETURN = r"""
auth_policy:
  description:
    - The auth policy, as VPC Lattice reports it, and the resource it belongs to.
    - Empty when O(state=absent).
  returned: always
  type: complex
  contains:
    policy:
      description: The policy document.
      type: dict
      returned: when the policy exists
      sample: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
               "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]}
    state:
      description:
        - V(Active) while the resource's auth type is V(AWS_IAM), V(Inactive) while it is V(NONE).
      type: str
      returned: when the policy exists
      sample: Active
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
    created_at:
      description:
        - When the policy was first attached (ISO 8601).
        - Missing in check mode for a policy that would be added.
      type: str
      returned: when the policy exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description:
        - When the policy was last changed (ISO 8601).
        - Missing in check mode for a policy that would be added.
      type: str
      returned: when the policy exists
      sample: "2024-05-01T10:00:00.123000+00:00"
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AUTH_POLICY_MAX_BYTES,
    AnsibleLatticeError,
    describe_policy_resource,
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

POLICY_TYPE = "auth_policy"


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    problem = validate_policy_resource(params["resource"], params.get("resource_type"))
    if problem:
        return problem
    if params["state"] == "present":
        return validate_policy(params["policy"], max_bytes=AUTH_POLICY_MAX_BYTES)
    return None


def ensure_present(client, kind, resource, current, params, check_mode):
    """Make ``policy`` the auth policy of ``resource``; ``(changed, auth_policy)``."""
    if resource is None:
        raise missing_policy_resource(params["resource"], params.get("resource_type"))
    return ensure_policy(client, POLICY_TYPE, kind, resource, current, load_policy(params["policy"]), check_mode)


def ensure_absent(client, resource, current, check_mode):
    """Remove the auth policy of ``resource`` if it has one; ``(changed, {})``. A missing resource has none."""
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
            changed, auth_policy = ensure_present(client, kind, resource, current, params, module.check_mode)
        else:
            changed, auth_policy = ensure_absent(client, resource, current, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    if auth_policy.get("state") == "Inactive":
        module.warn(
            f"The auth policy of {describe_policy_resource(kind, resource)} is Inactive: its auth_type is NONE, so"
            " VPC Lattice does not evaluate it. Set auth_type to AWS_IAM on the resource to enforce the policy."
        )
    before = policy_result(kind, resource, current)
    module.exit_json(changed=changed, auth_policy=auth_policy, diff={"before": before, "after": auth_policy})


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
