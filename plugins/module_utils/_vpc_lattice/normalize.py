# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Turning Lattice API answers into Ansible results, and comparing what is with what is wanted.

Pure functions only (no AWS calls).
"""

import copy
import datetime
import json

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

# Keys whose values are user data and must keep their own spelling when snake-casing.
DEFAULT_IGNORED_KEYS = ("tags",)


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def normalize_resource(resource, tags=None, ignore_keys=()):
    """A boto3 answer as an Ansible result: ResponseMetadata dropped, timestamps as ISO 8601 text, keys
    snake_cased (``numberOfAssociatedVPCs`` -> ``number_of_associated_vpcs``), and ``tags`` (a plain
    dict, kept as is) added when given.

    ``ignore_keys`` lists further keys whose values keep their spelling (e.g. a ``policy`` document).
    """
    if not resource:
        return {}
    result = {key: value for key, value in resource.items() if key != "ResponseMetadata"}
    if tags is not None:
        result["tags"] = dict(tags)
    result = _jsonable(result)
    return camel_dict_to_snake_dict(result, ignore_list=list(DEFAULT_IGNORED_KEYS) + list(ignore_keys))


def values_equal(current, desired):
    """True when ``current`` (from AWS) already satisfies ``desired`` (from the user).

    ``None`` anywhere in ``desired`` means "not specified": it matches anything. Dicts are compared
    key by key on the keys ``desired`` sets; lists element by element, in order (sort them first when
    order does not matter). Booleans never equal numbers, and numbers compare by value (5 == 5.0).
    """
    if desired is None:
        return True
    if isinstance(desired, dict):
        if not isinstance(current, dict):
            return False
        return all(values_equal(current.get(key), value) for key, value in desired.items())
    if isinstance(desired, (list, tuple)):
        if not isinstance(current, (list, tuple)) or len(current) != len(desired):
            return False
        return all(values_equal(left, right) for left, right in zip(current, desired))
    if isinstance(desired, bool) or isinstance(current, bool):
        return isinstance(desired, bool) and isinstance(current, bool) and desired == current
    return current == desired


def changed_fields(current, desired):
    """The entries of ``desired`` (API-shaped, e.g. ``{"authType": "AWS_IAM"}``) that ``current`` does not
    already satisfy; entries that are None (options the user did not set) are left out."""
    current = current or {}
    return {
        key: value for key, value in desired.items() if value is not None and not values_equal(current.get(key), value)
    }


def immutable_changes(current, desired, defaults=None):
    """The fields that cannot change in place but would: a list of ``(field, current, desired)``.

    ``desired`` is API-shaped and only set fields count; ``defaults`` supplies what AWS means when
    it leaves a field out of its answer (e.g. ``{"sharingConfig": {"enabled": False}}``).
    """
    defaults = defaults or {}
    problems = []
    for key, value in desired.items():
        if value is None:
            continue
        existing = (current or {}).get(key)
        if existing is None:
            existing = defaults.get(key)
        if not values_equal(existing, value):
            problems.append((key, existing, value))
    return problems


def merge_dicts(current, changes):
    """A copy of ``current`` with ``changes`` applied recursively (None values in ``changes`` skipped):
    what a resource will look like after an update, for check mode and diffs."""
    result = copy.deepcopy(current) if current else {}
    for key, value in changes.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge_dicts(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def policy_documents_equal(left, right):
    """Compare two IAM-style policies (JSON text or dicts) as documents, not as text."""

    def _load(value):
        if value is None or value == "":
            return None
        return json.loads(value) if isinstance(value, str) else value

    left, right = _load(left), _load(right)
    if left is None or right is None:
        return left is None and right is None
    return not compare_policies(left, right)


def describe_value(value):
    """A short, stable rendering of a value for error messages (JSON with sorted keys)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)
