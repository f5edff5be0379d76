#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: service_info
version_added: 0.1.0
short_description: Gather information about Amazon VPC Lattice services
description:
  - Describe one Amazon VPC Lattice service, found by name, ID or ARN, or every service the account can see (its
    own and those shared with it through AWS RAM).
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  name:
    description:
      - The name, ID (V(svc-...)) or ARN of the service to describe.
      - When not set, every service is described.
      - Matching no service is not an error; RV(services) is then empty.
    type: str
    aliases: ["id", "arn", "identifier"]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe a service by name
  lattice.mesh.service_info:
    name: orders
  register: result

- name: Describe a service by ARN
  lattice.mesh.service_info:
    arn: arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0

- name: List every service
  lattice.mesh.service_info:
  register: all_services

- name: Show the DNS entries of the services that require IAM authentication
  ansible.builtin.debug:
    msg: "{{ all_services.services | selectattr('auth_type', 'eq', 'AWS_IAM') | map(attribute='dns_entry') }}"
"""

RETURN = r"""
services:
  description: The services found, each with its tags.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The ARN of the service.
      type: str
      returned: always
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0
    id:
      description: The ID of the service.
      type: str
      returned: always
      sample: svc-0123456789abcdef0
    name:
      description: The name of the service.
      type: str
      returned: always
      sample: orders
    status:
      description: The status of the service.
      type: str
      returned: always
      sample: ACTIVE
    failure_code:
      description: Why the service failed, when its status is V(CREATE_FAILED) or V(DELETE_FAILED).
      type: str
      returned: when the service failed
    failure_message:
      description: A description of the failure, when its status is V(CREATE_FAILED) or V(DELETE_FAILED).
      type: str
      returned: when the service failed
    dns_entry:
      description: The domain name VPC Lattice generated for the service.
      type: dict
      returned: always
      contains:
        domain_name:
          description: The domain name of the service.
          type: str
          returned: always
          sample: orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-west-1.on.aws
        hosted_zone_id:
          description: The ID of the hosted zone of the domain name.
          type: str
          returned: always
          sample: Z03139531X0I3DJSM7D5Q
    custom_domain_name:
      description: The custom domain name of the service; V(null) when it has none.
      type: str
      returned: always
      sample: orders.example.com
    certificate_arn:
      description: The ARN of the certificate of the custom domain name; V(null) when there is none.
      type: str
      returned: always
      sample: arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-4567-89ef-0123-456789abcdef
    auth_type:
      description: The type of IAM policy evaluation.
      type: str
      returned: always
      sample: NONE
    idle_timeout_seconds:
      description: How many seconds a connection may stay idle before VPC Lattice closes it.
      type: int
      returned: always
      sample: 60
    created_at:
      description: When the service was created (ISO 8601).
      type: str
      returned: always
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the service was last changed (ISO 8601).
      type: str
      returned: always
      sample: "2024-05-01T10:00:00.123000+00:00"
    tags:
      description: The tags of the service.
      type: dict
      returned: always
      sample: {"team": "orders"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    describe_listed_resource,
    describe_resource,
    lattice_client,
    list_resources,
    normalize_resource,
    service_with_defaults,
)

KIND = "service"


def describe_one(client, identifier):
    resource, tags = describe_resource(client, KIND, identifier)
    if resource is None:
        return []
    return [normalize_resource(service_with_defaults(resource), tags=tags)]


def describe_listed(client, summary):
    """Describe a listed service in full (summaries lack authType, certificateArn and idleTimeoutSeconds);
    None if it is gone."""
    resource, tags = describe_listed_resource(client, KIND, summary)
    return normalize_resource(service_with_defaults(resource), tags=tags) if resource else None


def describe_all(client):
    services = (describe_listed(client, summary) for summary in list_resources(client, KIND))
    return [service for service in services if service]


def main():
    argument_spec = dict(
        name=dict(type="str", aliases=["id", "arn", "identifier"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = lattice_client(module)
    try:
        if module.params.get("name"):
            services = describe_one(client, module.params["name"])
        else:
            services = describe_all(client)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, services=services)


if __name__ == "__main__":
    main()
