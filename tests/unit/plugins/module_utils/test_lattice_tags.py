import pytest

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import tags
from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import (
    FakeClient,
    Scripted,
    client_error,
)

ARN = "arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdefg"


class TestTagChanges:
    def test_unset_tags_leave_everything_alone(self):
        assert tags.tag_changes({"a": "1"}, None, purge_tags=True) == ({}, [])

    def test_identical(self):
        assert tags.tag_changes({"a": "1"}, {"a": "1"}) == ({}, [])

    def test_purge(self):
        assert tags.tag_changes({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "9"}, purge_tags=True) == (
            {"b": "9"},
            ["c"],
        )

    def test_no_purge_keeps_other_tags(self):
        assert tags.tag_changes({"a": "1", "c": "3"}, {"b": "2"}, purge_tags=False) == ({"b": "2"}, [])

    def test_empty_dict_with_purge_removes_all_but_aws_tags(self):
        current = {"a": "1", "aws:cloudformation:stack-name": "x", "AWS:Other": "y"}
        assert tags.tag_changes(current, {}, purge_tags=True) == ({}, ["a"])

    def test_values_compare_and_are_sent_as_text(self):
        assert tags.tag_changes({"n": "5", "b": "True"}, {"n": 5, "b": True}) == ({}, [])
        assert tags.tag_changes({}, {"n": 5, "none": None}) == ({"n": "5", "none": ""}, [])

    def test_apply(self):
        assert tags.apply_tag_changes({"a": "1", "c": "3"}, {"b": "2"}, ["c"]) == {"a": "1", "b": "2"}


class TestValidate:
    def test_valid(self):
        assert tags.validate_tags({"team": "payments", "n": 1}) is None
        assert tags.validate_tags(None) is None

    def test_aws_prefix_is_reserved(self):
        message = tags.validate_tags({"aws:owner": "me", "ok": "x"})
        assert message.startswith("tags: keys starting with 'aws:' are reserved")
        assert "aws:owner" in message

    def test_lengths_and_count(self):
        assert "keys must be 1-128 characters" in tags.validate_tags({"k" * 129: "v"})
        assert "values must be at most 256 characters (the values of k)" in tags.validate_tags({"k": "v" * 257})
        assert "at most 200 tags, not 201" in tags.validate_tags({str(i): "v" for i in range(201)})

    def test_not_a_dict(self):
        assert tags.validate_tags(["a"], field="resource_tags").startswith("resource_tags: expected a dictionary")

    def test_tags_to_api(self):
        assert tags.tags_to_api(None) is None
        assert tags.tags_to_api({}) is None
        assert tags.tags_to_api({"a": 1, "b": False}) == {"a": "1", "b": "False"}


class TestEnsureTags:
    def client(self):
        return FakeClient(tag_resource=Scripted({}), untag_resource=Scripted({}))

    def test_no_change_makes_no_call(self):
        client = self.client()
        assert tags.ensure_tags(client, ARN, {"a": "1"}, {"a": "1"}) == (False, {"a": "1"})
        assert client.tag_resource.calls == client.untag_resource.calls == []

    def test_check_mode_makes_no_call(self):
        client = self.client()
        assert tags.ensure_tags(client, ARN, {"a": "1"}, {"b": "2"}, check_mode=True) == (True, {"b": "2"})
        assert client.tag_resource.calls == client.untag_resource.calls == []

    def test_changes_are_sent(self):
        client = self.client()
        changed, result = tags.ensure_tags(client, ARN, {"a": "1", "old": "x"}, {"a": "2"}, purge_tags=True)
        assert (changed, result) == (True, {"a": "2"})
        assert client.untag_resource.calls == [{"resourceArn": ARN, "tagKeys": ["old"], "aws_retry": True}]
        assert client.tag_resource.calls == [{"resourceArn": ARN, "tags": {"a": "2"}, "aws_retry": True}]

    def test_get_tags(self):
        client = FakeClient(list_tags_for_resource=Scripted({"tags": {"a": "1"}}))
        assert tags.get_tags(client, ARN) == {"a": "1"}
        client = FakeClient(list_tags_for_resource=Scripted({}))
        assert tags.get_tags(client, ARN) == {}

    def test_get_tags_not_found(self):
        client = FakeClient(list_tags_for_resource=Scripted(client_error("ResourceNotFoundException")))
        assert tags.get_tags(client, ARN) is None

    def test_get_tags_other_error(self):
        from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice.common import AnsibleLatticeError

        client = FakeClient(list_tags_for_resource=Scripted(client_error("AccessDeniedException")))
        with pytest.raises(AnsibleLatticeError, match=f"Failed to list tags of {ARN}"):
            tags.get_tags(client, ARN)
