import datetime

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import normalize


class TestNormalizeResource:
    def test_snake_case_timestamps_and_tags(self):
        resource = {
            "ResponseMetadata": {"HTTPStatusCode": 200},
            "id": "sn-1",
            "authType": "AWS_IAM",
            "numberOfAssociatedVPCs": 2,
            "sharingConfig": {"enabled": False},
            "createdAt": datetime.datetime(2024, 5, 1, 10, 0, tzinfo=datetime.timezone.utc),
        }
        assert normalize.normalize_resource(resource, tags={"CostCenter": "4711", "camelKey": "x"}) == {
            "id": "sn-1",
            "auth_type": "AWS_IAM",
            "number_of_associated_vpcs": 2,
            "sharing_config": {"enabled": False},
            "created_at": "2024-05-01T10:00:00+00:00",
            "tags": {"CostCenter": "4711", "camelKey": "x"},
        }

    def test_ignored_keys_keep_their_spelling(self):
        result = normalize.normalize_resource({"policy": {"Statement": []}}, ignore_keys=["policy"])
        assert result == {"policy": {"Statement": []}}

    def test_empty(self):
        assert normalize.normalize_resource(None) == {}

    def test_input_not_modified(self):
        resource = {"authType": "NONE"}
        normalize.normalize_resource(resource, tags={})
        assert resource == {"authType": "NONE"}


class TestComparisons:
    def test_values_equal(self):
        assert normalize.values_equal("a", None)
        assert normalize.values_equal({"a": 1, "b": 2}, {"a": 1})
        assert normalize.values_equal({"a": {"b": 1, "c": 2}}, {"a": {"b": 1, "c": None}})
        assert not normalize.values_equal({"a": 1}, {"a": 2})
        assert not normalize.values_equal(None, {"a": 1})
        assert normalize.values_equal([1, {"x": 1, "y": 2}], [1, {"x": 1}])
        assert not normalize.values_equal([1, 2], [2, 1])
        assert not normalize.values_equal([1], [1, 2])
        assert normalize.values_equal(5, 5.0)
        assert not normalize.values_equal(1, True)
        assert not normalize.values_equal(False, 0)

    def test_changed_fields_skips_unset_options(self):
        current = {"authType": "NONE", "idleTimeoutSeconds": 60}
        desired = {"authType": "AWS_IAM", "idleTimeoutSeconds": 60, "certificateArn": None}
        assert normalize.changed_fields(current, desired) == {"authType": "AWS_IAM"}
        assert normalize.changed_fields(None, {"authType": "NONE"}) == {"authType": "NONE"}

    def test_immutable_changes_with_defaults(self):
        defaults = {"sharingConfig": {"enabled": False}}
        assert normalize.immutable_changes({}, {"sharingConfig": {"enabled": False}}, defaults) == []
        assert normalize.immutable_changes({}, {"sharingConfig": None}, defaults) == []
        assert normalize.immutable_changes({}, {"sharingConfig": {"enabled": True}}, defaults) == [
            ("sharingConfig", {"enabled": False}, {"enabled": True})
        ]

    def test_merge_dicts(self):
        current = {"a": 1, "nested": {"x": 1, "y": 2}}
        merged = normalize.merge_dicts(current, {"a": None, "b": 2, "nested": {"y": 3}})
        assert merged == {"a": 1, "b": 2, "nested": {"x": 1, "y": 3}}
        assert current == {"a": 1, "nested": {"x": 1, "y": 2}}

    def test_policy_documents_equal(self):
        left = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
        right = {"Statement": [{"Resource": "*", "Action": ["*"], "Effect": "Allow"}], "Version": "2012-10-17"}
        assert normalize.policy_documents_equal(left, right)
        assert not normalize.policy_documents_equal(left, {"Version": "2012-10-17", "Statement": []})
        assert normalize.policy_documents_equal(None, "")
        assert not normalize.policy_documents_equal(None, left)

    def test_describe_value(self):
        assert normalize.describe_value({"enabled": True}) == '{"enabled": true}'
        assert normalize.describe_value("x") == "x"
