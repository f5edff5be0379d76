"""Unit tests of the response validator: it must reject what botocore's model does not allow."""

from __future__ import annotations

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.session
import pytest
from shapes import ResponseValidator, ShapeMismatch, check_error, check_parsed, check_raw

pytestmark = pytest.mark.no_endpoint

MODEL = botocore.session.get_session().get_service_model("vpc-lattice")
NOW = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
ALS_ARN = "arn:aws:vpc-lattice:us-east-1:123456789012:accesslogsubscription/als-0123456789abcdef0"
SVC_ARN = "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0"
DEST_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:my-logs"


def out(op: str):
    return MODEL.operation_model(op).output_shape


def good_access_log_subscription() -> dict:
    return {
        "id": "als-0123456789abcdef0",
        "arn": ALS_ARN,
        "resourceId": "svc-0123456789abcdef0",
        "resourceArn": SVC_ARN,
        "destinationArn": DEST_ARN,
        "createdAt": NOW,
        "lastUpdatedAt": NOW,
    }


def good_service_summary() -> dict:
    return {
        "id": "svc-0123456789abcdef0",
        "arn": SVC_ARN,
        "name": "my-service",
        "status": "ACTIVE",
        "createdAt": NOW,
        "lastUpdatedAt": NOW,
    }


def test_valid_parsed_response_passes():
    assert check_parsed(out("GetAccessLogSubscription"), good_access_log_subscription()) == []


def test_missing_required_member_is_rejected():
    body = good_access_log_subscription()
    del body["destinationArn"]
    errors = check_parsed(out("GetAccessLogSubscription"), body)
    assert len(errors) == 1 and "destinationArn" in errors[0] and "missing" in errors[0]


def test_required_list_missing_is_rejected():
    assert any("items" in e for e in check_parsed(out("ListServiceNetworks"), {}))


def test_wrong_scalar_type_is_rejected():
    body = good_access_log_subscription()
    body["createdAt"] = "2024-01-02T03:04:05Z"  # botocore parses timestamps to datetime
    errors = check_parsed(out("GetAccessLogSubscription"), body)
    assert len(errors) == 1 and "createdAt" in errors[0] and "timestamp" in errors[0]


@pytest.mark.parametrize(
    "member,value",
    [("port", "80"), ("port", True), ("name", 5), ("createdAt", 17), ("status", ["ACTIVE"])],
)
def test_wrong_type_in_nested_list_item_is_rejected(member, value):
    item = good_service_summary()
    item[member] = value
    if member == "port":
        shape = out("ListListeners")
        item = {"id": "listener-0123456789abcdef0", "port": value}
    else:
        shape = out("ListServices")
    errors = check_parsed(shape, {"items": [item]})
    assert errors and f"$.items[0].{member}" in errors[0]


def test_boolean_must_be_bool():
    shape = out("GetServiceNetworkVpcAssociation")
    assert check_parsed(shape, {"privateDnsEnabled": True}) == []
    assert check_parsed(shape, {"privateDnsEnabled": "true"})


def test_enum_value_outside_model_is_rejected():
    item = good_service_summary()
    item["status"] = "AVAILABLE"
    errors = check_parsed(out("ListServices"), {"items": [item]})
    assert len(errors) == 1 and "enum" in errors[0]


def test_pattern_and_length_are_enforced():
    item = good_service_summary()
    item["id"] = "service-1"
    item["name"] = "x" * 41
    errors = check_parsed(out("ListServices"), {"items": [item]})
    assert any("pattern" in e and ".id" in e for e in errors)
    assert any("max" in e and ".name" in e for e in errors)


def test_unknown_member_is_rejected():
    body = good_access_log_subscription()
    body["serviceArn"] = SVC_ARN
    errors = check_parsed(out("GetAccessLogSubscription"), body)
    assert len(errors) == 1 and "serviceArn" in errors[0]


def test_unknown_member_in_nested_structure_is_rejected():
    shape = out("GetTargetGroup")
    body = {"config": {"port": 80, "healthCheck": {"enabled": True, "interval": 30}}}
    errors = check_parsed(shape, body)
    assert len(errors) == 1 and "$.config.healthCheck" in errors[0] and "interval" in errors[0]


def test_map_values_are_checked():
    shape = out("ListTagsForResource")
    assert check_parsed(shape, {"tags": {"k": "v"}}) == []
    assert check_parsed(shape, {"tags": {"k": 1}})
    assert check_parsed(shape, {"tags": [{"key": "k", "value": "v"}]})


def test_list_size_limits_are_checked():
    shape = out("GetListener")
    tg = {"targetGroupIdentifier": "tg-0123456789abcdef0", "weight": 1}
    assert check_parsed(shape, {"defaultAction": {"forward": {"targetGroups": [tg]}}}) == []
    errors = check_parsed(shape, {"defaultAction": {"forward": {"targetGroups": [tg] * 11}}})
    assert errors and "above max" in errors[0]


def test_raw_body_with_unknown_key_is_rejected():
    raw = {"id": "als-0123456789abcdef0", "arn": ALS_ARN, "resourceId": "svc-0123456789abcdef0",
           "resourceArn": SVC_ARN, "destinationArn": DEST_ARN, "createdAt": "2024-01-02T03:04:05.000Z",
           "lastUpdatedAt": "2024-01-02T03:04:05Z"}
    assert check_raw(out("GetAccessLogSubscription"), raw) == []
    raw["DestinationArn"] = DEST_ARN
    errors = check_raw(out("GetAccessLogSubscription"), raw)
    assert len(errors) == 1 and "DestinationArn" in errors[0]


def test_raw_timestamp_must_use_the_model_wire_format():
    raw = {"id": "als-0123456789abcdef0", "createdAt": 1704164645.0}
    errors = check_raw(out("GetAccessLogSubscription"), raw)
    assert len(errors) == 1 and "ISO 8601" in errors[0]


def test_raw_nested_unknown_key_is_rejected():
    raw = {"items": [{"id": "svc-0123456789abcdef0", "Name": "x"}]}
    errors = check_raw(out("ListServices"), raw)
    assert len(errors) == 1 and "$.items[0]" in errors[0]


def test_error_response_missing_modeled_member_is_rejected():
    op = MODEL.operation_model("GetService")
    parsed = {"Error": {"Code": "ResourceNotFoundException", "Message": "nope"}, "message": "nope",
              "resourceId": "svc-0123456789abcdef0", "ResponseMetadata": {}}
    errors = check_error(op, parsed)
    assert len(errors) == 1 and "resourceType" in errors[0]


def test_error_code_not_declared_for_operation_is_rejected():
    op = MODEL.operation_model("GetService")
    parsed = {"Error": {"Code": "NoSuchService", "Message": "nope"}, "message": "nope", "ResponseMetadata": {}}
    assert check_error(op, parsed)


# ----------------------------------------------------------------- wiring into a real client


class _FakeAws(BaseHTTPRequestHandler):
    reply: tuple[int, dict, dict] = (200, {}, {})

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status, headers, body = type(self).reply
        data = json.dumps(body).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_aws():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeAws)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    validator = ResponseValidator()
    from clients import make_client

    client = make_client(f"http://127.0.0.1:{server.server_address[1]}", "vpc-lattice", retries=0,
                         validate_responses=False)
    validator.register(client)
    yield client, validator
    server.shutdown()
    server.server_close()


def _service_body(**extra):
    body = {"id": "svc-0123456789abcdef0", "arn": SVC_ARN, "name": "my-service", "status": "ACTIVE",
            "createdAt": "2024-01-02T03:04:05.000Z"}
    body.update(extra)
    return body


def test_client_hook_accepts_a_valid_response_and_counts_it(fake_aws):
    client, validator = fake_aws
    _FakeAws.reply = (200, {}, _service_body())
    assert client.get_service(serviceIdentifier="svc-0123456789abcdef0")["name"] == "my-service"
    assert validator.validated == {"GetService": 1}


def test_client_hook_rejects_unknown_raw_key_botocore_would_drop(fake_aws):
    client, validator = fake_aws
    _FakeAws.reply = (200, {}, _service_body(serviceName="my-service"))
    with pytest.raises(ShapeMismatch, match="serviceName"):
        client.get_service(serviceIdentifier="svc-0123456789abcdef0")
    assert validator.validated == {}


def test_client_hook_rejects_wrong_type(fake_aws):
    client, dummy = fake_aws
    _FakeAws.reply = (200, {}, _service_body(status=1))
    with pytest.raises(ShapeMismatch, match="status"):
        client.get_service(serviceIdentifier="svc-0123456789abcdef0")


def test_client_hook_rejects_missing_required_member(fake_aws):
    client, dummy = fake_aws
    _FakeAws.reply = (200, {}, {"nextToken": "abc"})
    with pytest.raises(ShapeMismatch, match="items"):
        client.list_service_networks()


def test_client_hook_rejects_wrong_success_status(fake_aws):
    client, dummy = fake_aws
    _FakeAws.reply = (200, {}, _service_body())  # CreateService answers 201 in AWS
    with pytest.raises(ShapeMismatch, match="201"):
        client.create_service(name="my-service")


def test_client_hook_rejects_error_without_modeled_members(fake_aws):
    client, dummy = fake_aws
    _FakeAws.reply = (404, {"x-amzn-ErrorType": "ResourceNotFoundException"}, {"message": "not found"})
    with pytest.raises(ShapeMismatch, match="resourceId"):
        client.get_service(serviceIdentifier="svc-0123456789abcdef0")


def test_client_hook_lets_a_valid_error_through_as_client_error(fake_aws):
    client, validator = fake_aws
    _FakeAws.reply = (404, {"x-amzn-ErrorType": "ResourceNotFoundException"},
                      {"message": "not found", "resourceId": "svc-0123456789abcdef0", "resourceType": "SERVICE"})
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_service(serviceIdentifier="svc-0123456789abcdef0")
    assert validator.errors_validated == {"GetService": 1}
