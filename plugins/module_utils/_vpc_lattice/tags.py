# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tags of Lattice resources: a plain ``{"key": "value"}`` dict on every API call.

The comparison is amazon.aws's ``compare_aws_tags`` (``tags`` + ``purge_tags``), so behaviour matches
every amazon.aws module: ``tags`` unset leaves tags alone, keys starting with ``aws:`` are never removed.
"""

from ansible.module_utils._text import to_text
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from .common import call

RESERVED_PREFIX = "aws:"
MAX_TAGS = 200
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
# What get_tags answers, with ``tolerate_denied``, for a resource whose tags AWS does not let this account read:
# another account's resource shared with it through AWS RAM (its tags are its owner's).
TAGS_DENIED = "tags denied"


def validate_tags(tags, field="tags"):
    """None when ``tags`` can be sent to Lattice, else a message naming the problem."""
    if tags is None:
        return None
    if not isinstance(tags, dict):
        return f"{field}: expected a dictionary of tag keys to values"
    problems = []
    reserved = sorted(key for key in tags if to_text(key).lower().startswith(RESERVED_PREFIX))
    if reserved:
        problems.append(
            f"keys starting with '{RESERVED_PREFIX}' are reserved by AWS and cannot be set ({', '.join(reserved)})"
        )
    too_long = sorted(to_text(key) for key in tags if not 1 <= len(to_text(key)) <= MAX_KEY_LENGTH)
    if too_long:
        problems.append(f"keys must be 1-{MAX_KEY_LENGTH} characters ({', '.join(repr(k) for k in too_long)})")
    long_values = sorted(to_text(key) for key, value in tags.items() if len(_tag_value(value)) > MAX_VALUE_LENGTH)
    if long_values:
        problems.append(
            f"values must be at most {MAX_VALUE_LENGTH} characters (the values of {', '.join(long_values)})"
        )
    if len(tags) > MAX_TAGS:
        problems.append(f"a resource takes at most {MAX_TAGS} tags, not {len(tags)}")
    if problems:
        return f"{field}: " + "; ".join(problems) + "."
    return None


def _tag_value(value):
    # Lattice stores text. Ansible may hand over numbers or booleans; send them as their text
    # (the same conversion compare_aws_tags compares with).
    return "" if value is None else to_text(value)


def tags_to_api(tags):
    """The ``tags`` argument of a Create* call: text keys and values, or None when there are none."""
    if not tags:
        return None
    return {to_text(key): _tag_value(value) for key, value in tags.items()}


def tag_changes(current, desired, purge_tags=True):
    """``(to_set, to_unset)``: the tags to write and the keys to remove so that ``current`` matches
    ``desired`` under ``purge_tags``. ``desired=None`` means "leave tags alone": nothing to do.
    Keys beginning with ``aws:`` are never removed."""
    if desired is None:
        return {}, []
    to_set, to_unset = compare_aws_tags(current or {}, tags_to_api(desired) or {}, purge_tags)
    to_unset = sorted(key for key in to_unset if not key.lower().startswith(RESERVED_PREFIX))
    return {key: _tag_value(value) for key, value in to_set.items()}, to_unset


def apply_tag_changes(current, to_set, to_unset):
    """The tags a resource will have once ``to_set``/``to_unset`` are applied (for check mode and diffs)."""
    result = {key: value for key, value in (current or {}).items() if key not in set(to_unset)}
    result.update(to_set)
    return result


def get_tags(client, arn, tolerate_denied=False):
    """The tags of a resource, or None when the resource is not (or not yet) visible; with ``tolerate_denied``,
    TAGS_DENIED when AWS denies reading them (a resource another account shares with this one)."""
    result = call(
        f"list tags of {arn}",
        client.list_tags_for_resource,
        resourceArn=arn,
        aws_retry=True,
        missing=lambda: None,
        denied=(lambda: TAGS_DENIED) if tolerate_denied else None,
    )
    if result is None or result == TAGS_DENIED:
        return result
    return result.get("tags") or {}


def ensure_tags(client, arn, current, desired, purge_tags=True, check_mode=False):
    """Make the tags of ``arn`` match ``desired``; ``(changed, tags_after)``.

    ``current`` is what ``get_tags`` returned. No call is made in check mode, nor when nothing changes.
    """
    current = current or {}
    to_set, to_unset = tag_changes(current, desired, purge_tags)
    if not to_set and not to_unset:
        return False, dict(current)
    if not check_mode:
        if to_unset:
            call(f"remove tags from {arn}", client.untag_resource, resourceArn=arn, tagKeys=to_unset, aws_retry=True)
        if to_set:
            call(f"tag {arn}", client.tag_resource, resourceArn=arn, tags=to_set, aws_retry=True)
    return True, apply_tag_changes(current, to_set, to_unset)
