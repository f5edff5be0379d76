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
  - With the O(include_listeners), O(include_rules), O(include_associations) and O(include_auth_policy) options,
    each service is read whole in one task (what a playbook needs to compare a deployed service with its
    declaration); the services are then read in parallel.
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
  include_listeners:
    description:
      - Also return each service's listeners (RV(services[].listeners)), as M(lattice.mesh.listener_info) does.
    type: bool
    default: false
  include_rules:
    description:
      - Also return the rules of each listener (its V(rules) in RV(services[].listeners)), as
        M(lattice.mesh.listener_rule_info) does, except the default rule, which comes as ListRules lists it (its
        action is the listener's V(default_action); it has no V(tags) here).
      - Requires O(include_listeners=true).
    type: bool
    default: false
  include_associations:
    description:
      - Also return each service's service network associations (RV(services[].service_network_associations)).
    type: bool
    default: false
  include_auth_policy:
    description:
      - Also return each service's auth policy (RV(services[].auth_policy)).
    type: bool
    default: false
notes:
  - The listeners and auth policy of a service that another account shares with this one are its owner's, which AWS
    does not let this account read; for such a service the V(listeners) and V(auth_policy) keys are left out (its
    V(service_network_associations) are this account's associations with it).
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

- name: Read every service whole, to compare it with a declaration
  lattice.mesh.service_info:
    include_listeners: true
    include_rules: true
    include_associations: true
    include_auth_policy: true
  register: deployed

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
    listeners:
      description:
        - The listeners of the service, each as M(lattice.mesh.listener_info) returns it (with V(service_name)).
        - With O(include_rules=true), each listener has V(rules), as M(lattice.mesh.listener_rule_info) returns them.
      type: list
      elements: dict
      returned: with O(include_listeners=true), for the services of this account (not those shared with it)
    service_network_associations:
      description:
        - The service's associations with service networks (ListServiceNetworkServiceAssociations, snake_cased),
          each with its V(tags); an association being deleted has none (V(null)).
      type: list
      elements: dict
      returned: with O(include_associations=true)
      sample:
        - id: snsa-0123456789abcdef0
          arn: arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetworkserviceassociation/snsa-0123456789abcdef0
          status: ACTIVE
          service_network_id: sn-0123456789abcdef0
          service_network_name: shop
          tags: {"Name": "orders-association"}
    auth_policy:
      description: The service's auth policy document; V(null) when it has none.
      type: dict
      returned: with O(include_auth_policy=true), for the services of this account (not those shared with it)
      sample:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {"AWS": ["arn:aws:iam::123456789012:role/orders-client"]}
            Action: vpc-lattice-svcs:Invoke
            Resource: ["arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    describe_auth_policy,
    describe_each,
    describe_listed_resource,
    describe_listeners,
    describe_resource,
    describe_service_associations,
    lattice_client,
    list_resources,
    normalize_resource,
    readable_by_owner_only,
    service_with_defaults,
)

KIND = "service"

# What a read of another account's service detail gives (its owner's, which AWS does not let us read).
UNREADABLE = object()


def detail_reads(client, service, params):
    """Result key -> read, for the details of ``service`` (a Get answer) the include_* options ask for."""
    reads = {}
    if params["include_listeners"]:
        reads["listeners"] = lambda: describe_listeners(client, service, with_rules=params["include_rules"])
    if params["include_associations"]:
        reads["service_network_associations"] = lambda: describe_service_associations(client, service)
    if params["include_auth_policy"]:
        reads["auth_policy"] = lambda: describe_auth_policy(client, service)
    return reads


def with_details(client, resource, tags, params):
    """The result for one service, with the details the include_* options ask for that this account may read."""
    result = normalize_resource(service_with_defaults(resource), tags=tags)
    for key, read in detail_reads(client, resource, params).items():
        detail = readable_by_owner_only(read, unreadable=UNREADABLE)
        if detail is not UNREADABLE:
            result[key] = detail
    return result


def describe_one(client, identifier, params):
    resource, tags = describe_resource(client, KIND, identifier)
    if resource is None:
        return []
    return [with_details(client, resource, tags, params)]


def describe_listed(client, summary, params):
    """Describe a listed service in full (summaries lack authType, certificateArn and idleTimeoutSeconds);
    None if it is gone."""
    resource, tags = describe_listed_resource(client, KIND, summary)
    return with_details(client, resource, tags, params) if resource else None


def describe_all(client, params):
    return describe_each(lambda summary: describe_listed(client, summary, params), list_resources(client, KIND))


def main():
    argument_spec = dict(
        name=dict(type="str", aliases=["id", "arn", "identifier"]),
        include_listeners=dict(type="bool", default=False),
        include_rules=dict(type="bool", default=False),
        include_associations=dict(type="bool", default=False),
        include_auth_policy=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("include_rules", True, ["include_listeners"])],
        supports_check_mode=True,
    )
    client = lattice_client(module)
    try:
        if module.params.get("name"):
            services = describe_one(client, module.params["name"], module.params)
        else:
            services = describe_all(client, module.params)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, services=services)


if __name__ == "__main__":
    main()
