"""Check AWS responses against botocore's service model.

Two views of one response are checked:

* the *parsed* response (what boto3 returns): every required member present, every member of the
  right Python type (string/enum, int, bool, datetime, list, dict, nested structure), string
  lengths/patterns, integer ranges and list sizes within the model, and no key the shape lacks;
* the *raw* JSON body (what went over the wire): botocore silently drops keys it does not know,
  so the raw body is where an unknown member, a wrongly named member or a timestamp in the wrong
  wire format shows up.

``ResponseValidator`` wires both checks into a boto3 client through botocore events and records
which operations returned a validated success response.
"""

from __future__ import annotations

import datetime
import json
import re
import threading
from collections.abc import Iterable

from botocore.model import OperationModel, Shape

# Keys a rest-json error body may carry besides the error shape's members (protocol envelope).
ERROR_ENVELOPE_KEYS = frozenset({"__type", "code", "Code", "message", "Message"})
# Errors any AWS operation may return even when its model does not list them.
UNIVERSAL_ERRORS = frozenset({"ThrottlingException", "InternalServerException", "AccessDeniedException"})

_ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")
_PATTERN_CACHE: dict[str, re.Pattern] = {}


class ShapeMismatch(AssertionError):
    """A response does not match the operation's shape in botocore's model."""


def _pattern(expr: str) -> re.Pattern:
    if expr not in _PATTERN_CACHE:
        _PATTERN_CACHE[expr] = re.compile(expr)
    return _PATTERN_CACHE[expr]


def _serialized_name(member_name: str, member: Shape) -> str:
    return member.serialization.get("name", member_name)


def _body_members(shape: Shape) -> dict[str, tuple[str, Shape]]:
    """Members carried in the JSON body, keyed by their wire name."""
    out = {}
    for name, member in shape.members.items():
        if member.serialization.get("location"):
            continue
        out[_serialized_name(name, member)] = (name, member)
    return out


def _check_scalar_limits(shape: Shape, value, path: str, errors: list[str]) -> None:
    meta = shape.metadata
    if shape.type_name == "string":
        if "enum" in meta and value not in meta["enum"]:
            errors.append(f"{path}: {value!r} is not one of the enum {shape.name} {sorted(meta['enum'])}")
        if "min" in meta and len(value) < meta["min"]:
            errors.append(f"{path}: string of length {len(value)} below min {meta['min']} ({shape.name})")
        if "max" in meta and len(value) > meta["max"]:
            errors.append(f"{path}: string of length {len(value)} above max {meta['max']} ({shape.name})")
        if "pattern" in meta and not _pattern(meta["pattern"]).search(value):
            errors.append(f"{path}: {value!r} does not match pattern {meta['pattern']!r} ({shape.name})")
    elif shape.type_name in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            errors.append(f"{path}: {value} below min {meta['min']} ({shape.name})")
        if "max" in meta and value > meta["max"]:
            errors.append(f"{path}: {value} above max {meta['max']} ({shape.name})")


def _check_collection_size(shape: Shape, size: int, path: str, errors: list[str]) -> None:
    meta = shape.metadata
    if "min" in meta and size < meta["min"]:
        errors.append(f"{path}: {size} entries, below min {meta['min']} ({shape.name})")
    if "max" in meta and size > meta["max"]:
        errors.append(f"{path}: {size} entries, above max {meta['max']} ({shape.name})")


def check_parsed(shape: Shape, value, path: str = "$", ignore: Iterable[str] = ()) -> list[str]:
    """Mismatches between a botocore-parsed value and ``shape`` (empty list when it matches)."""
    errors: list[str] = []
    _parsed(shape, value, path, errors, frozenset(ignore))
    return errors


def _type_error(path: str, shape: Shape, value) -> str:
    return f"{path}: expected {shape.type_name} ({shape.name}), got {type(value).__name__} {value!r:.80}"


def _parsed(shape: Shape, value, path: str, errors: list[str], ignore: frozenset = frozenset()) -> None:
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            errors.append(_type_error(path, shape, value))
            return
        if shape.metadata.get("document"):
            return
        for req in shape.required_members:
            if value.get(req) is None:
                errors.append(f"{path}: required member {req!r} of {shape.name} is missing")
        for key, sub in value.items():
            if key in ignore:
                continue
            if key not in shape.members:
                errors.append(f"{path}: member {key!r} is not in shape {shape.name} {sorted(shape.members)}")
                continue
            _parsed(shape.members[key], sub, f"{path}.{key}", errors)
    elif t == "list":
        if not isinstance(value, list):
            errors.append(_type_error(path, shape, value))
            return
        _check_collection_size(shape, len(value), path, errors)
        for i, item in enumerate(value):
            _parsed(shape.member, item, f"{path}[{i}]", errors)
    elif t == "map":
        if not isinstance(value, dict):
            errors.append(_type_error(path, shape, value))
            return
        _check_collection_size(shape, len(value), path, errors)
        for k, v in value.items():
            _parsed(shape.key, k, f"{path}<key {k!r}>", errors)
            _parsed(shape.value, v, f"{path}[{k!r}]", errors)
    elif t == "string":
        if not isinstance(value, str):
            errors.append(_type_error(path, shape, value))
            return
        _check_scalar_limits(shape, value, path, errors)
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(_type_error(path, shape, value))
            return
        _check_scalar_limits(shape, value, path, errors)
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append(_type_error(path, shape, value))
    elif t == "timestamp":
        if not isinstance(value, datetime.datetime):
            errors.append(_type_error(path, shape, value))
    elif t in ("float", "double"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.append(_type_error(path, shape, value))
    elif t == "blob":
        if not isinstance(value, (bytes, bytearray)):
            errors.append(_type_error(path, shape, value))
    else:
        errors.append(f"{path}: shape type {t!r} is not handled by the validator")


def check_raw(shape: Shape, value, path: str = "$", extra_keys: Iterable[str] = ()) -> list[str]:
    """Mismatches between a decoded rest-json body and ``shape``: wire names, JSON types, timestamp format."""
    errors: list[str] = []
    _raw(shape, value, path, errors, frozenset(extra_keys))
    return errors


def _raw(shape: Shape, value, path: str, errors: list[str], extra_keys: frozenset = frozenset()) -> None:
    if value is None:
        # AWS omits absent members; botocore treats null like absent, so this is harmless.
        return
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            errors.append(f"raw {_type_error(path, shape, value)}")
            return
        if shape.metadata.get("document"):
            return
        body = _body_members(shape)
        for key, sub in value.items():
            if key in body:
                _raw(body[key][1], sub, f"{path}.{key}", errors)
            elif key not in extra_keys:
                errors.append(f"raw {path}: key {key!r} is not a body member of {shape.name} {sorted(body)}")
    elif t == "list":
        if not isinstance(value, list):
            errors.append(f"raw {_type_error(path, shape, value)}")
            return
        for i, item in enumerate(value):
            _raw(shape.member, item, f"{path}[{i}]", errors)
    elif t == "map":
        if not isinstance(value, dict):
            errors.append(f"raw {_type_error(path, shape, value)}")
            return
        for k, v in value.items():
            _raw(shape.value, v, f"{path}[{k!r}]", errors)
    elif t == "string":
        if not isinstance(value, str):
            errors.append(f"raw {_type_error(path, shape, value)}")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(f"raw {_type_error(path, shape, value)}")
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append(f"raw {_type_error(path, shape, value)}")
    elif t == "timestamp":
        fmt = shape.serialization.get("timestampFormat") or shape.metadata.get("timestampFormat") or "unixTimestamp"
        if fmt == "iso8601":
            if not isinstance(value, str) or not _ISO8601.match(value):
                errors.append(f"raw {path}: timestamp {value!r} is not ISO 8601 as {shape.name} requires")
        elif fmt == "unixTimestamp" and (not isinstance(value, (int, float)) or isinstance(value, bool)):
            errors.append(f"raw {path}: timestamp {value!r} is not epoch seconds as {shape.name} requires")
    elif t in ("float", "double") and (not isinstance(value, (int, float)) or isinstance(value, bool)):
        errors.append(f"raw {_type_error(path, shape, value)}")


def check_error(operation_model: OperationModel, parsed: dict) -> list[str]:
    """Check a parsed error response: a code the operation may return and the error shape's members."""
    code = parsed.get("Error", {}).get("Code")
    declared = {s.name: s for s in operation_model.error_shapes}
    service = operation_model.service_model
    if code not in declared and code not in UNIVERSAL_ERRORS:
        return [f"{operation_model.name}: error code {code!r} is not declared for the operation {sorted(declared)}"]
    shape = declared.get(code) or service.shape_for(code)
    return check_parsed(shape, parsed, ignore={"Error", "ResponseMetadata"})


def error_shape_for(operation_model: OperationModel, code: str | None) -> Shape | None:
    for s in operation_model.error_shapes:
        if s.name == code:
            return s
    if code in operation_model.service_model.shape_names:
        shape = operation_model.service_model.shape_for(code)
        if shape.metadata.get("exception"):
            return shape
    return None


def _error_code_from_raw(headers: dict, body) -> str | None:
    code = None
    for k, v in headers.items():
        if k.lower() == "x-amzn-errortype":
            code = v
    if not code and isinstance(body, dict):
        code = body.get("__type") or body.get("code") or body.get("Code")
    if code:
        code = code.split(":")[0].split("#")[-1]
    return code


class ResponseValidator:
    """botocore event handlers that fail a call whose response does not match the model.

    ``register(client)`` hooks ``before-parse`` (raw body, per attempt) and ``after-call`` (parsed
    response, once per call). A mismatch raises ``ShapeMismatch`` out of the boto3 call, so the
    test making the call fails even if it expected a ClientError. ``validated`` maps each operation
    name to the number of success responses that passed both checks.
    """

    def __init__(self):
        self.validated: dict[str, int] = {}
        self.errors_validated: dict[str, int] = {}
        self._local = threading.local()

    def register(self, client) -> None:
        service_id = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register(f"before-parse.{service_id}", self.before_parse)
        client.meta.events.register(f"after-call.{service_id}", self.after_call)

    def before_parse(self, operation_model, response_dict, **kwargs):
        body = response_dict.get("body") or b""
        status = response_dict.get("status_code")
        errors: list[str] = []
        decoded = None
        if body:
            try:
                decoded = json.loads(body)
            except ValueError:
                errors.append(f"raw body is not JSON: {body[:200]!r}")
        if status is not None and status < 300:
            if operation_model.output_shape is None:
                if decoded not in (None, {}):
                    errors.append(f"operation has no output shape but the body is {decoded!r:.200}")
            elif decoded is None and _body_members(operation_model.output_shape):
                # An empty body is fine only if nothing in it is required.
                req = list(operation_model.output_shape.required_members)
                if req:
                    errors.append(f"empty body, but {req} are required")
            elif decoded is not None:
                errors += check_raw(operation_model.output_shape, decoded)
            expected_status = operation_model.http.get("responseCode", 200)
            if status != expected_status:
                errors.append(f"HTTP status {status}, but the model says {expected_status}")
        elif decoded is not None:
            code = _error_code_from_raw(response_dict.get("headers", {}), decoded)
            shape = error_shape_for(operation_model, code)
            if shape is None:
                errors.append(f"error code {code!r} (HTTP {status}) is not a modeled error of the service")
            else:
                errors += check_raw(shape, decoded, extra_keys=ERROR_ENVELOPE_KEYS)
                want = shape.metadata.get("error", {}).get("httpStatusCode")
                if want is not None and want != status:
                    errors.append(f"{code} returned with HTTP {status}, the model says {want}")
        self._local.raw_ok = not errors
        if errors:
            raise ShapeMismatch(_fmt(operation_model.name, "raw response", errors))

    def after_call(self, http_response, parsed, model, **kwargs):
        status = http_response.status_code
        if status >= 300:
            errors = check_error(model, parsed)
            if errors:
                raise ShapeMismatch(_fmt(model.name, "error response", errors))
            self.errors_validated[model.name] = self.errors_validated.get(model.name, 0) + 1
            return
        errors = []
        if model.output_shape is not None:
            errors = check_parsed(model.output_shape, parsed, ignore={"ResponseMetadata"})
        if errors:
            raise ShapeMismatch(_fmt(model.name, "parsed response", errors))
        if getattr(self._local, "raw_ok", False):
            self.validated[model.name] = self.validated.get(model.name, 0) + 1


def _fmt(op: str, what: str, errors: list[str]) -> str:
    return f"{op}: {what} does not match botocore's model:\n  " + "\n  ".join(errors)
