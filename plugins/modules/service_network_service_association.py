#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: service_network_service_association
version_added: 0.1.0
short_description: Associate Amazon VPC Lattice services with service networks
description:
  - Create and delete the association of an Amazon VPC Lattice service with a service network, which makes the
    service reachable from the VPCs associated with the network.
  - The association of a service with a service network is identified by the two; a service can be associated with
    several service networks, and a service network with many services.
  - Apart from its tags, nothing about an association can change in place.
  - Associations are asynchronous; see O(wait).
  - An association whose creation failed (V(CREATE_FAILED)) is not repaired in place; the module fails with the reason
    AWS gives. Delete it (O(state=absent)) and run the module again to create it anew.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  service_network:
    description:
      - The service network, by name, ID (V(sn-...)) or ARN.
      - A service network another account shares with this one through AWS RAM is given by its ARN (AWS finds
        another account's resources by ARN only), or by its name when no other network visible to the account
        has that name.
      - With O(state=absent), a network given by ARN that the account may no longer read (its owner deleted it or
        stopped sharing it) still names the association to remove.
    type: str
    required: true
  service:
    description:
      - The service, by name, ID (V(svc-...)) or ARN.
      - A service another account shares with this one through AWS RAM is given by its ARN.
    type: str
    required: true
  state:
    description:
      - Whether the service should be associated with the service network.
      - With O(state=absent), a service network or service that does not exist means there is no association to
        delete, which is not an error.
      - A service can be deleted only once it is associated with no service network.
    type: str
    choices: ["present", "absent"]
    default: "present"
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - lattice.mesh.wait
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Make the orders service reachable through the payments service network
  lattice.mesh.service_network_service_association:
    service_network: payments
    service: orders
    tags:
      team: payments
  register: association

- name: Associate a service with a service network shared from another account
  lattice.mesh.service_network_service_association:
    service_network: arn:aws:vpc-lattice:eu-west-1:210987654321:servicenetwork/sn-0123456789abcdef0
    service: svc-0123456789abcdef0

- name: Start the association and do not wait for it to become active
  lattice.mesh.service_network_service_association:
    service_network: payments
    service: orders
    wait: false

- name: Remove the service from the service network
  lattice.mesh.service_network_service_association:
    service_network: payments
    service: orders
    state: absent
"""

RETURN = r"""
association:
  description:
    - The association, as VPC Lattice describes it, with its tags.
    - Empty when O(state=absent). In check mode, fields that only AWS can know (such as the ID, the ARN and the
      status) are missing from an association that would be created.
  returned: always
  type: complex
  contains:
    arn:
      description: The ARN of the association.
      type: str
      returned: when the association exists
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetworkserviceassociation/snsa-0123456789abcdef0
    id:
      description: The ID of the association.
      type: str
      returned: when the association exists
      sample: snsa-0123456789abcdef0
    status:
      description: The status of the association.
      type: str
      returned: when the association exists
      sample: ACTIVE
    service_network_id:
      description: The ID of the service network.
      type: str
      returned: when the association exists
      sample: sn-0123456789abcdef0
    service_network_name:
      description: The name of the service network.
      type: str
      returned: when the association exists
      sample: payments
    service_network_arn:
      description: The ARN of the service network.
      type: str
      returned: when the association exists
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdef0
    service_id:
      description: The ID of the service.
      type: str
      returned: when the association exists
      sample: svc-0123456789abcdef0
    service_name:
      description: The name of the service.
      type: str
      returned: when the association exists
      sample: orders
    service_arn:
      description: The ARN of the service.
      type: str
      returned: when the association exists
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0
    dns_entry:
      description: The DNS name by which clients in the associated VPCs reach the service.
      type: dict
      returned: when AWS reports it
      contains:
        domain_name:
          description: The domain name of the service.
          type: str
          returned: always
          sample: orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-west-1.on.aws
        hosted_zone_id:
          description: The ID of the hosted zone.
          type: str
          returned: always
          sample: Z0123456789ABCDEFGHIJ
    custom_domain_name:
      description: The custom domain name of the service.
      type: str
      returned: when the service has one
      sample: orders.example.com
    created_by:
      description: The account that created the association.
      type: str
      returned: when the association exists
      sample: "123456789012"
    created_at:
      description: When the association was created (ISO 8601).
      type: str
      returned: when the association exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    failure_code:
      description: Why the association failed, when its status is V(CREATE_FAILED) or V(DELETE_FAILED).
      type: str
      returned: when the association failed
    failure_message:
      description: AWS's explanation of the failure.
      type: str
      returned: when the association failed
    tags:
      description: The tags of the association.
      type: dict
      returned: when the association exists
      sample: {"team": "payments"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    absent_or_leaving,
    create_resource,
    delete_resource,
    ensure_tags,
    fail_if_failed,
    find_association_network,
    find_resource,
    find_service_association,
    lattice_client,
    normalize_resource,
    own_status_blockers,
    read_back,
    service_association_create_blockers,
    tags_to_api,
    validate_tags,
    wait_for_deletion,
    wait_for_status,
    with_tags,
)

KIND = "service_network_service_association"
LABEL = "service network service association"


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    for option in ("service_network", "service"):
        if not params[option].strip():
            return f"{option}: give the name, ID or ARN of the {option.replace('_', ' ')}"
    return validate_tags(params.get("tags"))


def _result(resource, tags):
    return normalize_resource(resource, tags=tags) if resource else {}


def _subject(network, service):
    return f"service '{service['name']}' ({service['id']}) and service network '{network['name']}' ({network['id']})"


def resolve(client, params):
    """``(network, service)``: the Get* answers for the options; either is None when it does not exist."""
    network = find_association_network(client, params["service_network"], params["state"])
    service = find_resource(client, "service", params["service"]) if network else None
    return network, service


def describe_association(client, network, service):
    """``(association, tags)`` of the pair, or ``(None, None)``; an association being deleted has no tags."""
    if not network or not service:
        return None, None
    return with_tags(client, find_service_association(client, network["arn"], service["arn"]))


def _settled(client, association, params):
    """The association once it is ACTIVE (when waiting), else as it is; fails on CREATE_FAILED with AWS's reason."""
    if params["wait"] and association["status"] != "ACTIVE":
        return wait_for_status(client, KIND, association["id"], timeout=params["wait_timeout"])
    return association


def create_association(client, network, service, params, check_mode):
    if check_mode:
        predicted = {
            "serviceNetworkId": network["id"],
            "serviceNetworkName": network["name"],
            "serviceNetworkArn": network["arn"],
            "serviceId": service["id"],
            "serviceName": service["name"],
            "serviceArn": service["arn"],
            "dnsEntry": service.get("dnsEntry"),
            "customDomainName": service.get("customDomainName"),
        }
        predicted = {key: value for key, value in predicted.items() if value is not None}
        return True, _result(predicted, tags_to_api(params.get("tags")) or {})
    created = create_resource(
        client,
        KIND,
        describe_blockers=lambda: service_association_create_blockers(client, network["arn"], service["arn"]),
        conflict_timeout=params["wait_timeout"],
        # ARNs: a network (or service) another account shares with this one is found by ARN only.
        serviceNetworkIdentifier=network["arn"],
        serviceIdentifier=service["arn"],
        tags=tags_to_api(params.get("tags")),
    )
    association, tags = read_back(client, KIND, created["id"], tags=tags_to_api(params.get("tags")) or {})
    return True, _result(_settled(client, association, params), tags)


def ensure_present(client, network, service, current, params, check_mode):
    """Associate the service with the service network and set the tags; ``(changed, association)``."""
    if network is None:
        raise AnsibleLatticeError(message=f"service_network: no service network '{params['service_network']}' found")
    if service is None:
        raise AnsibleLatticeError(
            message=f"service: no service '{params['service']}' found; create it first (lattice.mesh.service)"
        )
    association, tags = current
    if absent_or_leaving(association):
        return create_association(client, network, service, params, check_mode)
    fail_if_failed(LABEL, association, _subject(network, service))
    changed, tags = ensure_tags(
        client, association["arn"], tags, params.get("tags"), params.get("purge_tags"), check_mode
    )
    if not check_mode:
        association = _settled(client, association, params)
    return changed, _result(association, tags)


def ensure_absent(client, network, service, current, params, check_mode):
    """Remove the association if there is one; ``(changed, {})``."""
    association, dummy = current
    if association is None:
        return False, {}
    association_id = association["id"]
    if absent_or_leaving(association):
        # Someone else is deleting it: nothing to change; with wait, let it finish as our own deletion would.
        if params["wait"] and not check_mode:
            wait_for_deletion(client, KIND, association_id, timeout=params["wait_timeout"])
        return False, {}
    if check_mode:
        return True, {}
    # Deleting conflicts while the association is being created: that conflict is waited out.
    delete_resource(
        client,
        KIND,
        association_id,
        describe_blockers=lambda: own_status_blockers(client, KIND, association_id),
        conflict_timeout=params["wait_timeout"],
        subject=f"{LABEL} {association_id} of {_subject(network, service)}",
    )
    if params["wait"]:
        wait_for_deletion(client, KIND, association_id, timeout=params["wait_timeout"])
    return True, {}


def run_module(module, client):
    params = module.params
    problem = validate_params(params)
    if problem:
        module.fail_json(msg=problem)
    current = (None, None)
    try:
        network, service = resolve(client, params)
        current = describe_association(client, network, service)
        if params["state"] == "present":
            changed, association = ensure_present(client, network, service, current, params, module.check_mode)
        else:
            changed, association = ensure_absent(client, network, service, current, params, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(
        changed=changed,
        association=association,
        diff={"before": {} if absent_or_leaving(current[0]) else _result(*current), "after": association},
    )


def main():
    argument_spec = dict(
        service_network=dict(type="str", required=True),
        service=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, lattice_client(module))


if __name__ == "__main__":
    main()
