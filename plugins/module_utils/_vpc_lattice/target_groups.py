# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Target-group specifics: option <-> API shapes, the defaults AWS fills in, input checks, target
reconciliation and waiting for target health.

Private: modules import these names from ``plugins/module_utils/vpc_lattice.py``. Everything but the
last section is pure (no AWS calls) and unit tested directly.
"""

import ipaddress
import re

from .common import NOT_FOUND, AnsibleLatticeError, call, error_code, paginate
from .normalize import changed_fields, immutable_changes
from .resources import get_resource, status_blocker
from .waiters import DEFAULT_TIMEOUT, Blocker, call_with_conflict_wait, wait_for_resource

KIND = "target_group"
TARGET_GROUP_TYPES = ("INSTANCE", "IP", "LAMBDA", "ALB")

# Module option -> API field, for ``config`` and ``config.health_check``.
CONFIG_FIELDS = {
    "port": "port",
    "protocol": "protocol",
    "protocol_version": "protocolVersion",
    "ip_address_type": "ipAddressType",
    "vpc": "vpcIdentifier",
    "lambda_event_structure_version": "lambdaEventStructureVersion",
}
HEALTH_CHECK_FIELDS = {
    "enabled": "enabled",
    "protocol": "protocol",
    "protocol_version": "protocolVersion",
    "port": "port",
    "path": "path",
    "interval_seconds": "healthCheckIntervalSeconds",
    "timeout_seconds": "healthCheckTimeoutSeconds",
    "healthy_threshold_count": "healthyThresholdCount",
    "unhealthy_threshold_count": "unhealthyThresholdCount",
}
# What users wrote, by API field, for messages about immutable fields.
TARGET_GROUP_OPTION_NAMES = dict({api: f"config.{option}" for option, api in CONFIG_FIELDS.items()}, type="type")

# AWS's defaults (API reference, TargetGroupConfig and HealthCheckConfig).
DEFAULT_PORTS = {"HTTP": 80, "HTTPS": 443}
DEFAULT_PROTOCOL_VERSION = "HTTP1"
DEFAULT_IP_ADDRESS_TYPE = "IPV4"
DEFAULT_LAMBDA_EVENT_STRUCTURE_VERSION = "V1"
HEALTH_CHECK_DEFAULTS = {
    "path": "/",
    "healthCheckIntervalSeconds": 30,
    "healthCheckTimeoutSeconds": 5,
    "healthyThresholdCount": 5,
    "unhealthyThresholdCount": 2,
    "matcher": {"httpCode": "200"},
}
# The documented ranges. The model also allows 0, which AWS takes as "reset to the default": a value
# that never reads back as written, hence a perpetual change, so it is refused.
HEALTH_CHECK_RANGES = {
    "interval_seconds": (5, 300),
    "timeout_seconds": (1, 120),
    "healthy_threshold_count": (2, 10),
    "unhealthy_threshold_count": (2, 10),
}
PORT_RANGE = (1, 65535)
HEALTH_CHECK_PATH_MAX = 2048
HTTP_CODE_RE = re.compile(r"^[0-9]{3}([-,][0-9]{3})*$")
VPC_ID_RE = re.compile(r"^vpc-([0-9a-z]{8}|[0-9a-z]{17})$")
INSTANCE_ID_RE = re.compile(r"^i-([0-9a-f]{8}|[0-9a-f]{17})$")
LAMBDA_ARN_RE = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$")
ALB_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/app/[A-Za-z0-9-]+/[0-9a-f]+$"
)
# Options a LAMBDA target group does not take (AWS: "not supported if the target group type is LAMBDA").
NOT_FOR_LAMBDA = ("port", "protocol", "protocol_version", "ip_address_type", "vpc", "health_check")

# Target statuses (ListTargets) after which there is nothing more to wait for: HEALTHY; UNUSED while no
# listener or rule forwards to the group (no health checks run); UNAVAILABLE when health checks are off.
SETTLED_TARGET_STATUSES = ("HEALTHY", "UNUSED", "UNAVAILABLE")
DRAINING = "DRAINING"
TARGETS_PER_CALL = 100  # RegisterTargets/DeregisterTargets take 1 to 100 targets


# --------------------------------------------------------------------------- shapes and defaults


def _set_fields(options, fields):
    return {api: options[option] for option, api in fields.items() if (options or {}).get(option) is not None}


def health_check_request(health_check):
    """The API ``healthCheck`` for the module's ``config.health_check`` (unset options left out), or None."""
    if health_check is None:
        return None
    request = _set_fields(health_check, HEALTH_CHECK_FIELDS)
    matcher = health_check.get("matcher") or {}
    if matcher.get("http_code") is not None:
        request["matcher"] = {"httpCode": matcher["http_code"]}
    return request


def target_group_config_request(config):
    """The API ``config`` for the module's ``config`` option (unset options left out), or None."""
    if config is None:
        return None
    request = _set_fields(config, CONFIG_FIELDS)
    health_check = health_check_request(config.get("health_check"))
    if health_check is not None:
        request["healthCheck"] = health_check
    return request


def target_group_config_defaults(group_type, config):
    """What AWS fills in when a field of an API ``config`` of ``group_type`` is left out."""
    if group_type == "LAMBDA":
        return {"lambdaEventStructureVersion": DEFAULT_LAMBDA_EVENT_STRUCTURE_VERSION}
    protocol = (config or {}).get("protocol")
    defaults = {}
    if protocol in DEFAULT_PORTS:
        defaults["port"] = DEFAULT_PORTS[protocol]
    if protocol != "TCP":
        defaults["protocolVersion"] = DEFAULT_PROTOCOL_VERSION
    if group_type == "IP":
        defaults["ipAddressType"] = DEFAULT_IP_ADDRESS_TYPE
    return defaults


def health_check_defaults(protocol, protocol_version):
    """AWS's health check settings for a new INSTANCE or IP target group. Health checks are on by default
    only for HTTP1 groups; the health check protocol follows the group's (HTTPS for HTTPS, else HTTP)."""
    return dict(
        HEALTH_CHECK_DEFAULTS,
        enabled=(protocol_version or DEFAULT_PROTOCOL_VERSION) == DEFAULT_PROTOCOL_VERSION,
        protocol="HTTPS" if protocol == "HTTPS" else "HTTP",
        protocolVersion=DEFAULT_PROTOCOL_VERSION,
    )


def target_group_immutable_changes(resource, group_type, config):
    """What the module's ``type`` and ``config`` would change in a deployed group (a Get answer) that cannot change
    in place: ``(field, current, desired)`` tuples (see immutable_changes). The health check can change."""
    current = dict(resource.get("config") or {})
    current.pop("healthCheck", None)
    requested = target_group_config_request(config) or {}
    requested.pop("healthCheck", None)
    return immutable_changes(
        dict(current, type=resource["type"]),
        dict(requested, type=group_type),
        target_group_config_defaults(resource["type"], current),
    )


def health_check_updates(resource, config):
    """The API health check fields the module's ``config`` sets that a deployed group (a Get answer) lacks."""
    current = (resource.get("config") or {}).get("healthCheck") or {}
    requested = target_group_config_request(config) or {}
    return changed_fields(current, requested.get("healthCheck") or {})


def predicted_target_group_config(group_type, request):
    """The ``config`` AWS will report for a group created with the API ``config`` ``request`` (check mode)."""
    request = dict(request or {})
    predicted = dict(target_group_config_defaults(group_type, request), **request)
    if group_type in ("INSTANCE", "IP"):
        predicted["healthCheck"] = dict(
            health_check_defaults(predicted.get("protocol"), predicted.get("protocolVersion")),
            **(request.get("healthCheck") or {}),
        )
    return predicted


# --------------------------------------------------------------------------- input checks


def _range_problem(field, value, bounds):
    low, high = bounds
    if value is not None and not low <= value <= high:
        return f"{field}: {value} is out of range; use a value from {low} to {high}"
    return None


def _target_id_problem(group_type, target_id, ip_address_type):
    if group_type == "LAMBDA" and not LAMBDA_ARN_RE.match(target_id):
        return "the target of a LAMBDA target group is a Lambda function ARN (arn:aws:lambda:...:function:<name>)"
    if group_type == "ALB" and not ALB_ARN_RE.match(target_id):
        return (
            "the targets of an ALB target group are Application Load Balancer ARNs"
            " (arn:aws:elasticloadbalancing:...:loadbalancer/app/<name>/<id>)"
        )
    if group_type == "INSTANCE" and not INSTANCE_ID_RE.match(target_id):
        return "the targets of an INSTANCE target group are EC2 instance IDs (i-...)"
    if group_type == "IP":
        version = 6 if ip_address_type == "IPV6" else 4
        try:
            address = ipaddress.ip_address(target_id)
        except ValueError:
            address = None
        if address is None or address.version != version:
            return (
                f"the targets of this IP target group are IPv{version} addresses"
                f" (config.ip_address_type {ip_address_type or DEFAULT_IP_ADDRESS_TYPE})"
            )
    return None


def _targets_problems(group_type, targets, ip_address_type):
    problems = []
    seen = set()
    for index, target in enumerate(targets):
        field = f"targets[{index}]"
        port = target.get("port")
        problems.append(_range_problem(f"{field}.port", port, PORT_RANGE))
        if group_type == "LAMBDA" and port is not None:
            problems.append(f"{field}.port: a Lambda target takes no port; remove it")
        if group_type:
            reason = _target_id_problem(group_type, target["id"], ip_address_type)
            if reason:
                problems.append(f"{field}.id: '{target['id']}' is not valid: {reason}")
        key = (target["id"], port)
        if key in seen:
            problems.append(f"{field}: {target['id']} (port {port or 'of the group'}) is listed twice; list it once")
        seen.add(key)
    if group_type == "LAMBDA" and len(targets) > 1:
        problems.append(f"targets: a LAMBDA target group holds one target (one Lambda function), not {len(targets)}")
    return problems


def _health_check_problems(health_check):
    problems = [
        _range_problem(f"config.health_check.{option}", health_check.get(option), bounds)
        for option, bounds in HEALTH_CHECK_RANGES.items()
    ]
    problems.append(_range_problem("config.health_check.port", health_check.get("port"), PORT_RANGE))
    path = health_check.get("path")
    if path is not None and (not path.startswith("/") or len(path) > HEALTH_CHECK_PATH_MAX):
        problems.append(
            f"config.health_check.path: '{path}' must begin with '/' and be at most {HEALTH_CHECK_PATH_MAX} characters"
            " (for example /health or /status?full=1)"
        )
    http_code = (health_check.get("matcher") or {}).get("http_code")
    if http_code is not None and not HTTP_CODE_RE.match(http_code):
        problems.append(
            f"config.health_check.matcher.http_code: '{http_code}' is not a status code list; write a code (200),"
            " codes separated by commas (200,202) or a range (200-299)"
        )
    return problems


def _type_problems(group_type, config, creating):
    given = [option for option in NOT_FOR_LAMBDA if config.get(option) is not None]
    if group_type == "LAMBDA":
        return [f"config.{option}: a LAMBDA target group takes no {option}; remove it" for option in given]
    problems = []
    if config.get("lambda_event_structure_version") is not None:
        problems.append("config.lambda_event_structure_version: only LAMBDA target groups take it; remove it")
    if config.get("ip_address_type") is not None and group_type != "IP":
        problems.append(f"config.ip_address_type: only IP target groups take it, not {group_type}; remove it")
    if group_type == "ALB":
        if config.get("protocol") == "TCP":
            problems.append("config.protocol: an ALB target group forwards HTTP or HTTPS, not TCP")
        if config.get("health_check") is not None:
            problems.append(
                "config.health_check: VPC Lattice runs no health checks for ALB target groups (the load balancer's"
                " own target groups have them); remove it"
            )
    if creating:
        for option in ("protocol", "vpc"):
            if config.get(option) is None:
                problems.append(f"config.{option}: required to create a {group_type} target group")
        if config.get("protocol") == "TCP" and config.get("port") is None:
            problems.append("config.port: required to create a TCP target group (HTTP and HTTPS default to 80 and 443)")
    return problems


def validate_target_group(group_type, config, targets, creating=False, ip_address_type=None):
    """None when the options can be sent to AWS, else a message naming each offending option and its fix.

    ``group_type`` is the requested (or, for an existing group, the actual) type; None checks only what
    does not depend on it. ``config``/``targets`` are the module's options; ``ip_address_type`` the
    group's actual one, when the options leave it out. ``creating``: the required options are checked too.
    """
    config = config or {}
    problems = [_range_problem("config.port", config.get("port"), PORT_RANGE)]
    vpc = config.get("vpc")
    if vpc is not None and not VPC_ID_RE.match(vpc):
        problems.append(f"config.vpc: '{vpc}' is not a VPC ID (vpc-...)")
    if config.get("health_check") is not None:
        problems += _health_check_problems(config["health_check"])
    if group_type:
        problems += _type_problems(group_type, config, creating)
    if targets is not None:
        problems += _targets_problems(group_type, targets, config.get("ip_address_type") or ip_address_type)
    problems = [problem for problem in problems if problem]
    return "; ".join(problems) + "." if problems else None


# --------------------------------------------------------------------------- targets


def _key(group_type, target_id, port):
    # A Lambda target has no port: AWS reports none (or 0 in some answers), so never compare one.
    return (target_id, None if group_type == "LAMBDA" else port)


def desired_targets(group_type, targets, group_port):
    """The module's ``targets`` as API targets, each with its effective port (the group's when unset)."""
    result = []
    for target in targets:
        if group_type == "LAMBDA":
            result.append({"id": target["id"]})
        else:
            result.append({"id": target["id"], "port": target.get("port") or group_port})
    return result


def _api_target(group_type, item):
    if group_type == "LAMBDA":
        return {"id": item["id"]}
    return {"id": item["id"], "port": item.get("port")}


def target_changes(group_type, current, desired, purge=True):
    """``(to_register, to_deregister)``: API targets that make ``current`` (ListTargets items) match
    ``desired`` (from ``desired_targets``). Unlisted targets are deregistered only with ``purge``.

    A DRAINING target is on its way out: it is registered again if desired, and left alone otherwise.
    """
    registered = {
        _key(group_type, item["id"], item.get("port")): item for item in current if item.get("status") != DRAINING
    }
    wanted = {_key(group_type, target["id"], target.get("port")): target for target in desired}
    to_register = [target for key, target in wanted.items() if key not in registered]
    to_deregister = []
    if purge:
        for key, item in registered.items():
            if key not in wanted:
                to_deregister.append(_api_target(group_type, item))
    return to_register, to_deregister


def target_result(item):
    """One target of a result: id, port, status and reason_code (None where AWS gives none)."""
    return {
        "id": item["id"],
        "port": item.get("port"),
        "status": item.get("status"),
        "reason_code": item.get("reasonCode"),
    }


def _sort_key(target):
    return (target["id"], target.get("port") or 0)


def targets_result(items):
    return sorted((target_result(item) for item in items), key=_sort_key)


def predicted_targets(group_type, current, to_register, to_deregister):
    """The targets a group will have once the changes are made (check mode); new ones have no status yet."""
    gone = {_key(group_type, target["id"], target.get("port")) for target in to_deregister}
    kept = [item for item in current if _key(group_type, item["id"], item.get("port")) not in gone]
    fresh = {_key(group_type, target["id"], target.get("port")) for target in to_register}
    kept = [item for item in kept if _key(group_type, item["id"], item.get("port")) not in fresh]
    return targets_result(kept + [dict(target, status=None) for target in to_register])


def unsettled_targets(group_type, items, wanted=None):
    """The targets (among ``wanted`` API targets, else all but DRAINING ones) not yet HEALTHY, UNUSED or
    UNAVAILABLE, as ``"<id>:<port> <status> (<reason>)"`` texts; wanted targets not listed yet count too."""
    listed = {_key(group_type, item["id"], item.get("port")): item for item in items}
    if wanted is None:
        keys = [key for key, item in listed.items() if item.get("status") != DRAINING]
    else:
        keys = [_key(group_type, target["id"], target.get("port")) for target in wanted]
    pending = []
    for key in sorted(keys, key=lambda pair: (pair[0], pair[1] or 0)):
        item = listed.get(key)
        status = item.get("status") if item else None
        if status in SETTLED_TARGET_STATUSES:
            continue
        label = key[0] if key[1] is None else f"{key[0]}:{key[1]}"
        reason = f" ({item['reasonCode']})" if item and item.get("reasonCode") else ""
        pending.append(f"{label} {status or 'not listed yet'}{reason}")
    return pending


# --------------------------------------------------------------------------- AWS calls


def list_targets(client, target_group_id):
    """Every target of a group (ListTargets, all pages); None when the group is gone."""
    description = f"list the targets of target group {target_group_id}"
    try:
        return paginate(client, "list_targets", description, targetGroupIdentifier=target_group_id)
    except AnsibleLatticeError as e:
        if error_code(e.exception) == NOT_FOUND:
            return None
        raise


def _fail_on_unsuccessful(action, target_group_id, result):
    failures = result.get("unsuccessful") or []
    if failures:
        details = "; ".join(
            f"{failure.get('id')}"
            + (f":{failure['port']}" if failure.get("port") else "")
            + f" {failure.get('failureCode') or 'failed'}: {failure.get('failureMessage') or 'AWS gave no reason'}"
            for failure in failures
        )
        raise AnsibleLatticeError(
            message=f"Failed to {action} {len(failures)} target(s) of target group {target_group_id}: {details}"
        )


def change_targets(client, target_group_id, to_register, to_deregister, describe_blockers=None):
    """Register and deregister targets (in batches of at most 100, the API's limit); fails naming every target AWS
    refused (``unsuccessful``: failureCode and failureMessage)."""
    for action, targets in (("deregister", to_deregister), ("register", to_register)):
        for start in range(0, len(targets), TARGETS_PER_CALL):
            batch = targets[start : start + TARGETS_PER_CALL]
            method = getattr(client, f"{action}_targets")
            result = call(
                f"{action} targets of target group {target_group_id}",
                call_with_conflict_wait,
                lambda method=method, batch=batch: method(
                    targetGroupIdentifier=target_group_id, targets=batch, aws_retry=True
                ),
                f"{action} targets",
                f"target group {target_group_id}",
                describe_blockers=describe_blockers,
            )
            _fail_on_unsuccessful(action, target_group_id, result)


def wait_for_targets(client, target_group_id, group_type, wanted=None, timeout=DEFAULT_TIMEOUT, **waiter_options):
    """Wait until the targets (``wanted`` API targets, else every registered one) are HEALTHY, or UNUSED
    (no listener or rule forwards to the group yet) or UNAVAILABLE (health checks disabled). Returns the
    ListTargets items; on timeout, fails naming the targets still pending and their status and reason."""

    def poll():
        items = list_targets(client, target_group_id)
        if items is None:
            return None
        pending = unsettled_targets(group_type, items, wanted)
        # The one polling loop compares a "status": the pending targets are the status until none is left.
        return {"status": "; ".join(pending) if pending else "HEALTHY", "items": items}

    return wait_for_resource(
        poll,
        f"the targets of target group {target_group_id}",
        target_statuses=("HEALTHY",),
        timeout=timeout,
        **waiter_options,
    )["items"]


def _service_label(client, service_arn):
    try:
        service = get_resource(client, "service", service_arn)
    except AnsibleLatticeError:
        service = None  # best effort: the ARN still says which service it is
    if service and service.get("name"):
        return f"{service['name']} ({service['id']})"
    return service_arn


def target_group_blockers(client, target_group_id, resource=None):
    """Why a target group cannot be deleted, as waiters.Blocker: its own operation in progress (waited
    out), and the services whose listeners or rules forward to it (``serviceArns``), which must stop first.

    ``resource``: a fresh GetTargetGroup answer, to save the call.
    """
    resource = resource or get_resource(client, KIND, target_group_id)
    if resource is None:
        return []
    blockers = status_blocker(KIND, resource)
    for service_arn in resource.get("serviceArns") or []:
        blockers.append(Blocker("dependent service", _service_label(client, service_arn), False))
    return blockers
