"""WSGI middleware in front of moto: the request log, fault injection and the control API.

Everything here works on the raw request, so it applies to every AWS service moto serves,
not only to our Lattice backend.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import threading
import uuid
from dataclasses import asdict, dataclass
from functools import cache
from urllib.parse import parse_qs, unquote, urlsplit

import botocore.session
from botocore.exceptions import UnknownServiceError

from local_aws.config import CONFIG

CONTROL_PREFIX = "/_local/"
READ_OPERATION = re.compile(r"^(Get|List|Describe|Head|BatchGet|Search|Lookup)[A-Z]")
# Temporary credentials change nothing in the account (CloudTrail records them as read-only).
READ_ONLY_CALLS = {("sts", "AssumeRole"), ("sts", "AssumeRoleWithWebIdentity"), ("sts", "AssumeRoleWithSAML")}
CREDENTIAL_SCOPE = re.compile(r"Credential=(?P<key>[^/,\s]+)/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")
# Signing names that differ from botocore's service names.
SERVICE_BY_SIGNING_NAME = {"monitoring": "cloudwatch", "states": "stepfunctions", "execute-api": "apigateway"}


@dataclass
class LoggedRequest:
    service: str
    operation: str
    mutating: bool
    status: int
    region: str
    account: str


@cache
def _service_model(service: str):
    return botocore.session.get_session().get_service_model(service)


def _protocol(service: str) -> str | None:
    try:
        return _service_model(service).protocol
    except UnknownServiceError:
        return None


@cache
def _rest_routes(service: str) -> list[tuple[str, re.Pattern, str]]:
    """(method, path regex, operation) for a REST service, most specific (longest literal path) first."""
    model = _service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path = http["requestUri"].split("?")[0]
        regex = re.escape(path)
        regex = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", regex)
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", regex)
        literal = len(re.sub(r"\{[^}]+\}", "", path))
        routes.append((http["method"], re.compile(f"^{regex}/?$"), name, literal))
    routes.sort(key=lambda route: -route[3])
    return [route[:3] for route in routes]


def _read_body(environ: dict) -> bytes:
    """Read the request body and put it back so that moto can read it again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def identify(environ: dict) -> tuple[str, str, str, str]:
    """(service, operation, region, access key) of an AWS request, from its signature and the model."""
    scope = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not scope:
        return "unknown", "unknown", "", ""
    signing_name = scope["service"]
    service = SERVICE_BY_SIGNING_NAME.get(signing_name, signing_name)
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return service, target.split(".")[-1], scope["region"], scope["key"]
    protocol = _protocol(service)
    if protocol is None:  # a service botocore does not know: still log the request
        return service, "unknown", scope["region"], scope["key"]
    if protocol in ("query", "ec2"):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "Action" not in query:
            query = parse_qs(_read_body(environ).decode("utf-8", "replace"))
        return service, query.get("Action", ["unknown"])[0], scope["region"], scope["key"]
    raw_path = urlsplit(environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ.get("PATH_INFO", "")).path
    method = environ.get("REQUEST_METHOD", "GET")
    for route_method, regex, name in _rest_routes(service):
        if route_method == method and regex.match(raw_path):
            return service, name, scope["region"], scope["key"]
    return service, "unknown", scope["region"], scope["key"]


def _fault_response(service: str, kind: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """An error in the wire format of the service's protocol, with the code its SDK retries on."""
    protocol = _protocol(service) or "json"
    request_id = str(uuid.uuid4())
    throttled = kind == "throttle"
    if protocol == "ec2":
        code, status = ("RequestLimitExceeded", "503 Service Unavailable") if throttled else (
            "InternalError", "500 Internal Server Error")
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>injected fault</Message></Error></Errors>"
                f"<RequestID>{request_id}</RequestID></Response>")
        return status, [("Content-Type", "text/xml")], body.encode()
    if protocol in ("query", "rest-xml"):
        code, status = ("Throttling", "400 Bad Request") if throttled else (
            "InternalFailure", "500 Internal Server Error")
        body = (f"<ErrorResponse><Error><Type>{'Sender' if throttled else 'Receiver'}</Type><Code>{code}</Code>"
                f"<Message>injected fault</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
        return status, [("Content-Type", "text/xml")], body.encode()
    if protocol == "rest-json":
        code, status = ("ThrottlingException", "429 Too Many Requests") if throttled else (
            "InternalServerException", "500 Internal Server Error")
    else:
        code, status = ("ThrottlingException", "400 Bad Request") if throttled else (
            "InternalFailure", "500 Internal Server Error")
    headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", code), ("x-amzn-RequestId", request_id)]
    return status, headers, json.dumps({"__type": code, "message": "injected fault"}).encode()


def account_of(access_key: str) -> str:
    """The account moto serves a request signed with ``access_key`` from.

    Like moto's own lookup, but it only reads the IAM backends that exist: moto's builds one per
    partition as it looks, and each loads ~1,000 AWS managed policies.
    """
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends

    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    for account_id, partitions in list(iam_backends.items()):
        # dict.values: the backends already built, without building the others.
        if any(access_key in backend.access_keys for backend in list(dict.values(partitions))):
            return account_id
    return DEFAULT_ACCOUNT_ID


class LocalAWSMiddleware:
    def __init__(self, app, request_log_path: str | None = None):
        self.app = app
        self.requests: list[LoggedRequest] = []
        self.request_log_path = request_log_path
        # moto's backends are not thread-safe; one request at a time also keeps faults
        # deterministic for a given seed and request sequence.
        self.lock = threading.Lock()
        self.rng = random.Random(CONFIG.seed)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            with self.lock:
                return self.control(environ, start_response, path[len(CONTROL_PREFIX):].strip("/"))
        if path.startswith("/moto-api"):
            with self.lock:
                return self.app(environ, start_response)
        with self.lock:
            service, operation, region, access_key = identify(environ)
            fault = self.draw_fault()
            if fault:
                status, headers, body = _fault_response(service, fault)
                self.record(service, operation, region, access_key, int(status.split()[0]))
                start_response(status, headers + [("Content-Length", str(len(body)))])
                return [body]
            seen = {}

            def recording_start_response(status, headers, exc_info=None):
                seen["status"] = int(status.split()[0])
                return start_response(status, headers, exc_info)

            body = b"".join(self.app(environ, recording_start_response))
            self.record(service, operation, region, access_key, seen.get("status", 0))
            return [body]

    def draw_fault(self) -> str | None:
        if not (CONFIG.throttle_rate or CONFIG.error_rate):
            return None
        draw = self.rng.random()
        if draw < CONFIG.throttle_rate:
            return "throttle"
        if draw < CONFIG.throttle_rate + CONFIG.error_rate:
            return "error"
        return None

    def record(self, service: str, operation: str, region: str, access_key: str, status: int) -> None:
        # The account, never the key: the log is read by tests and benchmarks and may be printed.
        mutating = not READ_OPERATION.match(operation) and (service, operation) not in READ_ONLY_CALLS
        account = account_of(access_key) if access_key else ""
        entry = LoggedRequest(service, operation, mutating, status, region, account)
        self.requests.append(entry)
        if self.request_log_path:
            with open(self.request_log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(asdict(entry)) + "\n")

    def control(self, environ, start_response, route: str):
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if route == "config" and method == "POST":
                CONFIG.update(json.loads(_read_body(environ) or b"{}"))
                self.rng = random.Random(CONFIG.seed)
                return _json(start_response, "200 OK", CONFIG.as_dict())
            if route == "config" and method == "GET":
                return _json(start_response, "200 OK", CONFIG.as_dict())
            if route == "requests" and method == "GET":
                return _json(start_response, "200 OK", {"requests": [asdict(r) for r in self.requests]})
            if route == "requests" and method == "DELETE":
                self.requests.clear()
                return _json(start_response, "200 OK", {"requests": []})
            if route == "health":
                return _json(start_response, "200 OK", {"status": "ok"})
        except (ValueError, TypeError) as error:
            return _json(start_response, "400 Bad Request", {"message": str(error)})
        message = f"no control route {method} /_local/{unquote(route)}"
        return _json(start_response, "404 Not Found", {"message": message})


def _json(start_response, status: str, payload: dict):
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
