"""Unit tests of the RAM helpers (plugins/module_utils/ram.py) and the decisions of the RAM modules: input checks,
what to add and remove, what to wait for, the waiter's loop and error handling. The fake client only replays what
a test scripts."""

import pytest

from ansible_collections.lattice.mesh.plugins.module_utils import ram
from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    LatticeResourceFailed,
    LatticeWaitTimeout,
)
from ansible_collections.lattice.mesh.plugins.modules import ram_resource_share as share_module
from ansible_collections.lattice.mesh.plugins.modules import ram_resource_share_invitation as invitation_module
from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import Scripted, client_error

SHARE_ARN = "arn:aws:ram:eu-west-1:123456789012:resource-share/7ab63972-b505-7e2a-420d-6f5d3e0a0b0c"
NETWORK_ARN = "arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdef0"
ORG_ARN = "arn:aws:organizations::123456789012:organization/o-abcdefghij"
OU_ARN = "arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdef3456"


class RamFakeClient:
    """Paginated RAM reads answer the pages scripted per operation (a list of pages, or a list of such lists to
    answer successive paginations); other methods are Scripted callables set by the test."""

    RESULT_KEYS = {
        "get_resource_shares": "resourceShares",
        "get_resource_share_associations": "resourceShareAssociations",
        "get_resource_share_invitations": "resourceShareInvitations",
        "list_resources": "resources",
    }

    def __init__(self, **methods):
        self.answers = {}
        self.paginate_calls = []
        for name, method in methods.items():
            setattr(self, name, method)

    def get_paginator(self, operation):
        client = self

        class Paginator:
            def paginate(self, **params):
                client.paginate_calls.append((operation, params))
                answer = client.answers[operation]
                if isinstance(answer, BaseException):
                    raise answer
                self.items = answer(params) if callable(answer) else answer
                return self

            def build_full_result(self):
                return {client.RESULT_KEYS[operation]: self.items}

        return Paginator()


def association(entity, association_type="RESOURCE", status="ASSOCIATED", external=False):
    return {
        "resourceShareArn": SHARE_ARN,
        "associatedEntity": entity,
        "associationType": association_type,
        "status": status,
        "external": external,
    }


class TestValidation:
    @pytest.mark.parametrize("principal", ["123456789012", ORG_ARN, OU_ARN])
    def test_principals_accepted(self, principal):
        assert ram.validate_principals([principal]) is None

    @pytest.mark.parametrize("principal", ["12345", "o-abcdefghij", "arn:aws:iam::123456789012:root", "alice"])
    def test_principals_refused_with_the_fix(self, principal):
        message = ram.validate_principals(["123456789012", principal])
        assert message.startswith(f"principals: '{principal}' is not a principal")
        assert "12-digit account IDs" in message

    def test_resource_arns(self):
        assert ram.validate_resource_arns([NETWORK_ARN]) is None
        assert ram.validate_resource_arns(["sn-0123456789abcdef0"]).startswith("resource_arns: 'sn-0123456789abcdef0'")

    def test_share_arn(self):
        assert ram.validate_share_arn(SHARE_ARN, "arn") is None
        assert ram.validate_share_arn(None, "arn") is None
        assert ram.validate_share_arn(NETWORK_ARN, "arn").startswith("arn: ")

    def test_module_checks_tags_too(self):
        params = {"arn": None, "resource_arns": None, "principals": None, "tags": {"aws:owner": "x"}}
        assert share_module.validate_params(params).startswith("tags: keys starting with 'aws:' are reserved")

    def test_invitation_state_needs_a_filter_and_a_real_sender(self):
        params = {"resource_share_arn": None, "resource_share_name": None, "sender_account_id": None}
        assert invitation_module.validate_params(dict(params, state="accepted")).startswith(
            "state=accepted needs a filter"
        )
        assert invitation_module.validate_params(dict(params, state=None)) is None
        assert invitation_module.validate_params(dict(params, state="rejected", sender_account_id="42")).startswith(
            "sender_account_id: '42' is not a 12-digit account ID"
        )


class TestMembership:
    def test_unset_leaves_members_alone(self):
        assert share_module._membership_changes(["a"], None, purge=True) == ([], [])

    def test_purge(self):
        assert share_module._membership_changes(["a", "b"], ["b", "c", "c"], purge=True) == (["c"], ["a"])

    def test_no_purge_only_adds(self):
        assert share_module._membership_changes(["a", "b"], ["c"], purge=False) == (["c"], [])

    def test_empty_list_with_purge_removes_everything(self):
        assert share_module._membership_changes(["b", "a"], [], purge=True) == ([], ["a", "b"])

    def test_wanted_statuses_skip_external_accounts(self):
        added = [association(NETWORK_ARN), association("210987654321", "PRINCIPAL", "ASSOCIATING", external=True)]
        wanted = share_module._wanted_statuses(added, [NETWORK_ARN, "210987654321"], ["111122223333"])
        assert wanted == {NETWORK_ARN: "ASSOCIATED", "111122223333": "DISASSOCIATED"}


class TestReading:
    def test_deleted_shares_are_left_out(self):
        client = RamFakeClient()
        client.answers["get_resource_shares"] = [
            {"resourceShareArn": SHARE_ARN, "name": "s", "status": "DELETED"},
            {"resourceShareArn": SHARE_ARN + "1", "name": "s", "status": "ACTIVE"},
        ]
        assert [s["status"] for s in ram.find_shares(client, name="s")] == ["ACTIVE"]
        assert client.paginate_calls == [("get_resource_shares", {"resourceOwner": "SELF", "name": "s"})]

    def test_unknown_share_arn_is_no_share(self):
        client = RamFakeClient()
        client.answers["get_resource_shares"] = client_error("UnknownResourceException")
        assert ram.find_one_share(client, name="s", arn=SHARE_ARN) is None

    def test_two_shares_with_the_name_need_an_arn(self):
        client = RamFakeClient()
        client.answers["get_resource_shares"] = [
            {"resourceShareArn": SHARE_ARN, "name": "s", "status": "ACTIVE"},
            {"resourceShareArn": SHARE_ARN + "1", "name": "s", "status": "ACTIVE"},
        ]
        with pytest.raises(AnsibleLatticeError, match="2 resource shares are named 's'.*give the one to manage"):
            ram.find_one_share(client, name="s")

    def test_other_errors_are_reported_once(self):
        client = RamFakeClient()
        client.answers["get_resource_shares"] = client_error("AccessDeniedException")
        with pytest.raises(AnsibleLatticeError, match="Failed to describe resource shares"):
            ram.find_shares(client)

    def test_share_result(self):
        share = {"resourceShareArn": SHARE_ARN, "name": "s", "status": "ACTIVE", "tags": [{"key": "k", "value": "v"}]}
        result = ram.share_result(
            share, [association("210987654321", "PRINCIPAL", external=True), association(NETWORK_ARN)]
        )
        assert result["resource_share_arn"] == SHARE_ARN
        assert result["tags"] == {"k": "v"}
        assert result["resource_arns"] == [NETWORK_ARN]
        assert result["principals"] == ["210987654321"]
        assert [a["association_type"] for a in result["associations"]] == ["PRINCIPAL", "RESOURCE"]


class TestWaitForAssociations:
    def client(self, *rounds):
        """Each round: the associations RAM lists (both types) at one poll."""
        client = RamFakeClient()
        remaining = list(rounds)

        def answer(params):
            current = remaining[0]
            if params["associationType"] == "PRINCIPAL" and len(remaining) > 1:  # a poll reads RESOURCE, then PRINCIPAL
                remaining.pop(0)
            return [a for a in current if a["associationType"] == params["associationType"]]

        client.answers["get_resource_share_associations"] = answer
        return client

    def test_waits_until_associated_and_old_entries_do_not_count(self, clock):
        client = self.client(
            [association(NETWORK_ARN, status="DISASSOCIATED"), association(NETWORK_ARN, status="ASSOCIATING")],
            [association(NETWORK_ARN, status="DISASSOCIATED"), association(NETWORK_ARN)],
        )
        ram.wait_for_associations(client, SHARE_ARN, {NETWORK_ARN: "ASSOCIATED"}, 60, clock.sleep, clock)
        assert len(clock.sleeps) == 1

    def test_a_removed_entity_that_disappeared_counts_as_disassociated(self, clock):
        client = self.client([])
        ram.wait_for_associations(client, SHARE_ARN, {"210987654321": "DISASSOCIATED"}, 60, clock.sleep, clock)
        assert clock.sleeps == []

    def test_failed_association_fails_at_once(self, clock):
        client = self.client([association(NETWORK_ARN, status="FAILED")])
        with pytest.raises(LatticeResourceFailed, match=f"RAM failed to associate {NETWORK_ARN}"):
            ram.wait_for_associations(client, SHARE_ARN, {NETWORK_ARN: "ASSOCIATED"}, 60, clock.sleep, clock)

    def test_timeout_names_what_it_waited_for(self, clock):
        client = self.client([association(NETWORK_ARN, status="ASSOCIATING")])
        with pytest.raises(LatticeWaitTimeout, match=f"waiting for {NETWORK_ARN}"):
            ram.wait_for_associations(client, SHARE_ARN, {NETWORK_ARN: "ASSOCIATED"}, 10, clock.sleep, clock)

    def test_nothing_to_wait_for_makes_no_call(self):
        client = RamFakeClient()
        ram.wait_for_associations(client, SHARE_ARN, {}, 60)
        assert client.paginate_calls == []


class TestInvitations:
    INVITATION = {
        "resourceShareInvitationArn": SHARE_ARN.replace("resource-share/", "resource-share-invitation/"),
        "resourceShareArn": SHARE_ARN,
        "resourceShareName": "s",
        "senderAccountId": "123456789012",
        "receiverAccountId": "210987654321",
        "status": "PENDING",
    }
    PARAMS = {
        "resource_share_name": "s",
        "resource_share_arn": None,
        "sender_account_id": None,
        "wait": False,
        "wait_timeout": 10,
    }

    def test_filters(self):
        assert invitation_module.matches(self.INVITATION, self.PARAMS)
        assert not invitation_module.matches(self.INVITATION, dict(self.PARAMS, sender_account_id="999999999999"))

    def test_check_mode_accepts_nothing(self):
        client = RamFakeClient(accept_resource_share_invitation=Scripted(AssertionError("no call in check mode")))
        client.answers["get_resource_share_invitations"] = [self.INVITATION]
        changed, before, after = invitation_module.ensure_state(client, dict(self.PARAMS, state="accepted"), True)
        assert changed and before[0]["status"] == "PENDING" and after[0]["status"] == "ACCEPTED"

    def test_accepted_already_is_no_change(self):
        client = RamFakeClient(accept_resource_share_invitation=Scripted(AssertionError("no call")))
        client.answers["get_resource_share_invitations"] = [dict(self.INVITATION, status="ACCEPTED")]
        assert invitation_module.ensure_state(client, dict(self.PARAMS, state="accepted"), False)[0] is False

    def test_rejected_cannot_be_accepted(self):
        client = RamFakeClient()
        client.answers["get_resource_share_invitations"] = [dict(self.INVITATION, status="REJECTED")]
        with pytest.raises(AnsibleLatticeError, match="Cannot accept the invitation to s .*it is REJECTED"):
            invitation_module.ensure_state(client, dict(self.PARAMS, state="accepted"), False)

    def test_nothing_matches(self):
        client = RamFakeClient()
        client.answers["get_resource_share_invitations"] = []
        client.answers["get_resource_shares"] = []
        with pytest.raises(AnsibleLatticeError, match="No resource share invitation matches resource_share_name=s"):
            invitation_module.ensure_state(client, dict(self.PARAMS, state="accepted"), False)

    def test_share_of_the_organization_needs_no_invitation(self):
        client = RamFakeClient()
        client.answers["get_resource_share_invitations"] = []
        client.answers["get_resource_shares"] = [
            {"resourceShareArn": SHARE_ARN, "name": "s", "status": "ACTIVE", "owningAccountId": "123456789012"}
        ]
        assert invitation_module.ensure_state(client, dict(self.PARAMS, state="accepted"), False)[0] is False

    def test_accepts_pending(self):
        accept = Scripted({"resourceShareInvitation": dict(self.INVITATION, status="ACCEPTED")})
        client = RamFakeClient(accept_resource_share_invitation=accept)
        client.answers["get_resource_share_invitations"] = [self.INVITATION]
        changed, dummy, dummy_after = invitation_module.ensure_state(client, dict(self.PARAMS, state="accepted"), False)
        assert changed
        assert accept.calls == [
            {"resourceShareInvitationArn": self.INVITATION["resourceShareInvitationArn"], "aws_retry": True}
        ]
