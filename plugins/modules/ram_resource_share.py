#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ram_resource_share
version_added: 0.2.0
short_description: Manage AWS RAM resource shares of VPC Lattice service networks and services
description:
  - Create, update and delete an AWS Resource Access Manager (RAM) resource share, the resources it shares (such as
    VPC Lattice service networks and services) and the principals it shares them with.
  - An account outside the sharer's AWS Organization (or any account while sharing with the organization is not
    enabled) receives an invitation, which it accepts with M(lattice.mesh.ram_resource_share_invitation); until
    then its association stays C(ASSOCIATING).
  - Options that are not set are left alone on an existing share.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  name:
    description:
      - Name of the resource share.
      - RAM does not make names unique. The module manages the one share of the account with this name (deleted
        shares do not count); when several have it, give O(arn).
    type: str
    required: true
  arn:
    description:
      - ARN of an existing resource share to manage; with it, O(name) renames the share.
    type: str
  state:
    description:
      - Whether the resource share should exist.
    type: str
    choices: ["present", "absent"]
    default: "present"
  resource_arns:
    description:
      - ARNs of the resources to share, for example VPC Lattice service networks and services of this account.
      - When not set, the resources of an existing share are left alone.
    type: list
    elements: str
  purge_resources:
    description:
      - Whether resources of the share that O(resource_arns) does not list are removed from it.
    type: bool
    default: true
  principals:
    description:
      - Who the resources are shared with, each a 12-digit AWS account ID (quote it so YAML keeps it a string),
        an organization ARN or an organizational unit ARN.
      - When not set, the principals of an existing share are left alone.
    type: list
    elements: str
  purge_principals:
    description:
      - Whether principals of the share that O(principals) does not list are removed from it.
    type: bool
    default: true
  allow_external_principals:
    description:
      - Whether accounts outside the sharer's AWS Organization may be principals of the share.
      - Can be changed in place. When creating, AWS defaults to V(true).
    type: bool
  wait:
    description:
      - Wait until resources and principals added or removed have finished associating or disassociating.
      - Accounts that must accept an invitation are not waited for.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait.
    type: int
    default: 300
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Share a service network with a consumer account and the whole organization
  lattice.mesh.ram_resource_share:
    name: platform-network
    resource_arns:
      - "{{ network.service_network.arn }}"
    principals:
      - "210987654321"
      - arn:aws:organizations::111122223333:organization/o-exampleorgid
    allow_external_principals: true
    tags:
      team: platform
  register: share

- name: Add one more account without removing the others
  lattice.mesh.ram_resource_share:
    name: platform-network
    principals:
      - "444455556666"
    purge_principals: false

- name: Stop sharing
  lattice.mesh.ram_resource_share:
    name: platform-network
    state: absent
"""

RETURN = r"""
resource_share:
  description:
    - The resource share, as RAM describes it, with its tags, resources and principals.
    - Empty when O(state=absent). In check mode, fields only AWS knows (such as the ARN) are missing from a share
      that would be created.
  returned: always
  type: complex
  contains:
    resource_share_arn:
      description: The ARN of the resource share.
      type: str
      returned: when the share exists
      sample: arn:aws:ram:eu-west-1:123456789012:resource-share/7ab63972-b505-7e2a-420d-6f5d3EXAMPLE
    name:
      description: The name of the resource share.
      type: str
      returned: always
      sample: platform-network
    owning_account_id:
      description: The account that owns the share.
      type: str
      returned: when the share exists
      sample: "123456789012"
    allow_external_principals:
      description: Whether accounts outside the organization may be principals.
      type: bool
      returned: always
      sample: true
    status:
      description: The status of the share.
      type: str
      returned: when the share exists
      sample: ACTIVE
    feature_set:
      description: How the share was created (C(STANDARD) for shares made through the API).
      type: str
      returned: when the share exists
      sample: STANDARD
    creation_time:
      description: When the share was created (ISO 8601).
      type: str
      returned: when the share exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_time:
      description: When the share was last changed (ISO 8601).
      type: str
      returned: when the share exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    resource_arns:
      description: The resources associated (or being associated) with the share.
      type: list
      elements: str
      returned: always
      sample: ["arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdef0"]
    principals:
      description: The principals associated (or being associated) with the share.
      type: list
      elements: str
      returned: always
      sample: ["210987654321"]
    associations:
      description:
        - The associations of those resources and principals; an external account that has not accepted its
          invitation yet is C(ASSOCIATING).
      type: list
      elements: dict
      returned: always
      contains:
        associated_entity:
          description: The resource ARN or principal.
          type: str
          sample: "210987654321"
        association_type:
          description: C(RESOURCE) or C(PRINCIPAL).
          type: str
          sample: PRINCIPAL
        status:
          description: The status of the association.
          type: str
          sample: ASSOCIATED
        external:
          description: Whether the principal is outside the sharer's organization.
          type: bool
          sample: true
    tags:
      description: The tags of the share.
      type: dict
      returned: always
      sample: {"team": "platform"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.ram import (
    associations_of,
    call,
    describe_share,
    find_one_share,
    ram_client,
    share_result,
    tags_from_api,
    tags_to_api,
    validate_principals,
    validate_resource_arns,
    validate_share_arn,
    wait_for_associations,
)
from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    apply_tag_changes,
    new_client_token,
    tag_changes,
    validate_tags,
)


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    return (
        validate_share_arn(params.get("arn"), "arn")
        or validate_resource_arns(params.get("resource_arns"))
        or validate_principals(params.get("principals"))
        or validate_tags(params.get("tags"))
    )


def _membership_changes(current, desired, purge):
    """``(to_add, to_remove)`` for a list option; ``desired=None`` leaves the members alone."""
    if desired is None:
        return [], []
    desired = list(dict.fromkeys(str(item) for item in desired))
    to_add = [item for item in desired if item not in current]
    to_remove = sorted(item for item in current if item not in desired) if purge else []
    return to_add, to_remove


def _predicted_associations(associations, to_add, to_remove, association_type):
    kept = [a for a in associations if a["associatedEntity"] not in to_remove]
    added = [
        {"associatedEntity": entity, "associationType": association_type, "status": "ASSOCIATING"} for entity in to_add
    ]
    return kept + added


def _wanted_statuses(associations, added, removed):
    """What to wait for: added entities ASSOCIATED (external accounts excepted: they have to accept), removed
    ones DISASSOCIATED."""
    external = {a["associatedEntity"] for a in associations if a.get("external")}
    wanted = {entity: "ASSOCIATED" for entity in added if entity not in external}
    wanted.update({entity: "DISASSOCIATED" for entity in removed})
    return wanted


def create_share(client, params, check_mode):
    request = {"name": params["name"]}
    if params.get("resource_arns"):
        request["resourceArns"] = list(dict.fromkeys(params["resource_arns"]))
    if params.get("principals"):
        request["principals"] = list(dict.fromkeys(str(p) for p in params["principals"]))
    if params.get("tags"):
        request["tags"] = tags_to_api(apply_tag_changes({}, *tag_changes({}, params["tags"])))
    if params.get("allow_external_principals") is not None:
        request["allowExternalPrincipals"] = params["allow_external_principals"]
    if check_mode:
        predicted = {
            "name": params["name"],
            "allowExternalPrincipals": request.get("allowExternalPrincipals", True),
            "tags": request.get("tags", []),
        }
        associations = _predicted_associations([], request.get("resourceArns", []), [], "RESOURCE")
        associations += _predicted_associations([], request.get("principals", []), [], "PRINCIPAL")
        return True, share_result(predicted, associations)
    share = call(
        f"create resource share {params['name']}",
        client.create_resource_share,
        clientToken=new_client_token(),
        aws_retry=True,
        **request,
    )["resourceShare"]
    if params["wait"]:
        arn = share["resourceShareArn"]
        associations = associations_of(client, arn, "RESOURCE") + associations_of(client, arn, "PRINCIPAL")
        added = request.get("resourceArns", []) + request.get("principals", [])
        wait_for_associations(client, arn, _wanted_statuses(associations, added, []), params["wait_timeout"])
    return True, describe_share(client, _reread(client, share["resourceShareArn"]))


def _reread(client, arn):
    share = find_one_share(client, arn=arn)
    if share is None:
        raise AnsibleLatticeError(message=f"Resource share {arn} disappeared while it was being changed")
    return share


def update_share(client, share, params, check_mode):
    arn = share["resourceShareArn"]
    associations = []
    for association_type in ("RESOURCE", "PRINCIPAL"):
        associations += associations_of(client, arn, association_type)
    resources = [a["associatedEntity"] for a in associations if a["associationType"] == "RESOURCE"]
    principals = [a["associatedEntity"] for a in associations if a["associationType"] == "PRINCIPAL"]
    add_resources, remove_resources = _membership_changes(
        resources, params.get("resource_arns"), params["purge_resources"]
    )
    add_principals, remove_principals = _membership_changes(
        principals, params.get("principals"), params["purge_principals"]
    )
    updates = {}
    if params.get("arn") and params["name"] != share["name"]:
        updates["name"] = params["name"]
    allow_external = params.get("allow_external_principals")
    if allow_external is not None and allow_external != share["allowExternalPrincipals"]:
        updates["allowExternalPrincipals"] = allow_external
    current_tags = tags_from_api(share.get("tags"))
    tags_to_set, tags_to_unset = tag_changes(current_tags, params.get("tags"), params["purge_tags"])

    changed = bool(
        updates
        or add_resources
        or remove_resources
        or add_principals
        or remove_principals
        or tags_to_set
        or tags_to_unset
    )
    if not changed:
        return False, share_result(share, associations)
    if check_mode:
        predicted = dict(share, **updates)
        predicted["tags"] = tags_to_api(apply_tag_changes(current_tags, tags_to_set, tags_to_unset))
        predicted_associations = _predicted_associations(
            [a for a in associations if a["associationType"] == "RESOURCE"], add_resources, remove_resources, "RESOURCE"
        )
        predicted_associations += _predicted_associations(
            [a for a in associations if a["associationType"] == "PRINCIPAL"],
            add_principals,
            remove_principals,
            "PRINCIPAL",
        )
        return True, share_result(predicted, predicted_associations)

    if updates:
        call(
            f"update resource share {arn}",
            client.update_resource_share,
            resourceShareArn=arn,
            clientToken=new_client_token(),
            aws_retry=True,
            **updates,
        )
    if remove_resources or remove_principals:
        call(
            f"remove resources or principals from {arn}",
            client.disassociate_resource_share,
            resourceShareArn=arn,
            clientToken=new_client_token(),
            aws_retry=True,
            **_members(remove_resources, remove_principals),
        )
    added = []
    if add_resources or add_principals:
        added = call(
            f"add resources or principals to {arn}",
            client.associate_resource_share,
            resourceShareArn=arn,
            clientToken=new_client_token(),
            aws_retry=True,
            **_members(add_resources, add_principals),
        )["resourceShareAssociations"]
    if tags_to_unset:
        call(
            f"remove tags from {arn}",
            client.untag_resource,
            resourceShareArn=arn,
            tagKeys=tags_to_unset,
            aws_retry=True,
        )
    if tags_to_set:
        call(f"tag {arn}", client.tag_resource, resourceShareArn=arn, tags=tags_to_api(tags_to_set), aws_retry=True)
    if params["wait"]:
        wanted = _wanted_statuses(added, add_resources + add_principals, remove_resources + remove_principals)
        wait_for_associations(client, arn, wanted, params["wait_timeout"])
    return True, describe_share(client, _reread(client, arn))


def _members(resource_arns, principals):
    request = {}
    if resource_arns:
        request["resourceArns"] = resource_arns
    if principals:
        request["principals"] = principals
    return request


def ensure_present(client, share, params, check_mode):
    """Make the share match ``params``; ``(changed, resource_share)``."""
    if share is None:
        if params.get("arn"):
            raise AnsibleLatticeError(
                message=f"arn: no resource share of this account has the ARN {params['arn']}; to create a share, "
                "give only its name"
            )
        return create_share(client, params, check_mode)
    return update_share(client, share, params, check_mode)


def ensure_absent(client, share, check_mode):
    """Delete the share if it exists; ``(changed, {})``. A share already gone is not an error."""
    if share is None:
        return False, {}
    if not check_mode:
        call(
            f"delete resource share {share['resourceShareArn']}",
            client.delete_resource_share,
            resourceShareArn=share["resourceShareArn"],
            clientToken=new_client_token(),
            aws_retry=True,
            unknown=lambda: None,
        )
    return True, {}


def run_module(module, client):
    params = module.params
    problem = validate_params(params)
    if problem:
        module.fail_json(msg=problem)
    try:
        share = find_one_share(client, name=params["name"], arn=params.get("arn"))
        before = describe_share(client, share)
        if params["state"] == "present":
            changed, resource_share = ensure_present(client, share, params, module.check_mode)
        else:
            changed, resource_share = ensure_absent(client, share, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, resource_share=resource_share, diff={"before": before, "after": resource_share})


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        arn=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        resource_arns=dict(type="list", elements="str"),
        purge_resources=dict(type="bool", default=True),
        principals=dict(type="list", elements="str"),
        purge_principals=dict(type="bool", default=True),
        allow_external_principals=dict(type="bool"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, ram_client(module))


if __name__ == "__main__":
    main()
