#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: listener_info
version_added: 0.1.0
short_description: Gather information about the listeners of Amazon VPC Lattice services
description:
  - Describe one listener of an Amazon VPC Lattice service, found by name, ID or ARN, every listener of the service,
    or every listener of every service of the account and region (one task instead of one per service).
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  service:
    description:
      - The service whose listeners to describe, by name, ID (V(svc-...)) or ARN.
      - A service that does not exist has no listeners; RV(listeners) is then empty.
      - When not set, the listeners of every service of the account and region are described; services that
        another account shares with this one are left out (their listeners are their owner's to read).
    type: str
  name:
    description:
      - The name, ID (V(listener-...)) or ARN of the listener to describe.
      - When not set, every listener of the service is described. Requires O(service).
      - Matching no listener is not an error; RV(listeners) is then empty.
    type: str
    aliases: ["id", "arn", "identifier"]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe one listener
  lattice.mesh.listener_info:
    service: payments
    name: https
  register: result

- name: Describe every listener of a service
  lattice.mesh.listener_info:
    service: svc-0123456789abcdef0
  register: all_listeners

- name: Describe the listeners of every service, by service name
  lattice.mesh.listener_info:
  register: every_listener

- name: Show the listener names of each service
  ansible.builtin.debug:
    msg: "{{ every_listener.listeners | groupby('service_name') | map('first') }}"

- name: Show the ports the service listens on
  ansible.builtin.debug:
    msg: "{{ all_listeners.listeners | map(attribute='port') }}"
"""

RETURN = r"""
listeners:
  description: The listeners found, each with its tags.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The ARN of the listener.
      type: str
      returned: always
      sample: "arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0/\
        listener/listener-0123456789abcdef0"
    id:
      description: The ID of the listener.
      type: str
      returned: always
      sample: listener-0123456789abcdef0
    name:
      description: The name of the listener.
      type: str
      returned: always
      sample: https
    service_id:
      description: The ID of the service.
      type: str
      returned: always
      sample: svc-0123456789abcdef0
    service_name:
      description: The name of the service.
      type: str
      returned: always
      sample: payments
    service_arn:
      description: The ARN of the service.
      type: str
      returned: always
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0
    protocol:
      description: The protocol of the listener.
      type: str
      returned: always
      sample: HTTPS
    port:
      description: The port of the listener.
      type: int
      returned: always
      sample: 443
    default_action:
      description:
        - The action of the listener's default rule, with C(forward.target_groups) (each with
          C(target_group_identifier) and C(weight)) or C(fixed_response.status_code).
      type: dict
      returned: always
      sample: {"forward": {"target_groups": [{"target_group_identifier": "tg-0123456789abcdef0", "weight": 100}]}}
    created_at:
      description: When the listener was created (ISO 8601).
      type: str
      returned: always
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the listener was last changed (ISO 8601).
      type: str
      returned: always
      sample: "2024-05-01T10:00:00.123000+00:00"
    tags:
      description: The tags of the listener.
      type: dict
      returned: always
      sample: {"team": "payments"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    describe_each,
    describe_listeners,
    describe_resource,
    find_resource,
    lattice_client,
    list_resources,
    normalize_resource,
    readable_by_owner_only,
)

KIND = "listener"


def describe_one(client, service, identifier):
    resource, tags = describe_resource(client, KIND, identifier, parents={"service": service["id"]})
    if resource is None:
        return []
    return [dict(normalize_resource(resource, tags=tags), service_name=service["name"])]


def describe_every_service(client):
    """The listeners of every service listed, the services read in parallel. A service that another account
    shares with this one is listed too, but its listeners are its owner's: listing them by the service's ARN is
    AccessDenied, and the service is left out (as is one deleted meanwhile)."""

    def listeners_of(service):
        return readable_by_owner_only(lambda: describe_listeners(client, service))

    every_service = describe_each(listeners_of, list_resources(client, "service"))
    return [listener for listeners in every_service for listener in listeners]


def describe(client, params):
    """The listeners the parameters ask for: one, every one of a service, or those of every service."""
    if not params.get("service"):
        return describe_every_service(client)
    service = find_resource(client, "service", params["service"])
    if service is None:
        return []
    if params.get("name"):
        return describe_one(client, service, params["name"])
    return describe_listeners(client, service)


def main():
    argument_spec = dict(
        service=dict(type="str"),
        name=dict(type="str", aliases=["id", "arn", "identifier"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, required_by={"name": "service"}, supports_check_mode=True)
    client = lattice_client(module)
    try:
        listeners = describe(client, module.params)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, listeners=listeners)


if __name__ == "__main__":
    main()
