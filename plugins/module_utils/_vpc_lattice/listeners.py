# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Listener and rule specifics: a user's action and match in the API's shape, target groups resolved to IDs,
comparisons that see no difference where AWS fills in defaults, and clear messages for priorities and quotas.

User-shaped values are what the modules' options hold (``forward.target_groups[].target_group``/``weight``,
``fixed_response.status_code``, ``http_match.path_match.exact``...); API-shaped values are what boto3 takes and
returns (``forward.targetGroups[].targetGroupIdentifier``, ``httpMatch.pathMatch.match.exact``...).
"""

import json
import re

from .common import AnsibleLatticeError, error_code
from .identifiers import any_resource_id, same_resource
from .resources import find_resource

LISTENER_PROTOCOLS = ("HTTP", "HTTPS", "TLS_PASSTHROUGH")
# AWS's ports when CreateListener is given none; it documents none for TLS_PASSTHROUGH, so the modules require one.
LISTENER_DEFAULT_PORTS = {"HTTP": 80, "HTTPS": 443}
PORT_RANGE = (1, 65535)
PRIORITY_RANGE = (1, 2000)
WEIGHT_RANGE = (0, 999)
MAX_TARGET_GROUPS = 10
# AWS's weight for a forward action to a single target group that names none.
DEFAULT_WEIGHT = 100
# The model allows 100-599; the API reference says only these are supported.
FIXED_RESPONSE_STATUS_CODES = (404, 500)
MAX_HEADER_MATCHES = 5
HEADER_NAME_MAX = 100
MATCH_VALUE_MAX = 200
METHOD_MAX = 16
PATH_MATCH_TYPES = ("exact", "prefix")
HEADER_MATCH_TYPES = ("exact", "prefix", "contains")
# AWS's defaults when caseSensitive is left out: paths match case-sensitively, header values do not.
PATH_CASE_SENSITIVE_DEFAULT = True
HEADER_CASE_SENSITIVE_DEFAULT = False
TLS_PASSTHROUGH = "TLS_PASSTHROUGH"
TCP = "TCP"
QUOTA_EXCEEDED = "ServiceQuotaExceededException"

_PATH_RE = re.compile(r"^/[a-zA-Z0-9@:%_+.~#?&/=-]*$")
_METHOD_RE = re.compile(r"^[A-Z]+$")


def _chosen(value, choices):
    """The keys of ``choices`` that are set in ``value``."""
    return [choice for choice in choices if (value or {}).get(choice) is not None]


def action_argument_spec():
    """The argument spec of an action option (a listener's default_action, a rule's action), user-shaped."""
    target_group = dict(target_group=dict(type="str", required=True), weight=dict(type="int"))
    return dict(
        type="dict",
        options=dict(
            forward=dict(
                type="dict",
                options=dict(target_groups=dict(type="list", elements="dict", required=True, options=target_group)),
            ),
            fixed_response=dict(type="dict", options=dict(status_code=dict(type="int", required=True))),
        ),
        mutually_exclusive=[("forward", "fixed_response")],
        required_one_of=[("forward", "fixed_response")],
    )


# --------------------------------------------------------------------------- validation (no AWS calls)


def _validate_forward(forward, field):
    groups = forward.get("target_groups") or []
    if not 1 <= len(groups) <= MAX_TARGET_GROUPS:
        return (
            f"{field}.target_groups: a forward action names 1 to {MAX_TARGET_GROUPS} target groups, not {len(groups)}."
        )
    for index, group in enumerate(groups):
        where = f"{field}.target_groups[{index}]"
        if not group.get("target_group"):
            return f"{where}.target_group: give the name, ID or ARN of a target group."
        weight = group.get("weight")
        if weight is None and len(groups) > 1:
            return (
                f"{where}.weight: forwarding to several target groups takes a weight"
                f" ({WEIGHT_RANGE[0]}-{WEIGHT_RANGE[1]}) for each."
            )
        if weight is not None and not WEIGHT_RANGE[0] <= weight <= WEIGHT_RANGE[1]:
            return f"{where}.weight: {weight} is out of range; use {WEIGHT_RANGE[0]} to {WEIGHT_RANGE[1]}."
    references = [group["target_group"] for group in groups]
    repeated = sorted({reference for reference in references if references.count(reference) > 1})
    if repeated:
        return (
            f"{field}.target_groups: each target group may appear once ({', '.join(repeated)} appears more than once)."
        )
    return None


def validate_action(action, field, protocol=None):
    """None when ``action`` (user-shaped) can be sent, else a message naming ``field`` and the fix.

    ``protocol`` is the listener's protocol when known: TLS_PASSTHROUGH listeners only forward.
    """
    if action is None:
        return None
    kinds = _chosen(action, ("forward", "fixed_response"))
    if len(kinds) != 1:
        return f"{field}: set exactly one of forward and fixed_response."
    if kinds == ["fixed_response"]:
        if protocol == TLS_PASSTHROUGH:
            return (
                f"{field}.fixed_response: a {TLS_PASSTHROUGH} listener can only forward; use forward to TCP"
                " target groups."
            )
        status_code = action["fixed_response"].get("status_code")
        if status_code not in FIXED_RESPONSE_STATUS_CODES:
            codes = " and ".join(str(code) for code in FIXED_RESPONSE_STATUS_CODES)
            return f"{field}.fixed_response.status_code: VPC Lattice supports only {codes}, not {status_code}."
        return None
    return _validate_forward(action["forward"], f"{field}.forward")


def _validate_path_match(path_match, field):
    kinds = _chosen(path_match, PATH_MATCH_TYPES)
    if len(kinds) != 1:
        return f"{field}: set exactly one of exact and prefix."
    value = path_match[kinds[0]]
    if len(value) > MATCH_VALUE_MAX or not _PATH_RE.match(value):
        return (
            f"{field}.{kinds[0]}: '{value}' is not a valid path; it must begin with '/', be at most {MATCH_VALUE_MAX}"
            " characters long and use only letters, digits and @:%_+.~#?&/=-"
        )
    return None


def _validate_header_match(header_match, field):
    name = header_match.get("name") or ""
    if not 1 <= len(name) <= HEADER_NAME_MAX:
        return f"{field}.name: a header name is 1 to {HEADER_NAME_MAX} characters long."
    kinds = _chosen(header_match, HEADER_MATCH_TYPES)
    if len(kinds) != 1:
        return f"{field}: set exactly one of exact, prefix and contains."
    value = header_match[kinds[0]]
    if not 1 <= len(value) <= MATCH_VALUE_MAX:
        return f"{field}.{kinds[0]}: the value to match is 1 to {MATCH_VALUE_MAX} characters long."
    return None


def validate_match(match, field="match"):
    """None when ``match`` (user-shaped: ``{"http_match": {...}}``) can be sent, else a message naming the field."""
    if match is None:
        return None
    http_match = match.get("http_match")
    field = f"{field}.http_match"
    if not _chosen(http_match, ("method", "path_match", "header_matches")):
        return f"{field}: set at least one of method, path_match and header_matches."
    method = http_match.get("method")
    if method is not None and not (len(method) <= METHOD_MAX and _METHOD_RE.match(method)):
        return f"{field}.method: '{method}' is not an HTTP method; use uppercase letters, for example GET or POST."
    if http_match.get("path_match") is not None:
        problem = _validate_path_match(http_match["path_match"], f"{field}.path_match")
        if problem:
            return problem
    header_matches = http_match.get("header_matches")
    if header_matches is not None:
        if not 1 <= len(header_matches) <= MAX_HEADER_MATCHES:
            return (
                f"{field}.header_matches: a rule matches 1 to {MAX_HEADER_MATCHES} headers, not {len(header_matches)}."
            )
        for index, header_match in enumerate(header_matches):
            problem = _validate_header_match(header_match, f"{field}.header_matches[{index}]")
            if problem:
                return problem
    return None


def validate_range(value, bounds, field, what):
    """None when ``value`` is unset or within ``bounds``, else a message naming ``field``."""
    if value is None or bounds[0] <= value <= bounds[1]:
        return None
    return f"{field}: {value} is not a valid {what}; use {bounds[0]} to {bounds[1]}."


# --------------------------------------------------------------------------- user shape -> API shape


def match_to_api(match):
    """The API's RuleMatch for a user-shaped ``match``; None when unset. Unset fields are left out (AWS defaults)."""
    if match is None:
        return None
    http_match = match["http_match"]
    result = {}
    if http_match.get("method") is not None:
        result["method"] = http_match["method"]
    path_match = http_match.get("path_match")
    if path_match is not None:
        kind = _chosen(path_match, PATH_MATCH_TYPES)[0]
        result["pathMatch"] = {"match": {kind: path_match[kind]}}
        if path_match.get("case_sensitive") is not None:
            result["pathMatch"]["caseSensitive"] = path_match["case_sensitive"]
    if http_match.get("header_matches") is not None:
        result["headerMatches"] = []
        for header_match in http_match["header_matches"]:
            kind = _chosen(header_match, HEADER_MATCH_TYPES)[0]
            entry = {"name": header_match["name"], "match": {kind: header_match[kind]}}
            if header_match.get("case_sensitive") is not None:
                entry["caseSensitive"] = header_match["case_sensitive"]
            result["headerMatches"].append(entry)
    return {"httpMatch": result}


def _describe_target_group(target_group):
    return f"target group '{target_group['name']}' ({target_group['id']})"


def _check_target_group(target_group, protocol, service_id, field):
    """Refuse a target group the listener cannot forward to, before AWS does."""
    target_group_protocol = (target_group.get("config") or {}).get("protocol")
    if protocol == TLS_PASSTHROUGH and target_group_protocol != TCP:
        raise AnsibleLatticeError(
            message=f"{field}: {_describe_target_group(target_group)} uses {target_group_protocol or 'no protocol'}"
            f" ({target_group.get('type')}); a {TLS_PASSTHROUGH} listener forwards only to TCP target groups"
        )
    if protocol in ("HTTP", "HTTPS") and target_group_protocol == TCP:
        raise AnsibleLatticeError(
            message=f"{field}: {_describe_target_group(target_group)} is a TCP target group; an {protocol} listener"
            f" cannot forward to it (TCP target groups serve {TLS_PASSTHROUGH} listeners)"
        )
    other_services = [arn for arn in target_group.get("serviceArns") or [] if not same_resource(arn, service_id)]
    if service_id and other_services:
        raise AnsibleLatticeError(
            message=f"{field}: {_describe_target_group(target_group)} already serves {', '.join(other_services)};"
            " a target group belongs to one service, so use another target group"
        )


def resolve_action(client, action, protocol, service_id, field):
    """The API's RuleAction for a user-shaped ``action``, target groups (name, ID or ARN) resolved to IDs and
    the default weight filled in; None when unset. Reads only (safe in check mode).

    Fails naming ``field`` when a target group does not exist, appears twice, belongs to another service or does
    not fit the listener's ``protocol``.
    """
    if action is None:
        return None
    if action.get("fixed_response") is not None:
        return {"fixedResponse": {"statusCode": action["fixed_response"]["status_code"]}}
    resolved = []
    for index, entry in enumerate(action["forward"]["target_groups"]):
        where = f"{field}.forward.target_groups[{index}].target_group"
        target_group = find_resource(client, "target_group", entry["target_group"])
        if target_group is None:
            raise AnsibleLatticeError(
                message=f"{where}: no target group has the name, ID or ARN '{entry['target_group']}'"
            )
        _check_target_group(target_group, protocol, service_id, where)
        if any(same_resource(target_group["id"], seen["targetGroupIdentifier"]) for seen in resolved):
            raise AnsibleLatticeError(message=f"{where}: {_describe_target_group(target_group)} is listed twice")
        weight = entry.get("weight")
        resolved.append(
            {"targetGroupIdentifier": target_group["id"], "weight": DEFAULT_WEIGHT if weight is None else weight}
        )
    return {"forward": {"targetGroups": resolved}}


# --------------------------------------------------------------------------- comparisons (API shape)


def comparable_action(action):
    """``action`` (API-shaped) in a canonical form: target groups by ID (never an ARN), in a stable order,
    AWS's default weight filled in."""
    if not action:
        return action
    forward = action.get("forward")
    if forward is not None:
        groups = [
            {
                "targetGroupIdentifier": any_resource_id(group["targetGroupIdentifier"]),
                "weight": DEFAULT_WEIGHT if group.get("weight") is None else group["weight"],
            }
            for group in forward.get("targetGroups") or []
        ]
        return {"forward": {"targetGroups": sorted(groups, key=lambda group: group["targetGroupIdentifier"])}}
    fixed_response = action.get("fixedResponse")
    if fixed_response is not None:
        return {"fixedResponse": {"statusCode": fixed_response.get("statusCode")}}
    return action


def actions_equal(current, desired):
    """True when the ``current`` action (from AWS) already does what ``desired`` (API-shaped) asks."""
    return comparable_action(current) == comparable_action(desired)


def _with_case_default(match, default):
    result = {"match": dict(match.get("match") or {})}
    case_sensitive = match.get("caseSensitive")
    result["caseSensitive"] = default if case_sensitive is None else case_sensitive
    return result


def comparable_match(match):
    """``match`` (API-shaped) in a canonical form: AWS's caseSensitive defaults filled in, header matches in a
    stable order with names compared case-insensitively (HTTP header names are)."""
    if not match or match.get("httpMatch") is None:
        return match
    http_match = match["httpMatch"]
    result = {}
    if http_match.get("method"):
        result["method"] = http_match["method"]
    if http_match.get("pathMatch"):
        result["pathMatch"] = _with_case_default(http_match["pathMatch"], PATH_CASE_SENSITIVE_DEFAULT)
    if http_match.get("headerMatches"):
        headers = [
            dict(_with_case_default(header, HEADER_CASE_SENSITIVE_DEFAULT), name=header["name"].lower())
            for header in http_match["headerMatches"]
        ]
        result["headerMatches"] = sorted(headers, key=lambda header: json.dumps(header, sort_keys=True))
    return {"httpMatch": result}


def matches_equal(current, desired):
    """True when the ``current`` match (from AWS) already selects what ``desired`` (API-shaped) asks."""
    return comparable_match(current) == comparable_match(desired)


# --------------------------------------------------------------------------- messages


def priority_holder(rules, priority, rule_id=None):
    """The rule summary (from ListRules) other than ``rule_id`` that already has ``priority``, or None.
    The default rule has no priority of its own and never holds one."""
    for rule in rules:
        if rule.get("isDefault") or same_resource(rule.get("id"), rule_id):
            continue
        if rule.get("priority") == priority:
            return rule
    return None


def priority_taken_error(holder, priority, listener_description):
    return AnsibleLatticeError(
        message=f"priority: {priority} is already the priority of rule '{holder.get('name')}' ({holder.get('id')})"
        f" of {listener_description}; priorities are unique per listener: choose a free one, or give that rule"
        " another priority first"
    )


def explain_quota(error, subject, quota_name):
    """``error`` (an AnsibleLatticeError) reworded when AWS refused for a ServiceQuotaExceededException; else as is.

    ``subject`` says what is full ("service 'x' (svc-...)"), ``quota_name`` which quota ("Listeners per service").
    """
    if error_code(error.exception) != QUOTA_EXCEEDED:
        return error
    return AnsibleLatticeError(
        message=f"{error.message}: {subject} has reached the VPC Lattice quota '{quota_name}'; delete one you no"
        " longer need, or ask for a higher quota through Service Quotas",
        exception=error.exception,
    )
