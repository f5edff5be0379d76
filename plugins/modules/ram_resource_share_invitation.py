#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ram_resource_share_invitation
version_added: 0.2.0
short_description: List, accept or reject AWS RAM resource share invitations
description:
  - In the account a resource share is shared with, list the invitations it received, filtered by share name,
    share ARN or sending account, and accept or reject them.
  - Accepting an invitation already accepted (or rejecting one already rejected) is not a change.
  - An account in the sharer's AWS Organization with organization sharing enabled gets no invitation; with
    O(state=accepted), a share already visible to the account counts as accepted.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  resource_share_name:
    description:
      - Only invitations to shares with this name.
    type: str
  resource_share_arn:
    description:
      - Only invitations to the share with this ARN.
    type: str
  sender_account_id:
    description:
      - Only invitations sent by this account (12 digits).
    type: str
  state:
    description:
      - V(accepted) accepts the matching pending invitations, V(rejected) rejects them.
      - When not set, the matching invitations are only listed.
      - With a state, at least one of O(resource_share_name), O(resource_share_arn) and O(sender_account_id) is
        required, and something must match.
    type: str
    choices: ["accepted", "rejected"]
  wait:
    description:
      - After accepting, wait until the shares are visible to this account.
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
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Accept the network account's share of the platform network
  lattice.mesh.ram_resource_share_invitation:
    resource_share_name: platform-network
    sender_account_id: "111122223333"
    state: accepted

- name: List the pending invitations
  lattice.mesh.ram_resource_share_invitation:
  register: invitations
"""

RETURN = r"""
invitations:
  description: The matching invitations, as they are after the module ran.
  returned: always
  type: list
  elements: dict
  contains:
    resource_share_invitation_arn:
      description: The ARN of the invitation.
      type: str
      sample: arn:aws:ram:eu-west-1:111122223333:resource-share-invitation/1e3477be-4a95-46b4-bbe0-c4001EXAMPLE
    resource_share_arn:
      description: The ARN of the share.
      type: str
      sample: arn:aws:ram:eu-west-1:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3EXAMPLE
    resource_share_name:
      description: The name of the share.
      type: str
      sample: platform-network
    sender_account_id:
      description: The account that shares.
      type: str
      sample: "111122223333"
    receiver_account_id:
      description: This account.
      type: str
      sample: "210987654321"
    status:
      description: C(PENDING), C(ACCEPTED), C(REJECTED) or C(EXPIRED).
      type: str
      sample: ACCEPTED
    invitation_timestamp:
      description: When the invitation was sent (ISO 8601).
      type: str
      sample: "2024-05-01T10:00:00.123000+00:00"
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.ram import (
    call,
    find_shares,
    paginate,
    ram_client,
    validate_share_arn,
)
from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    normalize_resource,
    wait_for_resource,
)

ACTIONS = {"accepted": ("ACCEPTED", "accept"), "rejected": ("REJECTED", "reject")}
# An invitation in the other final state cannot be turned around: say so rather than let RAM refuse.
OPPOSITE = {"accepted": "REJECTED", "rejected": "ACCEPTED"}


def validate_params(params):
    problem = validate_share_arn(params.get("resource_share_arn"), "resource_share_arn")
    if problem:
        return problem
    sender = params.get("sender_account_id")
    if sender is not None and not re.match(r"^\d{12}$", sender):
        return f"sender_account_id: {sender!r} is not a 12-digit account ID (quote it so YAML keeps it a string)"
    filters = ("resource_share_name", "resource_share_arn", "sender_account_id")
    if params.get("state") and not any(params.get(name) for name in filters):
        return f"state={params['state']} needs a filter: give {', '.join(filters[:-1])} or {filters[-1]}"
    return None


def matches(invitation, params):
    return (
        params.get("resource_share_name") in (None, invitation["resourceShareName"])
        and params.get("resource_share_arn") in (None, invitation["resourceShareArn"])
        and params.get("sender_account_id") in (None, invitation["senderAccountId"])
    )


def list_invitations(client, params):
    request = {}
    if params.get("resource_share_arn"):
        request["resourceShareArns"] = [params["resource_share_arn"]]
    invitations = paginate(
        client,
        "get_resource_share_invitations",
        "resourceShareInvitations",
        "list resource share invitations",
        **request,
    )
    return [invitation for invitation in invitations if matches(invitation, params)]


def visible_shares(client, params):
    """Shares of other accounts this account already sees that match the filters (by ARN)."""
    shares = find_shares(
        client, "OTHER-ACCOUNTS", name=params.get("resource_share_name"), arn=params.get("resource_share_arn")
    )
    sender = params.get("sender_account_id")
    return {share["resourceShareArn"] for share in shares if sender in (None, share["owningAccountId"])}


def wait_until_visible(client, share_arns, timeout):
    def progress():
        seen = {share["resourceShareArn"] for share in find_shares(client, "OTHER-ACCOUNTS")}
        missing = sorted(set(share_arns) - seen)
        return {"status": "VISIBLE" if not missing else f"waiting for {', '.join(missing)}"}

    wait_for_resource(progress, "the accepted resource shares", target_statuses=("VISIBLE",), timeout=timeout)


def ensure_state(client, params, check_mode):
    """``(changed, invitations_before, invitations_after)`` for ``params['state']``."""
    invitations = list_invitations(client, params)
    state = params.get("state")
    if not state:
        return False, invitations, invitations
    final_status, verb = ACTIONS[state]
    stuck = [i for i in invitations if i["status"] == OPPOSITE[state] or i["status"] == "EXPIRED"]
    if stuck:
        raise AnsibleLatticeError(
            message=f"Cannot {verb} "
            + ", ".join(
                f"the invitation to {i['resourceShareName']} ({i['resourceShareArn']}): it is {i['status']}"
                for i in stuck
            )
            + "; the sharing account has to invite this account again"
        )
    pending = [i for i in invitations if i["status"] == "PENDING"]
    if not invitations and not (state == "accepted" and visible_shares(client, params)):
        raise AnsibleLatticeError(
            message=f"No resource share invitation matches {_filters(params)}; nothing to {verb} (has the sharing "
            "account shared with this account yet?)"
        )
    if not pending:
        return False, invitations, invitations
    if check_mode:
        after = [dict(i, status=final_status) if i in pending else i for i in invitations]
        return True, invitations, after
    operation = (
        client.accept_resource_share_invitation if state == "accepted" else (client.reject_resource_share_invitation)
    )
    for invitation in pending:
        call(
            f"{verb} the invitation to {invitation['resourceShareArn']}",
            operation,
            resourceShareInvitationArn=invitation["resourceShareInvitationArn"],
            aws_retry=True,
        )
    if state == "accepted" and params["wait"]:
        wait_until_visible(client, [i["resourceShareArn"] for i in pending], params["wait_timeout"])
    return True, invitations, list_invitations(client, params)


def _filters(params):
    names = ("resource_share_name", "resource_share_arn", "sender_account_id")
    return ", ".join(f"{name}={params[name]}" for name in names if params.get(name))


def run_module(module, client):
    params = module.params
    problem = validate_params(params)
    if problem:
        module.fail_json(msg=problem)
    try:
        changed, before, after = ensure_state(client, params, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    before = [normalize_resource(i) for i in before]
    after = [normalize_resource(i) for i in after]
    module.exit_json(changed=changed, invitations=after, diff={"before": before, "after": after})


def main():
    argument_spec = dict(
        resource_share_name=dict(type="str"),
        resource_share_arn=dict(type="str"),
        sender_account_id=dict(type="str"),
        state=dict(type="str", choices=["accepted", "rejected"]),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, ram_client(module))


if __name__ == "__main__":
    main()
