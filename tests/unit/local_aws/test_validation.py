"""Server-side validation of Lattice requests against botocore's input shapes."""

import botocore.session
import pytest

from local_aws.lattice.exceptions import ValidationException
from local_aws.validation import validate_input

MODEL = botocore.session.get_session().get_service_model("vpc-lattice")


def field_names(operation, params):
    with pytest.raises(ValidationException) as raised:
        validate_input(MODEL.operation_model(operation), params)
    return [field["name"] for field in raised.value.fieldList]


def test_accepts_a_valid_request():
    validate_input(MODEL.operation_model("CreateServiceNetwork"), {"name": "my-network", "authType": "AWS_IAM"})


def test_missing_required_member_is_named():
    assert field_names("CreateServiceNetwork", {"authType": "NONE"}) == ["name"]


@pytest.mark.parametrize("name", ["Upper-case", "double--hyphen", "-leading", "ab", "x" * 64])
def test_service_network_name_outside_the_pattern_or_length(name):
    assert field_names("CreateServiceNetwork", {"name": name}) == ["name"]


def test_enum_is_enforced():
    assert field_names("CreateServiceNetwork", {"name": "net", "authType": "KERBEROS"}) == ["authType"]


def test_nested_members_are_named_with_their_path():
    params = {
        "serviceIdentifier": "svc-0123456789abcdef0",
        "name": "web-https",
        "protocol": "HTTP",
        "defaultAction": {
            "forward": {"targetGroups": [{"targetGroupIdentifier": "tg-0123456789abcdef0", "weight": 1000}]},
        },
    }
    assert field_names("CreateListener", params) == ["defaultAction.forward.targetGroups.1.weight"]


def test_integer_range_and_type():
    assert field_names("ListServiceNetworks", {"maxResults": 101}) == ["maxResults"]
    assert field_names("ListServiceNetworks", {"maxResults": "10"}) == ["maxResults"]


def test_every_error_is_reported_at_once():
    # 'A' breaks both the length and the pattern of name: AWS lists each broken constraint.
    assert sorted(field_names("CreateServiceNetwork", {"name": "A", "authType": "BAD"})) == ["authType", "name", "name"]
