# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What each Lattice resource type is called, how its IDs, ARNs and names look, and how to tell them apart.

Pure functions only (no AWS calls), so they are unit tested directly.
The patterns are botocore's (vpc-lattice 2022-11-30 model), anchored.
"""

import re
from collections import namedtuple

_ARN_RE = re.compile(
    r"^arn:(?P<partition>[a-z0-9\-]+):vpc-lattice:(?P<region>[a-zA-Z0-9\-]+):(?P<account_id>\d{12}):(?P<path>.+)$"
)
_PATH_PART_RE = re.compile(r"^[a-z]+$")
_ID_SUFFIX = r"[0-9a-z]{17}"


class ResourceKind(
    namedtuple(
        "ResourceKind",
        [
            "key",  # python-ish name, also the suffix of the boto3 methods: get_<key>, create_<key>...
            "label",  # what users read: "service network"
            "id_prefix",  # "sn"
            "arn_type",  # the last ARN path element type: "servicenetwork"
            "identifier_param",  # the Get/Update/Delete parameter: "serviceNetworkIdentifier"
            "parents",  # keys of the kinds this one is nested under (listener: ("service",))
            "name_max",  # None when the resource has no name
            "name_reserved_prefix",  # names may not start with the ID prefix ("svc-"); None when allowed
            "has_status",  # asynchronous resources report a status
            "list_operation",  # boto3 paginator name
        ],
    )
):
    __slots__ = ()

    @property
    def get_method(self):
        return f"get_{self.key}"

    @property
    def create_method(self):
        return f"create_{self.key}"

    @property
    def update_method(self):
        return f"update_{self.key}"

    @property
    def delete_method(self):
        return f"delete_{self.key}"

    @property
    def id_regex(self):
        return re.compile(rf"^{self.id_prefix}-{_ID_SUFFIX}$")

    @property
    def has_name(self):
        return self.name_max is not None


NAME_MIN = 3


def _camel(key):
    first, *rest = key.split("_")
    return first + "".join(word.capitalize() for word in rest)


def _kind(key, label, id_prefix, arn_type, parents=(), name_max=None, name_reserved_prefix=None, has_status=False):
    return ResourceKind(
        key=key,
        label=label,
        id_prefix=id_prefix,
        arn_type=arn_type,
        identifier_param=f"{_camel(key)}Identifier",
        parents=parents,
        name_max=name_max,
        name_reserved_prefix=name_reserved_prefix,
        has_status=has_status,
        list_operation=f"list_{key}s",
    )


KINDS = {
    kind.key: kind
    for kind in (
        _kind("service_network", "service network", "sn", "servicenetwork", name_max=63),
        _kind("service", "service", "svc", "service", name_max=40, name_reserved_prefix="svc-", has_status=True),
        _kind(
            "target_group",
            "target group",
            "tg",
            "targetgroup",
            name_max=128,
            name_reserved_prefix="tg-",
            has_status=True,
        ),
        _kind(
            "listener",
            "listener",
            "listener",
            "listener",
            parents=("service",),
            name_max=63,
            name_reserved_prefix="listener-",
        ),
        _kind(
            "rule", "rule", "rule", "rule", parents=("service", "listener"), name_max=63, name_reserved_prefix="rule-"
        ),
        _kind(
            "service_network_vpc_association",
            "service network VPC association",
            "snva",
            "servicenetworkvpcassociation",
            has_status=True,
        ),
        _kind(
            "service_network_service_association",
            "service network service association",
            "snsa",
            "servicenetworkserviceassociation",
            has_status=True,
        ),
        _kind(
            "service_network_resource_association",
            "service network resource association",
            "snra",
            "servicenetworkresourceassociation",
            has_status=True,
        ),
        _kind("access_log_subscription", "access log subscription", "als", "accesslogsubscription"),
        _kind(
            "resource_gateway",
            "resource gateway",
            "rgw",
            "resourcegateway",
            name_max=40,
            name_reserved_prefix="rgw-",
            has_status=True,
        ),
        _kind(
            "resource_configuration",
            "resource configuration",
            "rcfg",
            "resourceconfiguration",
            name_max=40,
            name_reserved_prefix="rcfg-",
            has_status=True,
        ),
    )
}


def get_kind(kind):
    """Accept a ResourceKind or its key."""
    if isinstance(kind, ResourceKind):
        return kind
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown Lattice resource kind {kind!r}; known: {', '.join(sorted(KINDS))}") from None


def parse_lattice_arn(arn):
    """Split a VPC Lattice ARN.

    Returns ``None`` if ``arn`` is not a Lattice ARN, else a dict with ``partition``, ``region``,
    ``account_id``, ``resource_type`` and ``resource_id`` (of the last path element) and ``path``, a
    list of ``(type, id)`` pairs from the outermost parent to the resource itself, e.g. for a rule
    ``[("service", "svc-..."), ("listener", "listener-..."), ("rule", "rule-...")]``.
    """
    if not isinstance(arn, str):
        return None
    match = _ARN_RE.match(arn)
    if not match:
        return None
    parts = match.group("path").split("/")
    if len(parts) % 2:
        return None
    path = []
    for index in range(0, len(parts), 2):
        resource_type, resource_id = parts[index], parts[index + 1]
        if not _PATH_PART_RE.match(resource_type) or not resource_id:
            return None
        path.append((resource_type, resource_id))
    return {
        "partition": match.group("partition"),
        "region": match.group("region"),
        "account_id": match.group("account_id"),
        "resource_type": path[-1][0],
        "resource_id": path[-1][1],
        "path": path,
    }


def _arn_type_to_kind(arn_type):
    for kind in KINDS.values():
        if kind.arn_type == arn_type:
            return kind
    return None


def is_resource_id(kind, value):
    """True when ``value`` is shaped like an ID of ``kind`` (``sn-`` + 17 lowercase alphanumerics)."""
    kind = get_kind(kind)
    return isinstance(value, str) and bool(kind.id_regex.match(value))


def is_resource_arn(kind, value):
    """True when ``value`` is a Lattice ARN whose last path element is a resource of ``kind``."""
    kind = get_kind(kind)
    parsed = parse_lattice_arn(value)
    if not parsed or parsed["resource_type"] != kind.arn_type:
        return False
    if not kind.id_regex.match(parsed["resource_id"]):
        return False
    # Nested resources (listener, rule) carry their parents in the ARN, in order.
    expected = [get_kind(parent).arn_type for parent in kind.parents] + [kind.arn_type]
    return [part[0] for part in parsed["path"]] == expected


def classify_identifier(kind, value):
    """``"arn"``, ``"id"`` or ``"name"``: how a user-supplied identifier of ``kind`` is to be resolved."""
    if is_resource_arn(kind, value):
        return "arn"
    if is_resource_id(kind, value):
        return "id"
    return "name"


def resource_id(kind, value):
    """The ID inside an ID or ARN of ``kind``; None for anything else (a name)."""
    kind = get_kind(kind)
    if is_resource_id(kind, value):
        return value
    if is_resource_arn(kind, value):
        return parse_lattice_arn(value)["resource_id"]
    return None


def parent_ids_from_arn(kind, value):
    """For nested kinds: the parent IDs an ARN carries, as ``{"service": "svc-...", ...}``."""
    kind = get_kind(kind)
    if not is_resource_arn(kind, value):
        return {}
    path = parse_lattice_arn(value)["path"]
    return {parent: resource_id for parent, (dummy, resource_id) in zip(kind.parents, path[:-1])}


def any_resource_id(value):
    """The ID in any Lattice ID or ARN (``sn-...``, ``svc-...``); the value itself if it is not an ARN."""
    parsed = parse_lattice_arn(value)
    return parsed["resource_id"] if parsed else value


def same_resource(left, right):
    """Compare two references (ID or ARN, any kind) by ID, so that an ID never differs from its own ARN."""
    if not left or not right:
        return False
    return any_resource_id(left) == any_resource_id(right)


def kind_of_identifier(value):
    """The ResourceKind an ID or ARN belongs to, or None."""
    parsed = parse_lattice_arn(value)
    if parsed:
        return _arn_type_to_kind(parsed["resource_type"])
    if isinstance(value, str):
        for kind in KINDS.values():
            if kind.id_regex.match(value):
                return kind
    return None


def name_pattern(kind):
    """The anchored botocore name pattern of ``kind``."""
    kind = get_kind(kind)
    reserved = f"(?!{re.escape(kind.name_reserved_prefix)})" if kind.name_reserved_prefix else ""
    return re.compile(rf"^{reserved}(?![-])(?!.*[-]$)(?!.*[-]{{2}})[a-z0-9-]+$")


def suggest_name(kind, value):
    """A valid name close to ``value`` (lowercased, other characters turned into single hyphens), or None."""
    kind = get_kind(kind)
    if not isinstance(value, str):
        return None
    candidate = re.sub(r"[^a-z0-9-]+", "-", value.lower())
    candidate = re.sub(r"-{2,}", "-", candidate).strip("-")
    if kind.name_reserved_prefix and candidate.startswith(kind.name_reserved_prefix):
        candidate = candidate[len(kind.name_reserved_prefix) :]
    candidate = candidate[: kind.name_max].strip("-")
    if len(candidate) < NAME_MIN or candidate == value:
        return None
    return candidate


def validate_name(kind, value, field="name"):
    """None when ``value`` is a valid name of ``kind``, else a message naming ``field`` and how to fix it.

    Call it before any AWS call, so a bad name never costs a round trip or a half-made change.
    """
    kind = get_kind(kind)
    if not kind.has_name:
        raise ValueError(f"a {kind.label} has no name")
    rules = (
        f"a {kind.label} name must be {NAME_MIN}-{kind.name_max} characters long, use only lowercase letters, "
        "digits and hyphens, and must not begin or end with a hyphen or contain two hyphens in a row"
    )
    if kind.name_reserved_prefix:
        rules += f", nor start with '{kind.name_reserved_prefix}'"
    if not isinstance(value, str) or not value:
        return f"{field}: a {kind.label} name is required; {rules}."
    problems = []
    if len(value) < NAME_MIN or len(value) > kind.name_max:
        problems.append(f"it is {len(value)} characters long")
    bad_chars = sorted(set(re.sub(r"[a-z0-9-]", "", value)))
    if bad_chars:
        problems.append("it contains " + ", ".join(repr(c) for c in bad_chars))
    if value.startswith("-") or value.endswith("-"):
        problems.append("it begins or ends with a hyphen")
    if "--" in value:
        problems.append("it contains two hyphens in a row")
    if kind.name_reserved_prefix and value.startswith(kind.name_reserved_prefix):
        problems.append(f"it starts with '{kind.name_reserved_prefix}', which is reserved for IDs")
    if not problems and name_pattern(kind).match(value):
        return None
    message = f"{field}: '{value}' is not a valid {kind.label} name ({'; '.join(problems)}): {rules}."
    suggestion = suggest_name(kind, value)
    if suggestion:
        message += f" For example: '{suggestion}'."
    return message


def identifier_params(kind, identifier, parents=None):
    """The keyword arguments a Get/Update/Delete call of ``kind`` takes for ``identifier`` (an ID or ARN).

    ``parents`` maps parent kind keys to an ID, ARN or name-free identifier (for a listener:
    ``{"service": "svc-..."}``); parents carried by an ARN fill in the gaps.
    """
    kind = get_kind(kind)
    params = {kind.identifier_param: identifier}
    known = dict(parent_ids_from_arn(kind, identifier))
    known.update({key: value for key, value in (parents or {}).items() if value})
    for parent in kind.parents:
        if parent not in known:
            raise ValueError(f"a {kind.label} is looked up within its {get_kind(parent).label}; none was given")
        params[get_kind(parent).identifier_param] = known[parent]
    return params
