#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: service_network
version_added: 0.1.0
short_description: Manage Amazon VPC Lattice service networks
description:
  - Create, update and delete Amazon VPC Lattice service networks.
  - A service network groups services and resource configurations; VPCs associated with it can reach them.
  - Service networks are synchronous in the VPC Lattice API, so there is nothing to wait for.
  - Options that are not set are left alone on an existing service network.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  name:
    description:
      - Name of the service network, 3 to 63 lowercase letters, digits and hyphens, not beginning or ending with a
        hyphen and without two hyphens in a row.
      - Names are unique per account and region.
      - An existing service network may also be given by its ID (V(sn-...)) or ARN, for example to delete it.
        A service network is created only from a name; an ID or ARN that matches nothing is an error.
    type: str
    required: true
  state:
    description:
      - Whether the service network should exist.
      - A service network can be deleted only once no VPC, service or resource configuration is associated with it;
        otherwise the module fails and lists the associations that remain.
    type: str
    choices: ["present", "absent"]
    default: "present"
  auth_type:
    description:
      - The type of IAM policy evaluation for the service network.
      - V(NONE) does not authenticate callers. V(AWS_IAM) requires an auth policy; with V(AWS_IAM) and no auth policy
        every request is denied.
      - Can be changed in place. When creating, AWS defaults to V(NONE).
    type: str
    choices: ["NONE", "AWS_IAM"]
  sharing_config:
    description:
      - How the service network may be shared with other accounts through AWS RAM.
      - Can only be set when the service network is created. Requesting a different value for an existing service
        network fails; to change it, delete the service network (O(state=absent)) and create it again.
      - When not set at creation, sharing is enabled (service networks could always be shared before this setting
        existed).
    type: dict
    suboptions:
      enabled:
        description:
          - Whether sharing of the service network is enabled.
        type: bool
        required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create a service network that requires IAM authentication
  lattice.mesh.service_network:
    name: payments
    auth_type: AWS_IAM
    tags:
      team: payments
  register: network

- name: Create a service network that can be shared through AWS RAM
  lattice.mesh.service_network:
    name: shared-platform
    sharing_config:
      enabled: true

- name: Add a tag without removing the other tags
  lattice.mesh.service_network:
    name: payments
    tags:
      cost-center: "4711"
    purge_tags: false

- name: Delete a service network by its ID
  lattice.mesh.service_network:
    name: "{{ network.service_network.id }}"
    state: absent

- name: Use the same connection settings for every module of the collection
  module_defaults:
    group/lattice.mesh.lattice:
      region: eu-west-1
  block:
    - name: Make sure the service network exists
      lattice.mesh.service_network:
        name: payments
"""

RETURN = r"""
service_network:
  description:
    - The service network, as VPC Lattice describes it, with its tags.
    - Empty when O(state=absent). In check mode, fields that only AWS can know (such as the ID and the ARN) are missing
      from a service network that would be created.
  returned: always
  type: complex
  contains:
    arn:
      description: The ARN of the service network.
      type: str
      returned: when the service network exists
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdef0
    id:
      description: The ID of the service network.
      type: str
      returned: when the service network exists
      sample: sn-0123456789abcdef0
    name:
      description: The name of the service network.
      type: str
      returned: when the service network exists
      sample: payments
    auth_type:
      description: The type of IAM policy evaluation.
      type: str
      returned: when the service network exists
      sample: AWS_IAM
    sharing_config:
      description: The sharing configuration of the service network.
      type: dict
      returned: when the service network exists
      contains:
        enabled:
          description: Whether sharing is enabled.
          type: bool
          returned: always
          sample: false
    created_at:
      description: When the service network was created (ISO 8601).
      type: str
      returned: when the service network exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the service network was last changed (ISO 8601).
      type: str
      returned: when the service network exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    number_of_associated_vpcs:
      description: How many VPCs are associated with the service network.
      type: int
      returned: when the service network exists
      sample: 2
    number_of_associated_services:
      description: How many services are associated with the service network.
      type: int
      returned: when the service network exists
      sample: 3
    tags:
      description: The tags of the service network.
      type: dict
      returned: when the service network exists
      sample: {"team": "payments"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    SERVICE_NETWORK_DEFAULTS,
    AnsibleLatticeError,
    changed_fields,
    classify_identifier,
    create_resource,
    delete_resource,
    describe_resource,
    ensure_tags,
    fail_on_immutable_changes,
    format_blockers,
    immutable_changes,
    lattice_client,
    merge_dicts,
    normalize_resource,
    read_back,
    service_network_blockers,
    service_network_with_defaults,
    tags_to_api,
    update_resource,
    validate_name,
    validate_tags,
)

KIND = "service_network"
OPTION_NAMES = {"authType": "auth_type", "sharingConfig": "sharing_config"}


def _sharing_config(params):
    config = params.get("sharing_config")
    if config is None:
        return None
    return {"enabled": config["enabled"]}


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    name = params["name"]
    if params["state"] == "present" and classify_identifier(KIND, name) == "name":
        problem = validate_name(KIND, name, field="name")
        if problem:
            return problem
    return validate_tags(params.get("tags"))


def describe_service_network(client, identifier):
    """``(resource, tags)`` of the service network ``identifier`` (name, ID or ARN), or ``(None, None)``."""
    resource, tags = describe_resource(client, KIND, identifier)
    return service_network_with_defaults(resource), tags


def _result(resource, tags):
    return normalize_resource(resource, tags=tags) if resource else {}


def create_service_network(client, params, check_mode):
    name = params["name"]
    if classify_identifier(KIND, name) != "name":
        raise AnsibleLatticeError(
            message=f"name: no service network has the ID or ARN {name}; to create a service network, give its name"
        )
    request = {
        "name": name,
        "authType": params.get("auth_type"),
        "sharingConfig": _sharing_config(params),
        "tags": tags_to_api(params.get("tags")),
    }
    if check_mode:
        predicted = merge_dicts(
            SERVICE_NETWORK_DEFAULTS, {key: value for key, value in request.items() if key != "tags"}
        )
        return True, _result(predicted, tags_to_api(params.get("tags")) or {})
    created = create_resource(client, KIND, **request)
    resource, tags = read_back(client, KIND, created["id"], tags=request["tags"] or {})
    return True, _result(service_network_with_defaults(resource), tags)


def update_service_network(client, resource, tags, params, check_mode):
    problems = immutable_changes(resource, {"sharingConfig": _sharing_config(params)}, SERVICE_NETWORK_DEFAULTS)
    fail_on_immutable_changes(
        KIND,
        f"'{resource['name']}' ({resource['id']})",
        problems,
        OPTION_NAMES,
        how_to_replace="to change it, replace the service network: delete it (state: absent; its associations must"
        " be removed first) and create it again with the new sharing_config, or create a new service network under"
        " another name and move the associations to it",
    )
    changed = False
    updates = changed_fields(resource, {"authType": params.get("auth_type")})
    if updates:
        changed = True
        if not check_mode:
            update_resource(client, KIND, resource["id"], **updates)
        resource = merge_dicts(resource, updates)

    tags_changed, new_tags = ensure_tags(
        client, resource["arn"], tags, params.get("tags"), params.get("purge_tags"), check_mode
    )
    changed |= tags_changed

    if changed and not check_mode:
        # What AWS now reports (lastUpdatedAt, counts) rather than what we predicted.
        resource, new_tags = read_back(client, KIND, resource["id"], tags=new_tags)
        resource = service_network_with_defaults(resource)
    return changed, _result(resource, new_tags)


def ensure_present(client, current, params, check_mode):
    """Make the service network match ``params``; ``(changed, service_network)``."""
    resource, tags = current
    if resource is None:
        return create_service_network(client, params, check_mode)
    return update_service_network(client, resource, tags, params, check_mode)


def ensure_absent(client, current, check_mode):
    """Delete the service network if it exists; ``(changed, {})``.

    Fails, listing them, while VPCs, services or resource configurations are associated with it
    (associations being deleted are waited out).
    """
    resource, dummy = current
    if resource is None:
        return False, {}
    network_id = resource["id"]
    subject = f"service network '{resource['name']}' ({network_id})"

    def blockers():
        return service_network_blockers(client, network_id)

    if check_mode:
        lasting = [blocker for blocker in blockers() if not blocker.in_progress]
        if lasting:
            raise AnsibleLatticeError(
                message=f"Cannot delete service network {network_id}: {format_blockers(subject, lasting)}"
            )
        return True, {}
    changed = delete_resource(client, KIND, network_id, describe_blockers=blockers, subject=subject)
    return changed, {}


def run_module(module, client):
    params = module.params
    problem = validate_params(params)
    if problem:
        module.fail_json(msg=problem)
    try:
        current = describe_service_network(client, params["name"])
        if params["state"] == "present":
            changed, service_network = ensure_present(client, current, params, module.check_mode)
        else:
            changed, service_network = ensure_absent(client, current, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(
        changed=changed,
        service_network=service_network,
        diff={"before": _result(*current), "after": service_network},
    )


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        auth_type=dict(type="str", choices=["NONE", "AWS_IAM"]),
        sharing_config=dict(type="dict", options=dict(enabled=dict(type="bool", required=True))),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, lattice_client(module))


if __name__ == "__main__":
    main()
