#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: service_network_vpc_association
version_added: 0.1.0
short_description: Associate VPCs with Amazon VPC Lattice service networks
description:
  - Create, update and delete the association of a VPC with an Amazon VPC Lattice service network, which lets the
    clients in the VPC reach the services and resources of the network.
  - The association is identified by the service network and the VPC. A VPC can be associated with one service network
    only; if it is associated with another one, the module fails before changing anything and names that network.
  - Security groups, private DNS and DNS options can change in place; the service network and the VPC cannot.
  - Associations are asynchronous; see O(wait).
  - An association whose creation failed (V(CREATE_FAILED)) is not repaired in place; the module fails with the reason
    AWS gives. Delete it (O(state=absent)) and run the module again to create it anew.
  - Options that are not set are left alone on an existing association.
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
  vpc_id:
    description:
      - The ID of the VPC (V(vpc-...)).
    type: str
    required: true
  state:
    description:
      - Whether the VPC should be associated with the service network.
      - With O(state=absent), a service network that does not exist, or a VPC associated with another service network,
        means there is no association to delete, which is not an error.
    type: str
    choices: ["present", "absent"]
    default: "present"
  security_group_ids:
    description:
      - The IDs of the security groups (V(sg-...)) of the association, at most 5, in the VPC. They decide which
        clients in the VPC may reach the service network.
      - Compared as a set; the order does not matter. The list replaces the security groups of the association.
      - An empty list creates an association without security groups. VPC Lattice cannot remove every security group
        from an association that has some (it must keep at least one); asking for that fails before any change.
        To remove them all, delete the association (O(state=absent)) and create it again without security groups.
    type: list
    elements: str
  private_dns_enabled:
    description:
      - Whether private DNS is enabled for the association.
      - Can be changed in place. When not set at creation, AWS decides.
      - Requires a botocore whose VPC Lattice model knows C(privateDnsEnabled); with an older botocore the module fails
        before any change, naming the option.
    type: bool
  dns_options:
    description:
      - Which private domains get a private hosted zone in the VPC. Used only with private DNS enabled.
      - Can be changed in place. The domains are compared as a set.
      - Requires a botocore whose VPC Lattice model knows C(dnsOptions); with an older botocore the module fails
        before any change, naming the option.
    type: dict
    suboptions:
      private_dns_preference:
        description:
          - V(ALL_DOMAINS) creates private hosted zones for all custom domain names, V(VERIFIED_DOMAINS_ONLY) only for
            verified ones.
          - V(VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS) and V(SPECIFIED_DOMAINS_ONLY) also (or only) for the domains in
            O(dns_options.private_dns_specified_domains), which they require.
        type: str
        required: true
        choices:
          - ALL_DOMAINS
          - VERIFIED_DOMAINS_ONLY
          - VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS
          - SPECIFIED_DOMAINS_ONLY
      private_dns_specified_domains:
        description:
          - The domains (1 to 10) to create private hosted zones for, with the preferences that take them.
        type: list
        elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - lattice.mesh.wait
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let the clients of a VPC reach the payments service network
  lattice.mesh.service_network_vpc_association:
    service_network: payments
    vpc_id: vpc-0123456789abcdef0
    security_group_ids:
      - sg-0123456789abcdef0
    tags:
      team: payments
  register: association

- name: Replace the security groups of the association
  lattice.mesh.service_network_vpc_association:
    service_network: payments
    vpc_id: vpc-0123456789abcdef0
    security_group_ids:
      - sg-0fedcba9876543210
      - sg-0123456789abcdef0

- name: Private hosted zones for verified domains and one more
  lattice.mesh.service_network_vpc_association:
    service_network: payments
    vpc_id: vpc-0123456789abcdef0
    private_dns_enabled: true
    dns_options:
      private_dns_preference: VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS
      private_dns_specified_domains:
        - internal.example.com

- name: Move a VPC to another service network, step 1 of 2
  lattice.mesh.service_network_vpc_association:
    service_network: payments
    vpc_id: vpc-0123456789abcdef0
    state: absent

- name: Move a VPC to another service network, step 2 of 2
  lattice.mesh.service_network_vpc_association:
    service_network: platform
    vpc_id: vpc-0123456789abcdef0
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
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetworkvpcassociation/snva-0123456789abcdef0
    id:
      description: The ID of the association.
      type: str
      returned: when the association exists
      sample: snva-0123456789abcdef0
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
    vpc_id:
      description: The ID of the VPC.
      type: str
      returned: when the association exists
      sample: vpc-0123456789abcdef0
    security_group_ids:
      description: The IDs of the security groups of the association.
      type: list
      elements: str
      returned: when the association exists
      sample: ["sg-0123456789abcdef0"]
    private_dns_enabled:
      description: Whether private DNS is enabled.
      type: bool
      returned: when AWS reports it
      sample: true
    dns_options:
      description: The DNS options of the association.
      type: dict
      returned: when AWS reports them
      contains:
        private_dns_preference:
          description: For which private domains private hosted zones are created.
          type: str
          returned: always
          sample: VERIFIED_DOMAINS_ONLY
        private_dns_specified_domains:
          description: The domains given for the preferences that take them.
          type: list
          elements: str
          returned: when set
          sample: ["internal.example.com"]
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
    last_updated_at:
      description: When the association was last changed (ISO 8601).
      type: str
      returned: when the association exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    failure_code:
      description: Why the association failed, when its status is V(CREATE_FAILED), V(UPDATE_FAILED) or
        V(DELETE_FAILED).
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
    describe_network_of,
    dns_options_differ,
    dns_options_to_api,
    ensure_tags,
    fail_if_failed,
    find_association_network,
    find_vpc_association,
    lattice_client,
    normalize_resource,
    own_status_blockers,
    read_back,
    security_groups_differ,
    tags_to_api,
    unsupported_request_fields,
    update_resource,
    validate_dns_options,
    validate_security_group_ids,
    validate_tags,
    validate_vpc_id,
    vpc_association_create_blockers,
    wait_for_deletion,
    wait_for_status,
    with_tags,
)

KIND = "service_network_vpc_association"
LABEL = "service network VPC association"
# Request fields that botocore learnt later than the rest of the API.
NEWER_FIELDS = {"private_dns_enabled": "privateDnsEnabled", "dns_options": "dnsOptions"}


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    if not params["service_network"].strip():
        return "service_network: give the name, ID or ARN of the service network"
    return (
        validate_vpc_id(params["vpc_id"])
        or validate_security_group_ids(params.get("security_group_ids"))
        or validate_dns_options(params.get("dns_options"), params.get("private_dns_enabled"))
        or validate_tags(params.get("tags"))
    )


def _result(resource, tags):
    return normalize_resource(resource, tags=tags) if resource else {}


def _subject(network, vpc_id):
    return f"VPC {vpc_id} and service network '{network['name']}' ({network['id']})"


def require_botocore_support(client, operation, options):
    """Fail before any change when the installed botocore cannot send ``options`` (keys of NEWER_FIELDS)."""
    missing = unsupported_request_fields(client, operation, {option: NEWER_FIELDS[option] for option in options})
    if missing:
        raise AnsibleLatticeError(
            message=f"{', '.join(missing)}: the installed botocore does not support this in {operation}; upgrade"
            " botocore (and boto3) or leave the option unset"
        )


def describe_association(client, network, vpc_id):
    """``((association, tags), elsewhere)``: the association of the VPC with the network (None when there is none;
    no tags while it is being deleted) and the VPC's live associations with other networks."""
    if network is None:
        return (None, None), []
    association, elsewhere = find_vpc_association(client, network["arn"], vpc_id)
    return with_tags(client, association), elsewhere


def _settled(client, association, params):
    """The association once it is ACTIVE (when waiting), else as it is; fails on *_FAILED with AWS's reason."""
    if params["wait"] and association["status"] != "ACTIVE":
        return wait_for_status(client, KIND, association["id"], timeout=params["wait_timeout"])
    return association


def fail_if_associated_elsewhere(network, vpc_id, elsewhere):
    if not elsewhere:
        return
    other = elsewhere[0]
    # Its ARN: the other network may be another account's, which only its ARN names.
    other_network = other.get("serviceNetworkArn") or other.get("serviceNetworkId")
    raise AnsibleLatticeError(
        message=f"vpc_id: VPC {vpc_id} is already associated with service network {describe_network_of(other)}"
        f" (association {other.get('id')}, {other.get('status')}), and a VPC can be associated with one service"
        f" network only. To move it to service network '{network['name']}', first remove that association"
        f" (lattice.mesh.service_network_vpc_association with service_network: {other_network},"
        f" vpc_id: {vpc_id}, state: absent), then run this task again"
    )


def create_association(client, network, params, check_mode):
    request = {
        # The ARN: a network another account shares with this one is found by ARN only.
        "serviceNetworkIdentifier": network["arn"],
        "vpcIdentifier": params["vpc_id"],
        "securityGroupIds": params.get("security_group_ids") or None,
        "privateDnsEnabled": params.get("private_dns_enabled"),
        "dnsOptions": dns_options_to_api(params.get("dns_options")),
    }
    set_options = [option for option in NEWER_FIELDS if params.get(option) is not None]
    require_botocore_support(client, "CreateServiceNetworkVpcAssociation", set_options)
    if check_mode:
        predicted = {
            "serviceNetworkId": network["id"],
            "serviceNetworkName": network["name"],
            "serviceNetworkArn": network["arn"],
            "vpcId": params["vpc_id"],
            "securityGroupIds": list(params.get("security_group_ids") or []),
            "privateDnsEnabled": request["privateDnsEnabled"],
            "dnsOptions": request["dnsOptions"],
        }
        predicted = {key: value for key, value in predicted.items() if value is not None}
        return True, _result(predicted, tags_to_api(params.get("tags")) or {})
    created = create_resource(
        client,
        KIND,
        describe_blockers=lambda: vpc_association_create_blockers(client, params["vpc_id"]),
        conflict_timeout=params["wait_timeout"],
        tags=tags_to_api(params.get("tags")),
        **request,
    )
    association, tags = read_back(client, KIND, created["id"], tags=tags_to_api(params.get("tags")) or {})
    return True, _result(_settled(client, association, params), tags)


def planned_updates(association, network, params):
    """The UpdateServiceNetworkVpcAssociation fields that differ from what is asked; fails (before any change) on
    what the API cannot do in place."""
    updates = {}
    current_groups = association.get("securityGroupIds") or []
    desired_groups = params.get("security_group_ids")
    if security_groups_differ(current_groups, desired_groups):
        if not desired_groups:
            raise AnsibleLatticeError(
                message=f"security_group_ids: the {LABEL} {association['id']} of {_subject(network, params['vpc_id'])}"
                f" has security groups ({', '.join(sorted(current_groups))}) and VPC Lattice cannot remove them all"
                " in place (an association that has security groups must keep at least one); to remove them all,"
                " delete the association (state: absent) and create it again without security_group_ids"
            )
        updates["securityGroupIds"] = list(desired_groups)
    private_dns = params.get("private_dns_enabled")
    if private_dns is not None and association.get("privateDnsEnabled") is not private_dns:
        updates["privateDnsEnabled"] = private_dns
    dns_options = dns_options_to_api(params.get("dns_options"))
    if dns_options_differ(association.get("dnsOptions"), dns_options):
        if updates.get("privateDnsEnabled", association.get("privateDnsEnabled")) is False:
            raise AnsibleLatticeError(
                message="dns_options: private DNS is disabled on the association; DNS options apply only with private"
                " DNS, so set private_dns_enabled to true as well"
            )
        updates["dnsOptions"] = dns_options
    return updates


def update_association(client, association, tags, network, params, check_mode):
    updates = planned_updates(association, network, params)
    changed_options = [option for option, field in NEWER_FIELDS.items() if field in updates]
    require_botocore_support(client, "UpdateServiceNetworkVpcAssociation", changed_options)
    association_id = association["id"]
    if updates and not check_mode:
        # Updating conflicts while an operation on the association is in progress: that is waited out.
        update_resource(
            client,
            KIND,
            association_id,
            describe_blockers=lambda: own_status_blockers(client, KIND, association_id),
            conflict_timeout=params["wait_timeout"],
            **updates,
        )
    tags_changed, tags = ensure_tags(
        client, association["arn"], tags, params.get("tags"), params.get("purge_tags"), check_mode
    )
    changed = bool(updates) or tags_changed
    if check_mode:
        return changed, _result(dict(association, **updates), tags)
    if updates:
        # What AWS now reports: UPDATE_IN_PROGRESS (then ACTIVE), lastUpdatedAt.
        association, dummy = read_back(client, KIND, association_id, tags=tags)
    return changed, _result(_settled(client, association, params), tags)


def ensure_present(client, network, current, elsewhere, params, check_mode):
    """Associate the VPC with the service network and make the association match ``params``;
    ``(changed, association)``."""
    if network is None:
        raise AnsibleLatticeError(message=f"service_network: no service network '{params['service_network']}' found")
    association, tags = current
    if absent_or_leaving(association):
        fail_if_associated_elsewhere(network, params["vpc_id"], elsewhere)
        return create_association(client, network, params, check_mode)
    fail_if_failed(LABEL, association, _subject(network, params["vpc_id"]))
    return update_association(client, association, tags, network, params, check_mode)


def ensure_absent(client, network, current, params, check_mode):
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
    # Deleting conflicts while the association is being created or updated: that conflict is waited out.
    delete_resource(
        client,
        KIND,
        association_id,
        describe_blockers=lambda: own_status_blockers(client, KIND, association_id),
        conflict_timeout=params["wait_timeout"],
        subject=f"{LABEL} {association_id} of {_subject(network, params['vpc_id'])}",
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
        network = find_association_network(client, params["service_network"], params["state"])
        current, elsewhere = describe_association(client, network, params["vpc_id"])
        if params["state"] == "present":
            changed, association = ensure_present(client, network, current, elsewhere, params, module.check_mode)
        else:
            changed, association = ensure_absent(client, network, current, params, module.check_mode)
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
        vpc_id=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        security_group_ids=dict(type="list", elements="str"),
        private_dns_enabled=dict(type="bool"),
        dns_options=dict(
            type="dict",
            options=dict(
                private_dns_preference=dict(
                    type="str",
                    required=True,
                    choices=[
                        "ALL_DOMAINS",
                        "VERIFIED_DOMAINS_ONLY",
                        "VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS",
                        "SPECIFIED_DOMAINS_ONLY",
                    ],
                ),
                private_dns_specified_domains=dict(type="list", elements="str"),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, lattice_client(module))


if __name__ == "__main__":
    main()
