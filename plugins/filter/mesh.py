# -*- coding: utf-8 -*-

# Copyright: lattice.mesh contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The mesh declaration (docs/mesh.md): its validator (mesh_problems) and planner (mesh_plan).

Both run on the controller and use the standard library only. Their documentation is in
mesh_problems.yml and mesh_plan.yml next to this file.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Mapping, Sequence

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AUTH_POLICY_MAX_BYTES,
    NETWORK_POLICY_SCOPES,
    network_auth_policy,
    render_policy,
    service_auth_policy,
)

# --- the schema --------------------------------------------------------------------------------

MESH_KEYS = ("service_network", "vpcs", "services", "callers")
NETWORK_KEYS = ("name", "auth_type", "access_logs", "account", "policy_scope")
ACCESS_LOG_KEYS = ("retention_days",)
VPC_KEYS = ("name", "cidr", "subnets", "associate", "account")
SUBNET_KEYS = ("cidr", "az")
SERVICE_KEYS = ("name", "vpc", "account", "auth_type", "target_groups", "listeners")
TARGET_GROUP_KEYS = (
    "name",
    "type",
    "port",
    "protocol",
    "protocol_version",
    "ip_address_type",
    "lambda_event_structure_version",
    "health_check",
    "targets",
    "target_filters",
    "ecs",
    "lambda_function",
)
ECS_KEYS = ("cluster", "service", "port_name")
HEALTH_CHECK_KEYS = (
    "enabled",
    "protocol",
    "protocol_version",
    "path",
    "port",
    "interval_seconds",
    "timeout_seconds",
    "healthy_threshold_count",
    "unhealthy_threshold_count",
    "matcher",
)
MATCHER_KEYS = ("http_code",)
TARGET_KEYS = ("id", "port")
LISTENER_KEYS = ("name", "protocol", "port", "default_action", "rules")
ACTION_KEYS = ("forward", "fixed_response")
FORWARD_KEYS = ("target_group", "weight")
RULE_KEYS = ("name", "priority", "match", "action")
MATCH_KEYS = ("method", "path_match", "header_matches")
PATH_MATCH_KEYS = ("exact", "prefix", "case_sensitive")
HEADER_MATCH_KEYS = ("name", "exact", "prefix", "contains", "case_sensitive")
CALLER_KEYS = ("name", "vpc", "runs_on", "managed_policy_arns", "calls")

AUTH_TYPES = ("AWS_IAM", "NONE")
TARGET_GROUP_TYPES = ("INSTANCE", "IP", "LAMBDA", "ALB")
TARGET_GROUP_PROTOCOLS = ("HTTP", "HTTPS", "TCP")
PROTOCOL_VERSIONS = ("HTTP1", "HTTP2", "GRPC")
HEALTH_CHECK_PROTOCOL_VERSIONS = ("HTTP1", "HTTP2")
IP_ADDRESS_TYPES = ("IPV4", "IPV6")
LAMBDA_EVENT_VERSIONS = ("V1", "V2")
LISTENER_PROTOCOLS = ("HTTP", "HTTPS", "TLS_PASSTHROUGH")
FIXED_RESPONSES = (404, 500)
RUNS_ON = {"ec2": "ec2.amazonaws.com", "ecs": "ecs-tasks.amazonaws.com", "lambda": "lambda.amazonaws.com"}
# CloudWatch Logs accepts only these retention periods (days).
RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
DEFAULT_PORTS = {"HTTP": 80, "HTTPS": 443}

# Default quotas of VPC Lattice (docs/mesh.md).
MAX_LISTENERS = 2
MAX_RULES = 10
MAX_FORWARDS = 10
MAX_HEADER_MATCHES = 5
MAX_TARGETS = 1000
# Name length bounds of the AWS names (botocore's model) and the ID prefixes a name must not begin with.
SERVICE_NETWORK_NAME = ("service network", 3, 63, None)
SERVICE_NAME = ("service", 3, 40, "svc-")
TARGET_GROUP_NAME = ("target group", 3, 128, "tg-")
LISTENER_NAME = ("listener", 3, 63, "listener-")
RULE_NAME = ("rule", 3, 63, "rule-")
VPC_NAME = ("VPC", 1, 63, None)
CALLER_NAME = ("IAM role", 1, 64, None)

ENV_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
ENV_MAX = 20
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
METHOD_RE = re.compile(r"^[A-Z]+$")
HEALTH_CHECK_PATH_RE = re.compile(r"^/[a-zA-Z0-9@:%_+.~#?&/=-]*$")
HTTP_CODE_RE = re.compile(r"^[0-9][0-9,-]*$")
INSTANCE_ID_RE = re.compile(r"^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
LAMBDA_FUNCTION_RE = re.compile(
    r"^(?:arn:aws[a-z-]*:lambda:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(?::[\w$-]{1,128})?$"
)
LAMBDA_ARN_RE = re.compile(
    r"^arn:(aws[a-z-]*):lambda:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]{1,128})?$"
)
ALB_ARN_RE = re.compile(
    r"^arn:(aws[a-z-]*):elasticloadbalancing:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):loadbalancer/app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$"
)
POLICY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::(?:aws|\d{12}):policy/[\w+=,.@/-]{1,128}$")


# --- message helpers ---------------------------------------------------------------------------


def _is_map(value):
    return isinstance(value, Mapping)


def _is_list(value):
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value):
    """A short, readable rendering of a (possibly wrong) value for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "the boolean %s" % ("true" if value else "false")
    if isinstance(value, str):
        text = str(value)
        if len(text) > 60:
            text = text[:57] + "..."
        return repr(text)
    if _is_int(value) or isinstance(value, float):
        return "the number %s" % value
    if _is_map(value):
        return "a mapping"
    if _is_list(value):
        return "a list"
    return "a %s" % type(value).__name__


def _quote(value):
    return repr(str(value))


def _listing(values):
    values = [str(v) for v in values]
    return ", ".join(values) if values else "none"


def _join(path, field):
    return "%s.%s" % (path, field) if path else str(field)


def _closest(word, choices):
    if not isinstance(word, str):
        return None
    lowered = {str(c).lower(): c for c in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[found[0]] if found else None


def _a(word):
    """'a service', 'an IAM role', 'an HTTPS group'."""
    text = str(word)
    return ("an %s" if text[:1] in "AEIOUaeiou" or text.startswith("HTTP") else "a %s") % text


def _suggest_name(name):
    text = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")
    return text or "my-name"


class _Problems:
    """Collects messages '<env>: <path>.<field>: <what is wrong; how to fix it>'."""

    def __init__(self, env):
        self.env = env if isinstance(env, str) and env else _show(env)
        self.items = []

    def add(self, path, message):
        self.items.append("%s: %s: %s" % (self.env, path, message))


# --- field readers: each reports what is wrong and returns None for a value it cannot use -------


def _as_map(problems, value, path, what):
    if _is_map(value):
        return value
    problems.add(path, "must be a mapping (%s), got %s" % (what, _show(value)))
    return None


def _check_keys(problems, data, path, known):
    for key in data:
        if key in known:
            continue
        close = _closest(key, known)
        hint = "did you mean %s?" % _quote(close) if close else "the known keys are %s" % _listing(known)
        problems.add(_join(path, key), "unknown key; %s" % hint)


def _missing(data, key):
    return key not in data or data[key] is None


def _get_str(problems, data, path, key, required=False, choices=None, what=None):
    fpath = _join(path, key)
    if _missing(data, key):
        if required:
            what = what or ("one of %s" % _listing(choices) if choices else None)
            problems.add(fpath, "is required%s" % ("; give %s" % what if what else ""))
        return None
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        expected = "one of %s" % _listing(choices) if choices else (what or "a non-empty string")
        problems.add(fpath, "must be %s, got %s" % (expected, _show(value)))
        return None
    if choices and value not in choices:
        close = _closest(value, choices)
        hint = "; did you mean %s? (values are case-sensitive)" % _quote(close) if close else ""
        problems.add(fpath, "%s is not one of %s%s" % (_show(value), _listing(choices), hint))
        return None
    return value


def _get_int(problems, data, path, key, low=None, high=None, required=False, choices=None, what=None):
    fpath = _join(path, key)
    if _missing(data, key):
        if required:
            problems.add(fpath, "is required%s" % ("; give %s" % what if what else ""))
        return None
    value = data[key]
    if choices:
        expected = "one of %s" % _listing(choices)
    elif low is not None and high is not None:
        expected = "an integer from %s to %s" % (low, high)
    elif low is not None:
        expected = "an integer >= %s" % low
    else:
        expected = "an integer"
    if not _is_int(value):
        hint = ""
        if isinstance(value, str) and value.strip().isdigit():
            hint = "; write it without quotes"
        problems.add(fpath, "must be %s, got %s%s" % (expected, _show(value), hint))
        return None
    if choices and value not in choices:
        problems.add(fpath, "%s is not supported; use %s" % (value, expected))
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        problems.add(fpath, "%s is out of range; use %s" % (value, expected))
        return None
    return value


def _get_bool(problems, data, path, key):
    if _missing(data, key):
        return None
    value = data[key]
    if not isinstance(value, bool):
        problems.add(_join(path, key), "must be true or false, got %s" % _show(value))
        return None
    return value


def _get_list(problems, data, path, key, required=False, low=0, high=None, what="items"):
    fpath = _join(path, key)
    if _missing(data, key):
        if required:
            problems.add(fpath, "is required; give a list of %s" % what)
        return None
    value = data[key]
    if not _is_list(value):
        problems.add(fpath, "must be a list of %s, got %s" % (what, _show(value)))
        return None
    if len(value) < low:
        problems.add(
            fpath,
            "is empty; list at least one of the %s" % what
            if low == 1
            else "must list at least %s %s, got %s" % (low, what, len(value)),
        )
    if high is not None and len(value) > high:
        problems.add(
            fpath, "lists %s %s, more than the %s allowed (the default VPC Lattice quota)" % (len(value), what, high)
        )
    return list(value)


def _get_map(problems, data, path, key, required=False, what="settings"):
    fpath = _join(path, key)
    if _missing(data, key):
        if required:
            problems.add(fpath, "is required; give a mapping (%s)" % what)
        return None
    return _as_map(problems, data[key], fpath, what)


def _item_path(base, index, item):
    """'services[service-b]' for an item with a usable name, 'services[0]' otherwise."""
    if _is_map(item):
        name = item.get("name")
        if isinstance(name, str) and name and not any(c in name for c in "[]. "):
            return "%s[%s]" % (base, name)
    return "%s[%d]" % (base, index)


def _name_problem(full, spec):
    kind, low, high, reserved = spec
    if len(full) < low or len(full) > high:
        return "is %d characters long; %s name must have %d to %d" % (len(full), _a(kind), low, high)
    if not NAME_RE.match(full):
        return "may hold only lowercase letters, digits and single hyphens, and may not begin or end with a hyphen"
    if reserved and full.startswith(reserved):
        return "must not begin with %s (the prefix of VPC Lattice %s IDs)" % (_quote(reserved), kind)
    return None


def _get_name(problems, data, path, spec, prefix="", suffix="", what=None):
    """Read and check a declared name whose AWS name is prefix + name + suffix; return it when usable as a key."""
    name = _get_str(problems, data, path, "name", required=True, what=what or "a short name such as 'service-b'")
    if name is None:
        return None
    full = "%s%s%s" % (prefix, name, suffix)
    problem = _name_problem(full, spec)
    if problem:
        kind, low, high = spec[0], spec[1], spec[2]
        if len(full) > high:
            excess = len(full) - high
            fix = "shorten %s by %d character%s" % (_quote(name), excess, "" if excess == 1 else "s")
        elif len(full) < low:
            fix = "use a longer name"
        elif spec[3] and full.startswith(spec[3]):
            fix = "choose a name that does not begin with %s" % _quote(spec[3])
        else:
            fix = "for example %s" % _quote(_suggest_name(name))
        if full == name:
            problems.add(_join(path, "name"), "%s %s; %s" % (_quote(name), problem, fix))
        else:
            problems.add(
                _join(path, "name"),
                "%s makes the %s name %s, which %s; %s" % (_quote(name), kind, _quote(full), problem, fix),
            )
    return name


def _get_cidr(problems, data, path, key, required=False):
    text = _get_str(problems, data, path, key, required=required, what="an IPv4 CIDR such as 10.0.0.0/16")
    if text is None:
        return None
    fpath = _join(path, key)
    try:
        net = ipaddress.IPv4Network(text.strip())
    except ValueError:
        try:
            loose = ipaddress.IPv4Network(text.strip(), strict=False)
        except ValueError:
            problems.add(fpath, "%s is not an IPv4 CIDR; write it like 10.0.0.0/16" % _quote(text))
        else:
            problems.add(fpath, "%s has host bits set; did you mean %s?" % (_quote(text), loose))
        return None
    if "/" not in text or not 16 <= net.prefixlen <= 28:
        problems.add(
            fpath, "%s: AWS takes VPC and subnet blocks from /16 to /28; use a prefix length in that range" % text
        )
        return None
    return net


# --- the checks --------------------------------------------------------------------------------


class _Declared:
    """What the checks learn about the declaration, for the cross-references."""

    def __init__(self):
        self.vpcs = {}  # name -> {"net": IPv4Network | None, "associate": bool, "path": str}
        self.services = {}  # name -> path
        # Host names of inventories/<env>/hosts.yml (one per account and region); None: not checked.
        self.accounts = None
        self.network_account = None
        self.target_groups = {}  # name -> path (names are account-wide: unique across services)
        # False when the list itself is missing or broken: its references are then not checked,
        # as every one of them would be reported for the same cause.
        self.vpcs_known = False
        self.services_known = False


def _check_env(problems, env):
    if not isinstance(env, str) or not ENV_RE.match(env) or len(env) > ENV_MAX:
        problems.add(
            "lattice_env",
            "%s is not a usable environment name: use 1 to %d lowercase letters, digits and single hyphens, "
            "beginning with a letter (it prefixes every AWS name), e.g. 'dev' or 'prod'" % (_show(env), ENV_MAX),
        )
        return False
    return True


def _check_account(problems, data, path, declared):
    """The ``account`` of an item: a host of the environment's hosts.yml. Returns it or None."""
    account = _get_str(problems, data, path, "account", what="a host name of hosts.yml")
    if account is None or declared.accounts is None:
        return account
    if account not in declared.accounts:
        close = _closest(account, list(declared.accounts))
        problems.add(
            _join(path, "account"),
            "%s is not an account of this environment (the hosts of its hosts.yml, one per account and region: "
            "%s)%s"
            % (_quote(account), _listing(declared.accounts), "; did you mean %s?" % _quote(close) if close else ""),
        )
        return None
    return account


def _check_network(problems, mesh, env, declared):
    net = (
        {}
        if _missing(mesh, "service_network")
        else _get_map(problems, mesh, "", "service_network", what="name, auth_type, access_logs, account")
    )
    if net is None:
        return
    path = "service_network"
    _check_keys(problems, net, path, NETWORK_KEYS)
    declared.network_account = _check_account(problems, net, path, declared)
    if declared.accounts is not None and len(declared.accounts) > 1 and _missing(net, "account"):
        problems.add(
            _join(path, "account"),
            "is required when the environment has several accounts (%s): name the host of hosts.yml whose "
            "account owns and shares the service network" % _listing(declared.accounts),
        )
    if not _missing(net, "name"):
        _get_name(problems, net, path, SERVICE_NETWORK_NAME, what="the full name, e.g. '%s-service-network'" % env)
    _get_str(problems, net, path, "auth_type", choices=AUTH_TYPES)
    _get_str(problems, net, path, "policy_scope", choices=NETWORK_POLICY_SCOPES)
    if not _missing(net, "access_logs"):
        logs = _get_map(problems, net, path, "access_logs", what="retention_days")
        if logs is not None:
            lpath = _join(path, "access_logs")
            _check_keys(problems, logs, lpath, ACCESS_LOG_KEYS)
            _get_int(problems, logs, lpath, "retention_days", choices=RETENTION_DAYS)


def _check_vpcs(problems, mesh, env, declared):
    vpcs = _get_list(problems, mesh, "", "vpcs", required=True, low=1, what="VPCs")
    declared.vpcs_known = bool(vpcs)
    for index, item in enumerate(vpcs or []):
        path = _item_path("vpcs", index, item)
        data = _as_map(problems, item, path, "a VPC with name, cidr and subnets")
        if data is None:
            continue
        _check_keys(problems, data, path, VPC_KEYS)
        name = _get_name(problems, data, path, VPC_NAME, what="a short name such as 'service-a'")
        net = _get_cidr(problems, data, path, "cidr", required=True)
        associate = _get_bool(problems, data, path, "associate")
        account = _check_account(problems, data, path, declared)
        subnets = _get_list(problems, data, path, "subnets", required=True, low=1, what="subnets")
        seen = []
        for sub_index, sub_item in enumerate(subnets or []):
            spath = "%s.subnets[%d]" % (path, sub_index)
            sub = _as_map(problems, sub_item, spath, "cidr and az")
            if sub is None:
                continue
            _check_keys(problems, sub, spath, SUBNET_KEYS)
            sub_net = _get_cidr(problems, sub, spath, "cidr", required=True)
            _get_int(problems, sub, spath, "az", low=0)
            if sub_net is None:
                continue
            if net is not None and not sub_net.subnet_of(net):
                problems.add(
                    _join(spath, "cidr"),
                    "%s is not inside the VPC's %s; choose a block within it" % (sub_net, net),
                )
            for other_index, other in seen:
                if sub_net.overlaps(other):
                    problems.add(
                        _join(spath, "cidr"),
                        "%s overlaps subnets[%d] (%s) of the same VPC; give each subnet its own block"
                        % (sub_net, other_index, other),
                    )
            seen.append((sub_index, sub_net))
        if name is None:
            continue
        if name in declared.vpcs:
            problems.add(
                "vpcs[%d].name" % index,
                "%s is declared twice (also %s); give each VPC its own name"
                % (_quote(name), declared.vpcs[name]["path"]),
            )
            continue
        declared.vpcs[name] = {
            "net": net,
            "associate": associate is not False,
            "path": "vpcs[%d]" % index,
            "account": account or declared.network_account,
        }
    # The VPCs share one service network: VPC Lattice tolerates overlapping blocks, but peering,
    # IP targets and logs do not read clearly with them, and this declaration owns every VPC.
    checked = []
    for name, vpc in declared.vpcs.items():
        if vpc["net"] is None:
            continue
        for other_name, other_net in checked:
            if vpc["net"].overlaps(other_net):
                problems.add(
                    "vpcs[%s].cidr" % name,
                    "%s overlaps the CIDR of VPC %s (%s); give every VPC of the mesh its own block"
                    % (vpc["net"], _quote(other_name), other_net),
                )
        checked.append((name, vpc["net"]))


def _check_health_check(problems, data, path):
    _check_keys(problems, data, path, HEALTH_CHECK_KEYS)
    _get_bool(problems, data, path, "enabled")
    _get_str(problems, data, path, "protocol", choices=TARGET_GROUP_PROTOCOLS)
    _get_str(problems, data, path, "protocol_version", choices=HEALTH_CHECK_PROTOCOL_VERSIONS)
    hc_path = _get_str(problems, data, path, "path", what="a path beginning with '/', e.g. '/health'")
    if hc_path is not None and not HEALTH_CHECK_PATH_RE.match(hc_path):
        if not hc_path.startswith("/"):
            problems.add(
                _join(path, "path"), "%s must begin with '/'; e.g. %s" % (_quote(hc_path), _quote("/" + hc_path))
            )
        else:
            problems.add(
                _join(path, "path"),
                "%s holds characters AWS refuses; use letters, digits and @:%%_+.~#?&/=-" % _quote(hc_path),
            )
    _get_int(problems, data, path, "port", 1, 65535)
    _get_int(problems, data, path, "interval_seconds", 5, 300)
    _get_int(problems, data, path, "timeout_seconds", 1, 120)
    _get_int(problems, data, path, "healthy_threshold_count", 2, 10)
    _get_int(problems, data, path, "unhealthy_threshold_count", 2, 10)
    matcher = _get_map(problems, data, path, "matcher", what="http_code")
    if matcher is not None:
        mpath = _join(path, "matcher")
        _check_keys(problems, matcher, mpath, MATCHER_KEYS)
        code = _get_str(problems, matcher, mpath, "http_code", required=True, what="codes such as '200' or '200-299'")
        if code is not None and not HTTP_CODE_RE.match(code):
            problems.add(
                _join(mpath, "http_code"), "%s must be codes such as '200', '200,202' or '200-299'" % _quote(code)
            )


def _check_target_id(problems, path, target_id, tg_type, ip_type, vpc, region):
    fpath = _join(path, "id")
    if tg_type == "INSTANCE":
        if not INSTANCE_ID_RE.match(target_id):
            problems.add(
                fpath,
                "%s is not an EC2 instance ID; INSTANCE targets are IDs like i-0123456789abcdef0" % _quote(target_id),
            )
    elif tg_type == "IP":
        try:
            address = ipaddress.ip_address(target_id)
        except ValueError:
            problems.add(fpath, "%s is not an IP address; IP targets are addresses like 10.1.1.10" % _quote(target_id))
            return
        wanted = 6 if ip_type == "IPV6" else 4
        if address.version != wanted:
            problems.add(
                fpath,
                "%s is an IPv%d address but the group's ip_address_type is %s; use an IPv%d address or change "
                "ip_address_type" % (target_id, address.version, ip_type or "IPV4", wanted),
            )
            return
        if wanted == 4 and vpc is not None and vpc.get("net") is not None and address not in vpc["net"]:
            problems.add(
                fpath,
                "%s is outside the service's VPC (%s); IP targets must be addresses in that VPC"
                % (target_id, vpc["net"]),
            )
    elif tg_type in ("LAMBDA", "ALB"):
        pattern, example = (
            (LAMBDA_ARN_RE, "arn:aws:lambda:us-east-1:123456789012:function:my-function")
            if tg_type == "LAMBDA"
            else (
                ALB_ARN_RE,
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/0123456789abcdef",
            )
        )
        match = pattern.match(target_id)
        if not match:
            problems.add(fpath, "%s is not %s ARN; write it like %s" % (_quote(target_id), _a(tg_type), example))
        elif region and match.group(2) != region:
            problems.add(
                fpath,
                "%s is in region %s, not in the mesh's region %s; use a %s of %s"
                % (
                    _quote(target_id),
                    match.group(2),
                    region,
                    "function" if tg_type == "LAMBDA" else "load balancer",
                    region,
                ),
            )


def _check_target_group(problems, data, path, env, vpc, region):
    """Check a target group; return its {'type', 'protocol'} (values None when unusable)."""
    _check_keys(problems, data, path, TARGET_GROUP_KEYS)
    tg_type = _get_str(problems, data, path, "type", required=True, choices=TARGET_GROUP_TYPES)
    port = _get_int(problems, data, path, "port", 1, 65535)
    protocol = _get_str(problems, data, path, "protocol", choices=TARGET_GROUP_PROTOCOLS)
    version = _get_str(problems, data, path, "protocol_version", choices=PROTOCOL_VERSIONS)
    ip_type = _get_str(problems, data, path, "ip_address_type", choices=IP_ADDRESS_TYPES)
    _get_str(problems, data, path, "lambda_event_structure_version", choices=LAMBDA_EVENT_VERSIONS)
    health = _get_map(problems, data, path, "health_check", what="the target_group module's health_check options")
    if health is not None:
        _check_health_check(problems, health, _join(path, "health_check"))

    if tg_type == "LAMBDA":
        for key in ("port", "protocol", "protocol_version", "ip_address_type", "health_check"):
            if not _missing(data, key):
                problems.add(_join(path, key), "a LAMBDA target group takes no %s; remove it" % key)
    elif tg_type is not None:
        if not _missing(data, "lambda_event_structure_version"):
            problems.add(_join(path, "lambda_event_structure_version"), "only LAMBDA target groups take it; remove it")
        if _missing(data, "protocol"):
            problems.add(_join(path, "protocol"), "is required for %s target groups; give HTTP, HTTPS or TCP" % tg_type)
        if protocol == "TCP" and _missing(data, "port"):
            problems.add(_join(path, "port"), "is required for TCP target groups (HTTP defaults to 80, HTTPS to 443)")
        if protocol == "TCP" and version is not None:
            problems.add(_join(path, "protocol_version"), "TCP target groups take no protocol version; remove it")
        if tg_type == "ALB" and protocol == "TCP":
            problems.add(_join(path, "protocol"), "ALB target groups take HTTP or HTTPS, not TCP")
        if tg_type == "ALB" and health is not None:
            problems.add(
                _join(path, "health_check"), "VPC Lattice runs no health checks for ALB target groups; remove it"
            )
        if tg_type != "IP" and ip_type is not None:
            problems.add(_join(path, "ip_address_type"), "only IP target groups take it; remove it")

    _check_target_sources(problems, data, path, tg_type)
    targets = _get_list(problems, data, path, "targets", what="targets ({id, port})")
    if targets is not None:
        if len(targets) > MAX_TARGETS:
            problems.add(
                _join(path, "targets"),
                "lists %d targets, more than the %d a target group holds" % (len(targets), MAX_TARGETS),
            )
        if tg_type == "LAMBDA" and len(targets) > 1:
            problems.add(
                _join(path, "targets"), "a LAMBDA target group holds one function, got %d targets" % len(targets)
            )
        seen = {}
        for index, item in enumerate(targets):
            tpath = "%s.targets[%d]" % (path, index)
            target = _as_map(problems, item, tpath, "id and port")
            if target is None:
                continue
            _check_keys(problems, target, tpath, TARGET_KEYS)
            target_id = _get_str(problems, target, tpath, "id", required=True, what="the target's ID, address or ARN")
            target_port = _get_int(problems, target, tpath, "port", 1, 65535)
            if tg_type == "LAMBDA" and not _missing(target, "port"):
                problems.add(_join(tpath, "port"), "Lambda targets take no port; remove it")
            if target_id is None:
                continue
            if tg_type is not None:
                _check_target_id(problems, tpath, target_id, tg_type, ip_type, vpc, region)
            key = (target_id, target_port if target_port is not None else port)
            if key in seen:
                problems.add(
                    _join(tpath, "id"),
                    "%s on this port is listed twice (also targets[%d]); list it once" % (_quote(target_id), seen[key]),
                )
            else:
                seen[key] = index
    return {"type": tg_type, "protocol": protocol}


def _check_target_sources(problems, data, path, tg_type):
    """Targets found at run time: EC2 filters (INSTANCE), an ECS service (IP), a Lambda function (LAMBDA)."""
    sources = (("target_filters", "INSTANCE"), ("ecs", "IP"), ("lambda_function", "LAMBDA"))
    for key, only in sources:
        if not _missing(data, key) and tg_type is not None and tg_type != only:
            problems.add(_join(path, key), "only %s target groups take it; remove it" % only)
    filters = _get_map(problems, data, path, "target_filters", what="EC2 filters such as {'tag:app': 'orders'}")
    for name, value in (filters or {}).items():
        values = value if _is_list(value) else [value]
        if not isinstance(name, str) or not name or not values or not all(isinstance(v, str) and v for v in values):
            problems.add(
                "%s.target_filters[%s]" % (path, name),
                "must map an EC2 DescribeInstances filter name to a value or a list of values, such as "
                "'tag:app': orders; got %s" % _show(value),
            )
    ecs = _get_map(problems, data, path, "ecs", what="cluster, service and port_name")
    if ecs is not None:
        epath = _join(path, "ecs")
        _check_keys(problems, ecs, epath, ECS_KEYS)
        _get_str(problems, ecs, epath, "cluster", required=True, what="the ECS cluster's name or ARN")
        _get_str(problems, ecs, epath, "service", required=True, what="the ECS service's name or ARN")
        _get_str(problems, ecs, epath, "port_name", required=True, what="a port mapping name of its task definition")
        if not _missing(data, "targets"):
            problems.add(_join(path, "targets"), "ECS registers the targets of a group fed by ecs; remove targets")
    function = _get_str(problems, data, path, "lambda_function", what="the function's name or ARN")
    if function is not None:
        if not LAMBDA_FUNCTION_RE.match(function):
            problems.add(
                _join(path, "lambda_function"),
                "%s is not a Lambda function name or ARN; give e.g. 'pricing' or "
                "arn:aws:lambda:<region>:<account>:function:pricing" % _quote(function),
            )
        if not _missing(data, "targets"):
            problems.add(
                _join(path, "targets"), "the function of lambda_function is the group's one target; remove targets"
            )


def _check_action(problems, data, path, service_name, listener_protocol, groups):
    """Check a default action or a rule action: exactly one of forward (a list) and fixed_response (a code)."""
    _check_keys(problems, data, path, ACTION_KEYS)
    has_forward = not _missing(data, "forward")
    has_fixed = not _missing(data, "fixed_response")
    if has_forward == has_fixed:
        problems.add(
            path + ".forward",
            "give exactly one of forward (a list of {target_group, weight}) and fixed_response (404 or 500)",
        )
    if has_fixed:
        code = _get_int(problems, data, path, "fixed_response", choices=FIXED_RESPONSES)
        if code is not None and listener_protocol == "TLS_PASSTHROUGH":
            problems.add(
                _join(path, "fixed_response"),
                "TLS_PASSTHROUGH listeners cannot answer with a fixed response; forward to a TCP target group",
            )
    if not has_forward:
        return
    forwards = _get_list(problems, data, path, "forward", low=1, high=MAX_FORWARDS, what="target groups")
    seen = {}
    for index, item in enumerate(forwards or []):
        fpath = "%s.forward[%d]" % (path, index)
        entry = _as_map(problems, item, fpath, "target_group and weight")
        if entry is None:
            continue
        _check_keys(problems, entry, fpath, FORWARD_KEYS)
        group = _get_str(
            problems, entry, fpath, "target_group", required=True, what="a name from this service's target_groups"
        )
        weight_required = len(forwards) > 1
        _get_int(
            problems,
            entry,
            fpath,
            "weight",
            0,
            999,
            required=weight_required,
            what="a weight from 0 to 999 (several target groups share the traffic by weight)",
        )
        if group is None:
            continue
        if group in seen:
            problems.add(
                _join(fpath, "target_group"),
                "%s is listed twice (also forward[%d]); list it once" % (_quote(group), seen[group]),
            )
        seen.setdefault(group, index)
        if group not in groups:
            close = _closest(group, list(groups))
            problems.add(
                _join(fpath, "target_group"),
                "%s is not a target group of service %s (declared: %s)%s"
                % (
                    _quote(group),
                    _quote(service_name),
                    _listing(groups),
                    "; did you mean %s?" % _quote(close) if close else "",
                ),
            )
            continue
        group_protocol = groups[group]["protocol"]
        group_type = groups[group]["type"]
        if listener_protocol == "TLS_PASSTHROUGH" and group_type is not None and group_protocol != "TCP":
            problems.add(
                _join(fpath, "target_group"),
                "%s is %s group; a TLS_PASSTHROUGH listener forwards only to TCP target groups"
                % (_quote(group), _a(group_protocol or group_type)),
            )
        if listener_protocol in ("HTTP", "HTTPS") and group_protocol == "TCP":
            problems.add(
                _join(fpath, "target_group"),
                "%s is a TCP group; an %s listener cannot forward to it "
                "(use a TLS_PASSTHROUGH listener, or an HTTP/HTTPS group)" % (_quote(group), listener_protocol),
            )


def _check_match(problems, data, path):
    _check_keys(problems, data, path, MATCH_KEYS)
    if all(_missing(data, key) for key in MATCH_KEYS):
        problems.add(_join(path, "method"), "a match needs at least one of method, path_match and header_matches")
    method = _get_str(problems, data, path, "method", what="an HTTP method such as GET")
    if method is not None and (not METHOD_RE.match(method) or len(method) > 16):
        hint = "; write %s" % _quote(method.upper()) if METHOD_RE.match(method.upper()) else ""
        problems.add(
            _join(path, "method"), "%s must be an uppercase HTTP method such as GET%s" % (_quote(method), hint)
        )
    path_match = _get_map(problems, data, path, "path_match", what="exact or prefix")
    if path_match is not None:
        ppath = _join(path, "path_match")
        _check_keys(problems, path_match, ppath, PATH_MATCH_KEYS)
        given = [key for key in ("exact", "prefix") if not _missing(path_match, key)]
        if len(given) != 1:
            problems.add(_join(ppath, "prefix"), "give exactly one of exact and prefix")
        for key in given:
            value = _get_str(problems, path_match, ppath, key, what="a path beginning with '/'")
            if value is not None and not value.startswith("/"):
                problems.add(
                    _join(ppath, key), "%s must begin with '/'; e.g. %s" % (_quote(value), _quote("/" + value))
                )
        _get_bool(problems, path_match, ppath, "case_sensitive")
    headers = _get_list(problems, data, path, "header_matches", low=1, high=MAX_HEADER_MATCHES, what="header matches")
    for index, item in enumerate(headers or []):
        hpath = "%s.header_matches[%d]" % (path, index)
        header = _as_map(problems, item, hpath, "name and one of exact, prefix, contains")
        if header is None:
            continue
        _check_keys(problems, header, hpath, HEADER_MATCH_KEYS)
        name = _get_str(problems, header, hpath, "name", required=True, what="the header's name")
        if name is not None and len(name) > 100:
            problems.add(_join(hpath, "name"), "is %d characters long; header names have at most 100" % len(name))
        given = [key for key in ("exact", "prefix", "contains") if not _missing(header, key)]
        if len(given) != 1:
            problems.add(_join(hpath, "exact"), "give exactly one of exact, prefix and contains")
        for key in given:
            _get_str(problems, header, hpath, key)
        _get_bool(problems, header, hpath, "case_sensitive")


def _check_listener(problems, data, path, env, service_name, groups, base=None):
    """Check a listener; return its (protocol, port) when usable."""
    _check_keys(problems, data, path, LISTENER_KEYS)
    base = base or service_name
    prefix = "%s-%s-" % (env, base) if base else "%s-" % env
    _get_name(problems, data, path, LISTENER_NAME, prefix=prefix, what="a short name such as 'listener'")
    protocol = _get_str(problems, data, path, "protocol", required=True, choices=LISTENER_PROTOCOLS)
    port = _get_int(problems, data, path, "port", 1, 65535)
    if port is None and _missing(data, "port") and protocol == "TLS_PASSTHROUGH":
        problems.add(
            _join(path, "port"), "is required for TLS_PASSTHROUGH listeners (HTTP defaults to 80, HTTPS to 443)"
        )
    if port is None and protocol in DEFAULT_PORTS and _missing(data, "port"):
        port = DEFAULT_PORTS[protocol]
    action = _get_map(problems, data, path, "default_action", required=True, what="forward or fixed_response")
    if action is not None:
        _check_action(problems, action, _join(path, "default_action"), service_name, protocol, groups)
    rules = _get_list(problems, data, path, "rules", high=MAX_RULES, what="rules")
    if rules and protocol == "TLS_PASSTHROUGH":
        problems.add(
            _join(path, "rules"), "TLS_PASSTHROUGH listeners have no rules; remove them or use an HTTP/HTTPS listener"
        )
    names = {}
    priorities = {}
    for index, item in enumerate(rules or []):
        rpath = _item_path(_join(path, "rules"), index, item)
        rule = _as_map(problems, item, rpath, "name, priority, match and action")
        if rule is None:
            continue
        _check_keys(problems, rule, rpath, RULE_KEYS)
        name = _get_name(problems, rule, rpath, RULE_NAME, what="a name such as 'api'")
        priority = _get_int(problems, rule, rpath, "priority", 1, 2000, required=True, what="a priority from 1 to 2000")
        match = _get_map(problems, rule, rpath, "match", required=True, what="method, path_match, header_matches")
        if match is not None:
            _check_match(problems, match, _join(rpath, "match"))
        rule_action = _get_map(problems, rule, rpath, "action", required=True, what="forward or fixed_response")
        if rule_action is not None:
            _check_action(problems, rule_action, _join(rpath, "action"), service_name, protocol, groups)
        if name is not None:
            if name in names:
                problems.add(
                    "%s.rules[%d].name" % (path, index),
                    "%s is declared twice in this listener (also rules[%d]); give each rule its own name"
                    % (_quote(name), names[name]),
                )
            names.setdefault(name, index)
        if priority is not None:
            if priority in priorities:
                problems.add(
                    _join(rpath, "priority"),
                    "%d is also the priority of rules[%d]; priorities are unique per listener"
                    % (priority, priorities[priority]),
                )
            priorities.setdefault(priority, index)
    return protocol, port


def _check_services(problems, mesh, env, declared, region):
    services = _get_list(problems, mesh, "", "services", required=True, low=1, what="services")
    declared.services_known = bool(services)
    for index, item in enumerate(services or []):
        path = _item_path("services", index, item)
        data = _as_map(problems, item, path, "a service with name, vpc, target_groups and listeners")
        if data is None:
            continue
        _check_keys(problems, data, path, SERVICE_KEYS)
        name = _get_name(problems, data, path, SERVICE_NAME, prefix="%s-" % env)
        _get_str(problems, data, path, "auth_type", choices=AUTH_TYPES)
        vpc_name = _get_str(problems, data, path, "vpc", what="a name from vpcs")
        vpc = None
        if vpc_name is not None and declared.vpcs_known:
            vpc = declared.vpcs.get(vpc_name)
            if vpc is None:
                close = _closest(vpc_name, list(declared.vpcs))
                problems.add(
                    _join(path, "vpc"),
                    "%s is not a VPC of the mesh (declared: %s)%s"
                    % (
                        _quote(vpc_name),
                        _listing(declared.vpcs),
                        "; did you mean %s?" % _quote(close) if close else "",
                    ),
                )

        account = _check_account(problems, data, path, declared)
        if account is not None and vpc is not None and vpc.get("account") not in (None, account):
            problems.add(
                _join(path, "account"),
                "%s differs from the account of its VPC %s (%s): a service lives in its VPC's account; remove "
                "account, or move the VPC" % (_quote(account), _quote(vpc_name), _quote(vpc["account"])),
            )

        groups = {}
        needs_vpc = []
        tg_list = _get_list(problems, data, path, "target_groups", what="target groups")
        for tg_index, tg_item in enumerate(tg_list or []):
            tpath = _item_path(_join(path, "target_groups"), tg_index, tg_item)
            tg = _as_map(problems, tg_item, tpath, "a target group with name, type, port, protocol")
            if tg is None:
                continue
            tg_name = _get_name(
                problems, tg, tpath, TARGET_GROUP_NAME, prefix="%s-" % env, what="a short name such as 'service-b-tg'"
            )
            info = _check_target_group(problems, tg, tpath, env, vpc, region)
            if info["type"] in ("INSTANCE", "IP", "ALB"):
                needs_vpc.append(info["type"])
            if tg_name is None:
                continue
            if tg_name in declared.target_groups:
                problems.add(
                    "%s.target_groups[%d].name" % (path, tg_index),
                    "%s is declared twice (also %s); target group names are unique per account and region"
                    % (_quote(tg_name), declared.target_groups[tg_name]),
                )
            else:
                declared.target_groups[tg_name] = tpath
            groups.setdefault(tg_name, info)
        if needs_vpc and _missing(data, "vpc"):
            problems.add(
                _join(path, "vpc"),
                "is required: %s target groups need the VPC their targets run in; give a name from vpcs (%s)"
                % ("/".join(sorted(set(needs_vpc))), _listing(declared.vpcs)),
            )

        listeners = _get_list(
            problems, data, path, "listeners", required=True, low=1, high=MAX_LISTENERS, what="listeners"
        )
        listener_names = {}
        ports = {}
        # Listener names are <env>-<service>-<listener>: with a service name that is itself wrong
        # (reported above), check the listener's part against a usable stand-in, not the same fault again.
        listener_base = name
        if name is not None and _name_problem("%s-%s" % (env, name), SERVICE_NAME):
            listener_base = _suggest_name(name)[: max(1, SERVICE_NAME[2] - len(env) - 1)].strip("-") or "x"
        for l_index, l_item in enumerate(listeners or []):
            lpath = _item_path(_join(path, "listeners"), l_index, l_item)
            listener = _as_map(problems, l_item, lpath, "a listener with name, protocol, port and default_action")
            if listener is None:
                continue
            _protocol, port = _check_listener(problems, listener, lpath, env, name, groups, listener_base)
            l_name = listener.get("name")
            if isinstance(l_name, str):
                if l_name in listener_names:
                    problems.add(
                        "%s.listeners[%d].name" % (path, l_index),
                        "%s is declared twice in this service (also listeners[%d]); give each listener its own name"
                        % (_quote(l_name), listener_names[l_name]),
                    )
                listener_names.setdefault(l_name, l_index)
            if port is not None:
                if port in ports:
                    problems.add(
                        _join(lpath, "port"),
                        "%d is also the port of listeners[%d]; a service listens once per port" % (port, ports[port]),
                    )
                ports.setdefault(port, l_index)

        if name is None:
            continue
        if name in declared.services:
            problems.add(
                "services[%d].name" % index,
                "%s is declared twice (also %s); give each service its own name"
                % (_quote(name), declared.services[name]),
            )
            continue
        declared.services[name] = "services[%d]" % index


def _check_callers(problems, mesh, env, declared):
    callers = _get_list(problems, mesh, "", "callers", what="callers")
    seen = {}
    for index, item in enumerate(callers or []):
        path = _item_path("callers", index, item)
        data = _as_map(problems, item, path, "a caller with name, vpc, runs_on and calls")
        if data is None:
            continue
        _check_keys(problems, data, path, CALLER_KEYS)
        name = _get_name(
            problems,
            data,
            path,
            CALLER_NAME,
            prefix="%s-" % env,
            suffix="-role",
            what="a short name such as 'service-a'",
        )
        vpc_name = _get_str(
            problems, data, path, "vpc", required=True, what="the name of the VPC it calls from (from vpcs)"
        )
        if vpc_name is not None and declared.vpcs_known:
            vpc = declared.vpcs.get(vpc_name)
            if vpc is None:
                close = _closest(vpc_name, list(declared.vpcs))
                problems.add(
                    _join(path, "vpc"),
                    "%s is not a VPC of the mesh (declared: %s)%s"
                    % (
                        _quote(vpc_name),
                        _listing(declared.vpcs),
                        "; did you mean %s?" % _quote(close) if close else "",
                    ),
                )
            elif not vpc["associate"]:
                problems.add(
                    _join(path, "vpc"),
                    "VPC %s has associate: false, so nothing in it reaches the service network; set its associate "
                    "to true or call from another VPC" % _quote(vpc_name),
                )
        _get_str(problems, data, path, "runs_on", required=True, choices=tuple(RUNS_ON), what="ec2, ecs or lambda")
        arns = _get_list(problems, data, path, "managed_policy_arns", what="IAM policy ARNs")
        for a_index, arn in enumerate(arns or []):
            apath = "%s.managed_policy_arns[%d]" % (path, a_index)
            if not isinstance(arn, str) or not POLICY_ARN_RE.match(arn):
                problems.add(
                    apath,
                    "%s is not an IAM policy ARN; write it like arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
                    % _show(arn),
                )
            elif arn in arns[:a_index]:
                problems.add(apath, "%s is listed twice; list it once" % _quote(arn))
        calls = _get_list(problems, data, path, "calls", required=True, low=1, what="service names")
        for c_index, call in enumerate(calls or []):
            cpath = "%s.calls[%d]" % (path, c_index)
            if not isinstance(call, str) or not call:
                problems.add(cpath, "must be a service name (from services), got %s" % _show(call))
            elif call not in declared.services and declared.services_known:
                close = _closest(call, list(declared.services))
                problems.add(
                    cpath,
                    "%s is not a service of the mesh (declared: %s)%s"
                    % (
                        _quote(call),
                        _listing(declared.services),
                        "; did you mean %s?" % _quote(close) if close else "",
                    ),
                )
            elif call in calls[:c_index]:
                problems.add(cpath, "%s is listed twice; list it once" % _quote(call))
        if name is None:
            continue
        if name in seen:
            problems.add(
                "callers[%d].name" % index,
                "%s is declared twice (also %s); give each caller its own name" % (_quote(name), seen[name]),
            )
        seen.setdefault(name, "callers[%d]" % index)


def _partition(region):
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def _check_auth_policies(problems, mesh, env, region):
    """The auth policies site.yml will write, against the quota, before anything is deployed: built from ARNs of
    the real lengths (account IDs have 12 digits, service IDs 'svc-' and 17 characters, roles are
    <env>-<caller>-role), so that a mesh too big for them fails now rather than after the rest is deployed."""
    network = mesh.get("service_network") or {}
    scope = network.get("policy_scope") or "services"
    account_ids = {}  # account name -> a placeholder ID (only how many accounts there are matters)
    vpc_accounts = {vpc["name"]: vpc.get("account") or network.get("account") for vpc in mesh.get("vpcs") or []}
    services = mesh.get("services") or []
    service_arns = {}
    for index, service in enumerate(services):
        account = vpc_accounts.get(service.get("vpc")) or service.get("account") or network.get("account")
        account_id = account_ids.setdefault(account, "%012d" % len(account_ids))
        service_arns[service["name"]] = "arn:%s:vpc-lattice:%s:%s:service/svc-%017d" % (
            _partition(region),
            region,
            account_id,
            index,
        )
    callers = mesh.get("callers") or []
    role_arns = {
        caller["name"]: "arn:%s:iam::%012d:role/%s-%s-role" % (_partition(region), 0, env, caller["name"])
        for caller in callers
    }
    iam_network = (network.get("auth_type") or "AWS_IAM") == "AWS_IAM"
    if iam_network:
        grants = [
            {"principals": [role_arns[caller["name"]]], "services": [service_arns[call] for call in caller["calls"]]}
            for caller in callers
        ]
        size = len(render_policy(network_auth_policy(grants, scope) or {}).encode("utf-8"))
        if size > AUTH_POLICY_MAX_BYTES and scope == "services":
            problems.add(
                "service_network.policy_scope",
                "the network's auth policy, which admits each of the %d callers to exactly the services it calls, "
                "would be about %d bytes, over the %d-byte quota of VPC Lattice auth policies; set policy_scope to "
                "'accounts' (each caller admitted to the services of its services' accounts, exact access left to "
                "the services' own AWS_IAM auth policies) or declare fewer calls"
                % (len(callers), size, AUTH_POLICY_MAX_BYTES),
            )
        elif size > AUTH_POLICY_MAX_BYTES:
            problems.add(
                "callers",
                "the network's auth policy, one statement per caller, would be about %d bytes, over the %d-byte "
                "quota of VPC Lattice auth policies; declare fewer callers" % (size, AUTH_POLICY_MAX_BYTES),
            )
    for index, service in enumerate(services):
        path = _item_path("services", index, service)
        if (service.get("auth_type") or "AWS_IAM") != "AWS_IAM":
            if iam_network and scope == "accounts":
                problems.add(
                    _join(path, "auth_type"),
                    "is NONE, but service_network.policy_scope 'accounts' leaves each caller's exact access to the "
                    "services' own auth policies; give the service auth_type AWS_IAM or set policy_scope to "
                    "'services'",
                )
            continue
        principals = [role_arns[caller["name"]] for caller in callers if service["name"] in caller["calls"]]
        size = len(render_policy(service_auth_policy(service_arns[service["name"]], principals)).encode("utf-8"))
        if principals and size > AUTH_POLICY_MAX_BYTES:
            problems.add(
                path,
                "its auth policy, which admits its %d callers, would be about %d bytes, over the %d-byte quota of "
                "VPC Lattice auth policies; let fewer callers call it" % (len(principals), size, AUTH_POLICY_MAX_BYTES),
            )


def mesh_problems(mesh, env, region=None, accounts=None):
    """Return the problems of a mesh declaration (docs/mesh.md), empty when it is sound. Never raises.

    ``accounts``: the host names of the environment's hosts.yml, which ``account`` fields name.
    """
    problems = _Problems(env)
    try:
        declared = _Declared()
        if accounts is not None:
            if not _is_list(accounts) or not accounts or not all(isinstance(a, str) and a for a in accounts):
                problems.add("hosts.yml", "must list at least one host (an account and region) under all.hosts")
                return problems.items
            declared.accounts = list(accounts)
        env_ok = _check_env(problems, env)
        if region is not None and not (isinstance(region, str) and re.match(r"^[a-z]{2}(?:-[a-z]+)+-\d$", region)):
            problems.add("lattice_region", "%s is not an AWS region name such as 'us-east-1'" % _show(region))
            region = None
        prefix_env = env if env_ok else str(env)
        mesh_map = _as_map(problems, mesh, "lattice_mesh", "service_network, vpcs, services, callers")
        if mesh_map is None:
            return problems.items
        _check_keys(problems, mesh_map, "", MESH_KEYS)
        _check_network(problems, mesh_map, prefix_env, declared)
        _check_vpcs(problems, mesh_map, prefix_env, declared)
        _check_services(problems, mesh_map, prefix_env, declared, region)
        _check_callers(problems, mesh_map, prefix_env, declared)
        if not problems.items:
            _check_auth_policies(problems, mesh_map, prefix_env, region or "us-east-1")
    except Exception as exc:  # the checks must never turn a bad declaration into a traceback
        problems.add(
            "lattice_mesh",
            "could not be checked completely (%s: %s); fix the problems above "
            "and report this as a bug of lattice.mesh.mesh_problems" % (type(exc).__name__, exc),
        )
    return problems.items


# --- the plan ----------------------------------------------------------------------------------


def _tags(name, env):
    return {"Name": name, "Environment": env}


def _plan_action(action, env):
    if not _missing(action, "fixed_response"):
        return {"fixed_response": action["fixed_response"]}
    forwards = list(action.get("forward") or [])
    default_weight = 100 if len(forwards) == 1 else None
    return {
        "forward": [
            {
                "target_group": "%s-%s" % (env, entry["target_group"]),
                "weight": entry["weight"] if not _missing(entry, "weight") else default_weight,
            }
            for entry in forwards
        ]
    }


def _listener_port(listener):
    if not _missing(listener, "port"):
        return listener["port"]
    return DEFAULT_PORTS.get(listener.get("protocol"))


def _target_ports(group):
    """The TCP ports a target group's targets receive traffic and health checks on (none for LAMBDA)."""
    if group.get("type") == "LAMBDA":
        return set()
    port = group.get("port")
    if port is None:
        port = DEFAULT_PORTS.get(group.get("protocol"))
    ports = {port} if port is not None else set()
    for target in group.get("targets") or []:
        if target.get("port") is not None:
            ports.add(target["port"])
    health = group.get("health_check") or {}
    if health.get("port") is not None:
        ports.add(health["port"])
    return ports


def _plan_target_group(group, env):
    name = "%s-%s" % (env, group["name"])
    planned = {"name": name, "type": group["type"]}
    for key in (
        "port",
        "protocol",
        "protocol_version",
        "ip_address_type",
        "lambda_event_structure_version",
        "health_check",
        "target_filters",
        "lambda_function",
    ):
        if not _missing(group, key):
            planned[key] = group[key]
    if group.get("ecs"):
        planned["ecs"] = dict(group["ecs"])
    if group.get("targets") is not None:
        planned["targets"] = [dict(target) for target in group["targets"]]
    planned["tags"] = _tags(name, env)
    return planned


def mesh_plan(mesh, env, accounts=None):
    """Turn a sound mesh declaration (mesh_problems is empty) into the roles' inputs.

    Every VPC, VPC association, service and caller names its ``account`` (a host of hosts.yml, the first
    one unless declared; None without ``accounts``); ``mesh_account_plan`` selects one account's part.
    """
    mesh = mesh or {}
    network = mesh.get("service_network") or {}
    network_account = network.get("account") or (accounts[0] if accounts else None)
    vpc_accounts = {vpc["name"]: vpc.get("account") or network_account for vpc in mesh.get("vpcs") or []}
    network_name = network.get("name") or "%s-service-network" % env
    logs = network.get("access_logs")
    access_logs = None
    if logs is not None:
        access_logs = {
            "retention_days": (logs or {}).get("retention_days") or 7,
            "log_group_name": "/aws/vpclattice/%s" % network_name,
            "key_alias": "alias/%s-vpclattice-logs" % env,
            "tags": _tags("%s-access-logs" % env, env),
        }

    services = list(mesh.get("services") or [])
    callers = list(mesh.get("callers") or [])
    service_by_name = {service["name"]: service for service in services}

    planned_vpcs = []
    for vpc in mesh.get("vpcs") or []:
        ingress = set()
        for service in services:
            if service.get("vpc") == vpc["name"]:
                for group in service.get("target_groups") or []:
                    ingress |= _target_ports(group)
        client = set()
        for caller in callers:
            if caller.get("vpc") == vpc["name"]:
                for call in caller.get("calls") or []:
                    for listener in (service_by_name.get(call) or {}).get("listeners") or []:
                        port = _listener_port(listener)
                        if port is not None:
                            client.add(port)
        planned_vpcs.append(
            {
                "key": vpc["name"],
                "name": vpc["name"],
                "account": vpc_accounts[vpc["name"]],
                "cidr": vpc["cidr"],
                "subnets": [
                    {"cidr": subnet["cidr"], "az": subnet.get("az") or 0} for subnet in vpc.get("subnets") or []
                ],
                # service-a -> "Security group for Service A", the reference template's wording.
                "description": "Security group for %s" % " ".join(word.capitalize() for word in vpc["name"].split("-")),
                "ingress_ports": sorted(ingress),
                "client_ports": sorted(client),
            }
        )
    # Kept apart from "vpcs", which is exactly the network role's network_vpcs.
    vpc_associations = [
        {
            "vpc": vpc["name"],
            "account": vpc_accounts[vpc["name"]],
            "tags": _tags("%s-%s-vpc-association" % (env, vpc["name"]), env),
        }
        for vpc in mesh.get("vpcs") or []
        if vpc.get("associate") is not False
    ]

    planned_services = []
    for service in services:
        name = "%s-%s" % (env, service["name"])
        listeners = []
        for listener in service.get("listeners") or []:
            listener_name = "%s-%s-%s" % (env, service["name"], listener["name"])
            listeners.append(
                {
                    "name": listener_name,
                    "protocol": listener["protocol"],
                    "port": _listener_port(listener),
                    "default_action": _plan_action(listener["default_action"], env),
                    "rules": [
                        {
                            "name": rule["name"],
                            "priority": rule["priority"],
                            "match": rule["match"],
                            "action": _plan_action(rule["action"], env),
                        }
                        for rule in listener.get("rules") or []
                    ],
                    "tags": _tags(listener_name, env),
                }
            )
        planned_services.append(
            {
                "key": service["name"],
                "name": name,
                "vpc": service.get("vpc"),
                "account": vpc_accounts.get(service.get("vpc")) or service.get("account") or network_account,
                "auth_type": service.get("auth_type") or "AWS_IAM",
                "tags": _tags(name, env),
                "association_tags": _tags("%s-association" % name, env),
                "target_groups": [_plan_target_group(group, env) for group in service.get("target_groups") or []],
                "listeners": listeners,
                "callers": sorted(
                    caller["name"] for caller in callers if service["name"] in (caller.get("calls") or [])
                ),
            }
        )

    planned_callers = []
    for caller in callers:
        calls = []
        for call in caller.get("calls") or []:
            if call not in calls:
                calls.append(call)
        planned_callers.append(
            {
                "key": caller["name"],
                "name": caller["name"],
                "vpc": caller["vpc"],
                "account": vpc_accounts.get(caller["vpc"]),
                "trusted_services": [RUNS_ON[caller.get("runs_on") or "ec2"]],
                "managed_policy_arns": list(caller.get("managed_policy_arns") or []),
                "calls": calls,
            }
        )

    return {
        "env": env,
        "service_network": {
            "name": network_name,
            "account": network_account,
            "auth_type": network.get("auth_type") or "AWS_IAM",
            "policy_scope": network.get("policy_scope") or "services",
            "tags": _tags(network_name, env),
            "access_logs": access_logs,
        },
        "vpcs": planned_vpcs,
        "vpc_associations": vpc_associations,
        "services": planned_services,
        "callers": planned_callers,
    }


def mesh_account_plan(plan, account):
    """The part of a plan (mesh_plan) that one account (a host of hosts.yml) deploys: its VPCs, VPC
    associations, services and callers; ``owns_network`` says whether it owns the service network, and
    ``sharing`` lists the other accounts that use the network (they need it shared with them)."""
    network_account = plan["service_network"]["account"]
    part = dict(plan)
    # The items of a part are all the account's own: without the key, the VPCs are exactly the network role's.
    for key in ("vpcs", "vpc_associations", "services", "callers"):
        part[key] = [
            {field: value for field, value in item.items() if field != "account"}
            for item in plan.get(key) or []
            if item.get("account") == account
        ]
    users = set()
    for key in ("vpc_associations", "services"):
        users.update(item.get("account") for item in plan.get(key) or [])
    part["account"] = account
    part["owns_network"] = network_account == account
    # ECS services of this account that feed target groups register their tasks through one infrastructure role.
    uses_ecs = any(group.get("ecs") for service in part["services"] for group in service.get("target_groups") or [])
    part["ecs_infrastructure_role"] = "%s-ecs-lattice-infrastructure-role" % plan["env"] if uses_ecs else None
    part["sharing"] = sorted(user for user in users if user not in (None, network_account))
    return part


def mesh_ecs_role(target_groups, role_arn):
    """The planned target groups of a service with the ECS infrastructure role's ARN in each ``ecs``."""
    return [
        dict(group, ecs=dict(group["ecs"], role_arn=role_arn)) if group.get("ecs") else group
        for group in target_groups or []
    ]


def _short(name, env):
    prefix = "%s-" % env
    return name[len(prefix) :] if name.startswith(prefix) else name


def mesh_immutable_problems(plan, target_groups, listeners):
    """Declared values of fields that cannot change in place, against what is deployed: a list of messages.

    ``target_groups`` is target_group_info's ``target_groups``; ``listeners`` maps a service's name to
    listener_info's ``listeners``. site.yml checks this before its first change, so that no role changes
    anything (say, a security group's port) for a change that a later module must refuse.
    """
    env = plan["env"]
    deployed_groups = {group.get("name"): group for group in target_groups or []}
    problems = []
    for service in plan.get("services") or []:
        for group in service.get("target_groups") or []:
            deployed = deployed_groups.get(group["name"])
            if not deployed:
                continue
            config = deployed.get("config") or {}
            declared_port = group.get("port", DEFAULT_PORTS.get(group.get("protocol")))
            fields = (
                ("type", deployed.get("type"), group.get("type")),
                ("protocol", config.get("protocol"), group.get("protocol")),
                ("port", config.get("port"), declared_port),
                ("protocol_version", config.get("protocol_version"), group.get("protocol_version")),
            )
            for field, current, desired in fields:
                if desired is not None and current is not None and current != desired:
                    problems.append(
                        "%s: services[%s].target_groups[%s].%s: the deployed target group '%s' has %s %s, the "
                        "declaration %s; a target group's %s cannot change in place: give the target group a new "
                        "name, deploy, then delete the old one (lattice.mesh.target_group with state absent), or "
                        "remove it from the declaration and tear it down first"
                        % (
                            env,
                            service["key"],
                            _short(group["name"], env),
                            field,
                            group["name"],
                            field,
                            current,
                            desired,
                            field,
                        )
                    )
        deployed_listeners = {item.get("name"): item for item in (listeners or {}).get(service["name"]) or []}
        for listener in service.get("listeners") or []:
            deployed = deployed_listeners.get(listener["name"])
            if not deployed:
                continue
            for field in ("protocol", "port"):
                current, desired = deployed.get(field), listener.get(field)
                if desired is not None and current is not None and current != desired:
                    problems.append(
                        "%s: services[%s].listeners[%s].%s: the deployed listener '%s' has %s %s, the declaration "
                        "%s; a listener's %s cannot change in place: give the listener a new name (the old one is "
                        "deleted) or remove it, deploy, and add it back"
                        % (
                            env,
                            service["key"],
                            _short(listener["name"], "%s-%s" % (env, service["key"])),
                            field,
                            listener["name"],
                            field,
                            current,
                            desired,
                            field,
                        )
                    )
    return problems


class FilterModule(object):
    """lattice.mesh filters: mesh_problems, mesh_plan, mesh_account_plan, mesh_ecs_role and
    mesh_immutable_problems."""

    def filters(self):
        return {
            "mesh_problems": mesh_problems,
            "mesh_plan": mesh_plan,
            "mesh_immutable_problems": mesh_immutable_problems,
            "mesh_account_plan": mesh_account_plan,
            "mesh_ecs_role": mesh_ecs_role,
        }
