"""How the middleware names requests and draws faults."""

import io

from local_aws.config import CONFIG
from local_aws.middleware import LocalAWSMiddleware, identify


def environ(service, method="GET", path="/", query="", body=b"", target=None):
    env = {
        "HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host, Signature=abc",
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "REQUEST_URI": path + (f"?{query}" if query else ""),
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    if target:
        env["HTTP_X_AMZ_TARGET"] = target
    return env


def test_rest_json_operation_is_found_from_method_and_path():
    get_service = environ("vpc-lattice", "GET", "/services/svc-0123456789abcdef0")
    assert identify(get_service)[:2] == ("vpc-lattice", "GetService")
    assert identify(environ("vpc-lattice", "GET", "/services"))[1] == "ListServices"
    assert identify(environ("vpc-lattice", "DELETE", "/services/svc-1/listeners/listener-1"))[1] == "DeleteListener"


def test_encoded_arn_in_the_path_matches_a_single_label():
    arn = "arn%3Aaws%3Avpc-lattice%3Aus-east-1%3A123456789012%3Aservicenetwork%2Fsn-0123456789abcdef0"
    assert identify(environ("vpc-lattice", "GET", f"/tags/{arn}"))[1] == "ListTagsForResource"


def test_query_protocol_action_is_read_from_the_body_and_the_body_is_kept():
    env = environ("ec2", "POST", body=b"Action=DescribeVpcs&Version=2016-11-15")
    assert identify(env)[1] == "DescribeVpcs"
    assert env["wsgi.input"].read() == b"Action=DescribeVpcs&Version=2016-11-15"


def test_json_protocol_operation_comes_from_the_target_header():
    assert identify(environ("kms", "POST", target="TrentService.CreateKey"))[1] == "CreateKey"


def test_unsigned_request_is_unknown():
    assert identify({"REQUEST_METHOD": "GET", "PATH_INFO": "/"})[:2] == ("unknown", "unknown")


def test_fault_draws_repeat_for_the_same_seed():
    CONFIG.update({"throttle_rate": 0.3, "error_rate": 0.2, "seed": 7})
    try:
        first = LocalAWSMiddleware(app=None)
        second = LocalAWSMiddleware(app=None)
        draws = [first.draw_fault() for dummy in range(50)]
        assert draws == [second.draw_fault() for dummy in range(50)]
        assert {"throttle", "error", None} == set(draws)
    finally:
        CONFIG.update({"throttle_rate": 0.0, "error_rate": 0.0, "seed": 0})
