"""Server-side request validation against botocore's input shapes.

botocore's client checks only required members, types and minimums; AWS itself also
enforces maximums, patterns and enums and answers 400 ValidationException with a
fieldList. Doing the same here keeps a client that skips its own checks honest.
"""

from __future__ import annotations

import re
from functools import cache

from botocore.model import OperationModel, Shape

from local_aws.lattice.exceptions import ValidationException


# Lattice's patterns are written to match a whole value (leading lookaheads, no anchors),
# and the service applies them that way: 'Upper' is rejected although '[a-z0-9-]+' is found in it.
@cache
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _field_errors(shape: Shape, value, path: str) -> list[dict]:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [{"name": path, "message": "Member must be an object"}]
        errors = [
            {"name": _join(path, name), "message": "Member must not be null"}
            for name in shape.required_members
            if value.get(name) is None
        ]
        for name, member_value in value.items():
            if name in shape.members and member_value is not None:
                errors += _field_errors(shape.members[name], member_value, _join(path, name))
        return errors
    if kind == "list":
        if not isinstance(value, list):
            return [{"name": path, "message": "Member must be an array"}]
        errors = _length_errors(shape, len(value), path, "length")
        for index, item in enumerate(value):
            errors += _field_errors(shape.member, item, f"{path}.{index + 1}")
        return errors
    if kind == "map":
        if not isinstance(value, dict):
            return [{"name": path, "message": "Member must be a map"}]
        errors = _length_errors(shape, len(value), path, "length")
        for key, item in value.items():
            errors += _field_errors(shape.key, key, f"{path}.key")
            errors += _field_errors(shape.value, item, f"{path}.{key}")
        return errors
    if kind == "string":
        return _string_errors(shape, value, path)
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            return [{"name": path, "message": "Member must be an integer"}]
        return _range_errors(shape, value, path)
    if kind == "boolean" and not isinstance(value, bool):
        return [{"name": path, "message": "Member must be a boolean"}]
    return []


def _string_errors(shape: Shape, value, path: str) -> list[dict]:
    if not isinstance(value, str):
        return [{"name": path, "message": "Member must be a string"}]
    errors = _length_errors(shape, len(value), path, "length")
    if shape.enum and value not in shape.enum:
        errors.append({"name": path, "message": f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"})
    pattern = shape.metadata.get("pattern")
    if pattern and not _compiled(pattern).fullmatch(value):
        errors.append({"name": path, "message": f"Member must satisfy regular expression pattern: {pattern}"})
    return errors


def _length_errors(shape: Shape, length: int, path: str, what: str) -> list[dict]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and length < low:
        return [{"name": path, "message": f"Member must have {what} greater than or equal to {low}"}]
    if high is not None and length > high:
        return [{"name": path, "message": f"Member must have {what} less than or equal to {high}"}]
    return []


def _range_errors(shape: Shape, value: int, path: str) -> list[dict]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and value < low:
        return [{"name": path, "message": f"Member must have value greater than or equal to {low}"}]
    if high is not None and value > high:
        return [{"name": path, "message": f"Member must have value less than or equal to {high}"}]
    return []


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def validate_input(operation_model: OperationModel, params: dict) -> None:
    """Raise ValidationException listing every field of ``params`` that the model rejects."""
    shape = operation_model.input_shape
    if shape is None:
        return
    errors = _field_errors(shape, params or {}, "")
    if errors:
        count = len(errors)
        details = "; ".join(f"Value at '{e['name']}' failed to satisfy constraint: {e['message']}" for e in errors)
        plural = "s" if count > 1 else ""
        raise ValidationException(f"{count} validation error{plural} detected: {details}", field_list=errors)
