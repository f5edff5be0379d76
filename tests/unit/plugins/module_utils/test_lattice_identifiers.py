import gzip
import json
import pathlib
import re

import botocore
import pytest

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import identifiers as ids

SN_ID = "sn-0123456789abcdefg"
SN_ARN = f"arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/{SN_ID}"
SVC_ID = "svc-0123456789abcdefg"
LISTENER_ID = "listener-0123456789abcdefg"
RULE_ID = "rule-0123456789abcdefg"
LISTENER_ARN = f"arn:aws:vpc-lattice:eu-west-1:123456789012:service/{SVC_ID}/listener/{LISTENER_ID}"
RULE_ARN = f"{LISTENER_ARN}/rule/{RULE_ID}"


def _botocore_shapes():
    data = pathlib.Path(botocore.__file__).parent / "data" / "vpc-lattice"
    model = next(data.glob("*/service-2.json*"))
    opener = gzip.open if model.suffix == ".gz" else open
    with opener(model, "rt") as handle:
        return json.load(handle)["shapes"]


class TestArns:
    def test_parse_service_network_arn(self):
        parsed = ids.parse_lattice_arn(SN_ARN)
        assert parsed == {
            "partition": "aws",
            "region": "eu-west-1",
            "account_id": "123456789012",
            "resource_type": "servicenetwork",
            "resource_id": SN_ID,
            "path": [("servicenetwork", SN_ID)],
        }

    def test_parse_nested_rule_arn(self):
        parsed = ids.parse_lattice_arn(RULE_ARN)
        assert parsed["path"] == [("service", SVC_ID), ("listener", LISTENER_ID), ("rule", RULE_ID)]
        assert parsed["resource_id"] == RULE_ID

    @pytest.mark.parametrize(
        "value",
        [
            None,
            "",
            SN_ID,
            "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-123",
            "arn:aws:vpc-lattice:eu-west-1:12345:servicenetwork/" + SN_ID,
            "arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork",
            "arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/",
        ],
    )
    def test_not_lattice_arns(self, value):
        assert ids.parse_lattice_arn(value) is None

    def test_arn_kind_must_match(self):
        assert ids.is_resource_arn("service_network", SN_ARN)
        assert not ids.is_resource_arn("service", SN_ARN)
        assert ids.is_resource_arn("listener", LISTENER_ARN)
        assert not ids.is_resource_arn("rule", LISTENER_ARN)
        assert ids.is_resource_arn("rule", RULE_ARN)

    def test_partition_and_region_variants(self):
        arn = f"arn:aws-cn:vpc-lattice:cn-north-1:123456789012:servicenetwork/{SN_ID}"
        assert ids.is_resource_arn("service_network", arn)


class TestClassify:
    @pytest.mark.parametrize(
        "kind, value, expected",
        [
            ("service_network", SN_ARN, "arn"),
            ("service_network", SN_ID, "id"),
            ("service_network", "payments", "name"),
            ("service_network", "sn-short", "name"),
            ("service", SVC_ID, "id"),
            ("service", SN_ID, "name"),
            ("listener", LISTENER_ARN, "arn"),
            ("rule", RULE_ID, "id"),
        ],
    )
    def test_classify(self, kind, value, expected):
        assert ids.classify_identifier(kind, value) == expected

    def test_resource_id(self):
        assert ids.resource_id("service_network", SN_ARN) == SN_ID
        assert ids.resource_id("service_network", SN_ID) == SN_ID
        assert ids.resource_id("service_network", "payments") is None

    def test_same_resource_compares_ids_not_strings(self):
        assert ids.same_resource(SN_ID, SN_ARN)
        assert ids.same_resource(SN_ARN, SN_ID)
        assert not ids.same_resource(SN_ID, "sn-0123456789abcdefh")
        assert not ids.same_resource(None, SN_ID)

    def test_kind_of_identifier(self):
        assert ids.kind_of_identifier(SN_ARN).key == "service_network"
        assert ids.kind_of_identifier(RULE_ARN).key == "rule"
        assert ids.kind_of_identifier("tg-0123456789abcdefg").key == "target_group"
        assert ids.kind_of_identifier("payments") is None

    def test_unknown_kind(self):
        with pytest.raises(ValueError, match="unknown Lattice resource kind"):
            ids.get_kind("gateway")


class TestIdentifierParams:
    def test_top_level(self):
        assert ids.identifier_params("service_network", SN_ID) == {"serviceNetworkIdentifier": SN_ID}

    def test_nested_from_arn(self):
        assert ids.identifier_params("rule", RULE_ARN) == {
            "ruleIdentifier": RULE_ARN,
            "serviceIdentifier": SVC_ID,
            "listenerIdentifier": LISTENER_ID,
        }

    def test_nested_from_parents(self):
        assert ids.identifier_params("listener", LISTENER_ID, {"service": "my-service-arn"}) == {
            "listenerIdentifier": LISTENER_ID,
            "serviceIdentifier": "my-service-arn",
        }

    def test_nested_without_parent(self):
        with pytest.raises(ValueError, match="within its service"):
            ids.identifier_params("listener", LISTENER_ID)


class TestNames:
    @pytest.mark.parametrize(
        "kind, name",
        [
            ("service_network", "abc"),
            ("service_network", "a" * 63),
            ("service_network", "my-network-1"),
            ("service_network", "sn-looks-like-an-id"),
            ("service", "svc1-orders"),
            ("target_group", "t" * 128),
            ("listener", "https-443"),
            ("rule", "rules-are-fine"),
        ],
    )
    def test_valid(self, kind, name):
        assert ids.validate_name(kind, name) is None

    @pytest.mark.parametrize(
        "kind, name, reason",
        [
            ("service_network", "ab", "2 characters long"),
            ("service_network", "a" * 64, "64 characters long"),
            ("service_network", "My_Net", "contains 'M', 'N', '_'"),
            ("service_network", "-net", "begins or ends with a hyphen"),
            ("service_network", "net-", "begins or ends with a hyphen"),
            ("service_network", "my--net", "two hyphens in a row"),
            ("service", "a" * 41, "41 characters long"),
            ("service", "svc-orders", "starts with 'svc-'"),
            ("target_group", "tg-blue", "starts with 'tg-'"),
            ("listener", "listener-http", "starts with 'listener-'"),
            ("rule", "rule-1", "starts with 'rule-'"),
        ],
    )
    def test_invalid_names_the_field_and_the_reason(self, kind, name, reason):
        message = ids.validate_name(kind, name, field="name")
        assert message.startswith(f"name: '{name}' is not a valid {ids.get_kind(kind).label} name")
        assert reason in message
        assert "lowercase letters, digits and hyphens" in message

    def test_missing_name(self):
        assert ids.validate_name("service", None, field="service_name").startswith("service_name: a service name")

    def test_suggestion(self):
        assert "For example: 'my-net-1'" in ids.validate_name("service_network", "My_Net 1")
        assert "For example: 'orders'" in ids.validate_name("service", "svc-Orders")
        assert ids.suggest_name("service_network", "--") is None

    def test_nameless_kind(self):
        with pytest.raises(ValueError):
            ids.validate_name("service_network_vpc_association", "x")

    @pytest.mark.parametrize("kind_key", [key for key, kind in ids.KINDS.items() if kind.has_name])
    def test_agrees_with_botocore_model(self, kind_key):
        """Our validation accepts exactly what botocore's pattern and length limits accept."""
        kind = ids.get_kind(kind_key)
        shape = _botocore_shapes()["".join(word.capitalize() for word in kind_key.split("_")) + "Name"]
        pattern = re.compile(shape["pattern"])
        samples = [
            "abc",
            "ab",
            "a" * shape["max"],
            "a" * (shape["max"] + 1),
            "a-b-c",
            "a--b",
            "-ab",
            "ab-",
            "Abc",
            "a_b",
            "a.b",
            "0-0",
            kind.id_prefix + "-x1",
            "sn-abc",
            "svc-abc",
            "tg-abc",
            "listener-a",
            "rule-a",
            "rgw-a1",
            "rcfg-a1",
        ]
        for sample in samples:
            botocore_ok = bool(pattern.fullmatch(sample)) and shape["min"] <= len(sample) <= shape["max"]
            assert (ids.validate_name(kind, sample) is None) == botocore_ok, sample

    @pytest.mark.parametrize("kind_key", list(ids.KINDS))
    def test_id_patterns_agree_with_botocore_model(self, kind_key):
        kind = ids.get_kind(kind_key)
        shapes = _botocore_shapes()
        camel = "".join(word.capitalize() for word in kind_key.split("_"))
        shape = shapes.get(f"{camel}Id") or shapes[f"{camel}Identifier"]
        sample = f"{kind.id_prefix}-0123456789abcdef0"
        assert re.search(shape["pattern"], sample)
        assert ids.is_resource_id(kind, sample)
