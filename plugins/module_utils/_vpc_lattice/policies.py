# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What auth policies, resource policies and access log subscriptions share: the resource they belong
to (a service network or a service), policy documents, and access log destinations.

Private: modules import these names from ``plugins/module_utils/vpc_lattice.py``.

A resource is referred to by name, ID or ARN. IDs and ARNs say whether they name a service network
(``sn-``) or a service (``svc-``). A name may belong to both: without ``resource_type`` both are looked
up, and a name that matches a service network and a service fails and asks for ``resource_type``.
"""

import json
import re

from .common import AnsibleLatticeError, call, paginate
from .identifiers import get_kind, is_resource_arn, is_resource_id, parse_lattice_arn, validate_name
from .normalize import normalize_resource, policy_documents_equal
from .resources import find_resource
from .waiters import VISIBILITY_TIMEOUT, wait_for_resource

POLICY_RESOURCE_KINDS = ("service_network", "service")

# The documented auth policy quota is 10 KB; botocore's model allows longer strings.
AUTH_POLICY_MAX_BYTES = 10 * 1024
# botocore's PolicyString (resource policies) is at most 10,000 characters.
RESOURCE_POLICY_MAX_CHARS = 10000

DEFAULT_SERVICE_NETWORK_LOG_TYPE = "SERVICE"

# --------------------------------------------------------------------------- the resource


def policy_resource_kinds(identifier, resource_type=None):
    """The kinds (keys of KINDS) ``identifier`` may name: ``resource_type`` when set, else the kind its
    ID or ARN names, else both service network and service (a name)."""
    if resource_type:
        return (resource_type,)
    for kind in POLICY_RESOURCE_KINDS:
        if is_resource_arn(kind, identifier) or is_resource_id(kind, identifier):
            return (kind,)
    return POLICY_RESOURCE_KINDS


def validate_policy_resource(identifier, resource_type=None, field="resource"):
    """None when ``identifier`` can name a service network or service (of ``resource_type``), else a message
    naming ``field``. Run it before any AWS call."""
    kinds = policy_resource_kinds(identifier, resource_type)
    expected = " or ".join(get_kind(kind).label for kind in kinds)
    if not isinstance(identifier, str) or not identifier:
        return f"{field}: the name, ID or ARN of a {expected} is required."
    if identifier.startswith("arn:"):
        matching = [kind for kind in POLICY_RESOURCE_KINDS if is_resource_arn(kind, identifier)]
        if not matching:
            return f"{field}: {identifier} is not the ARN of a {expected}."
        if resource_type and matching[0] != resource_type:
            return (
                f"{field}: {identifier} is the ARN of a {get_kind(matching[0]).label}, but resource_type is"
                f" {resource_type}; leave resource_type out or give the ARN of a {expected}."
            )
        return None
    if any(is_resource_id(kind, identifier) for kind in kinds):
        return None
    problems = [validate_name(kind, identifier, field) for kind in kinds]
    if all(problems):
        return problems[0]
    return None


def find_policy_resource(client, identifier, resource_type=None):
    """``(kind, resource)``: the service network or service ``identifier`` names (Get* answer), or
    ``(None, None)`` when there is none. A name shared by a service network and a service fails."""
    found = []
    for kind in policy_resource_kinds(identifier, resource_type):
        resource = find_resource(client, kind, identifier)
        if resource is not None:
            found.append((kind, resource))
    if len(found) > 1:
        arns = ", ".join(resource["arn"] for dummy, resource in found)
        raise AnsibleLatticeError(
            message=f"resource: both a service network and a service are named '{identifier}' ({arns}); set"
            " resource_type (service_network or service) or refer to the one you mean by its ID or ARN"
        )
    return found[0] if found else (None, None)


def describe_policy_resource(kind, resource):
    """How messages name a service network or service: ``service network 'payments' (sn-...)``."""
    return f"{get_kind(kind).label} '{resource.get('name')}' ({resource['id']})"


def missing_policy_resource(identifier, resource_type=None):
    """The error for a ``resource`` that names nothing."""
    expected = " or ".join(get_kind(kind).label for kind in policy_resource_kinds(identifier, resource_type))
    return AnsibleLatticeError(message=f"resource: there is no {expected} '{identifier}'; create it first")


# --------------------------------------------------------------------------- policy documents


def load_policy(value):
    """A policy document (dict) from a dict or JSON text; None for None or empty text."""
    if value is None or value == "":
        return None
    return json.loads(value) if isinstance(value, str) else value


def render_policy(document):
    """The compact JSON text sent to AWS: no newlines (auth policies refuse them), no extra spaces."""
    return json.dumps(document, separators=(",", ":"))


INVOKE_ACTION = "vpc-lattice-svcs:Invoke"
# How a service network's auth policy admits a caller: to exactly its services (their ARNs), or to every
# service of the accounts (and regions) its services are in, leaving exactness to the services' own policies.
NETWORK_POLICY_SCOPES = ("services", "accounts")


def invoke_resources(service_arns, scope="services"):
    """The Resource of an invoke grant of ``service_arns``: each service and its paths, or (scope
    ``accounts``) ``arn:...:service/*`` of each account and region they are in."""
    arns = sorted(set(service_arns))
    if scope == "accounts":
        account_services = "arn:{partition}:vpc-lattice:{region}:{account_id}:service/*"
        return sorted({account_services.format(**parse_lattice_arn(arn)) for arn in arns})
    return arns + [arn + "/*" for arn in arns]


def invoke_policy(statements):
    """An auth policy document of ``(principals, resources)`` pairs, each an Allow of the invoke action."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": sorted(set(principals))},
                "Action": INVOKE_ACTION,
                "Resource": resources,
            }
            for principals, resources in statements
        ],
    }


def service_auth_policy(service_arn, principals):
    """The auth policy of a service that exactly ``principals`` may invoke."""
    return invoke_policy([(principals, invoke_resources([service_arn]))])


def network_auth_policy(grants, scope="services"):
    """The auth policy of a service network from ``grants`` ({principals, services}): one statement per grant
    with principals, admitting them to its services as ``scope`` says; None when no grant has principals."""
    statements = [
        (grant["principals"], invoke_resources(grant.get("services") or [], scope))
        for grant in grants or []
        if grant.get("principals")
    ]
    return invoke_policy(statements) if statements else None


def validate_policy(value, field="policy", max_bytes=None, max_chars=None):
    """None when ``value`` (a dict or JSON text) is a policy document AWS can take, else a message naming
    ``field``: it must be a JSON object with a ``Statement`` (an object or a non-empty list of objects),
    and fit ``max_bytes``/``max_chars`` once rendered as compact JSON."""
    try:
        document = load_policy(value)
    except ValueError as e:
        return f"{field}: not valid JSON: {e}."
    if not isinstance(document, dict):
        return f"{field}: a policy must be a JSON object (with Version and Statement), not {type(document).__name__}."
    statement = document.get("Statement")
    statements = statement if isinstance(statement, list) else [statement]
    if statement is None or not statements or not all(isinstance(item, dict) for item in statements):
        return f"{field}: a policy needs a Statement: an object or a non-empty list of objects."
    text = render_policy(document)
    size = len(text.encode("utf-8"))
    if max_bytes is not None and size > max_bytes:
        return f"{field}: the policy is {size} bytes as compact JSON; the quota is {max_bytes} bytes."
    if max_chars is not None and len(text) > max_chars:
        return f"{field}: the policy is {len(text)} characters as compact JSON; at most {max_chars} are allowed."
    return None


# --------------------------------------------------------------------------- auth and resource policies

# policy type: (label, parameter of the Get/Put/Delete calls, key of the resource it takes)
_POLICY_TYPES = {
    "auth_policy": ("auth policy", "resourceIdentifier", "id"),
    "resource_policy": ("resource policy", "resourceArn", "arn"),
}


def _policy_call_params(policy_type, resource):
    dummy, param, key = _POLICY_TYPES[policy_type]
    return {param: resource[key]}


def get_policy(client, policy_type, resource):
    """The Get{Auth,Resource}Policy answer with ``policy`` as a dict, or None when there is no policy."""
    label = _POLICY_TYPES[policy_type][0]
    answer = call(
        f"get the {label} of {resource['arn']}",
        getattr(client, f"get_{policy_type}"),
        aws_retry=True,
        missing=lambda: None,
        **_policy_call_params(policy_type, resource),
    )
    if not answer or not answer.get("policy"):
        return None
    answer.pop("ResponseMetadata", None)
    answer["policy"] = load_policy(answer["policy"])
    return answer


def read_back_policy(client, policy_type, resource, timeout=VISIBILITY_TIMEOUT):
    """The policy just written, retrying while reads lag behind the write."""
    return wait_for_resource(
        lambda: get_policy(client, policy_type, resource),
        f"the {_POLICY_TYPES[policy_type][0]} of {resource['arn']}",
        timeout=timeout,
    )


def put_policy(client, policy_type, resource, document):
    """Put{Auth,Resource}Policy (an upsert) of ``document``, sent as compact JSON. Returns the answer."""
    answer = call(
        f"put the {_POLICY_TYPES[policy_type][0]} of {resource['arn']}",
        getattr(client, f"put_{policy_type}"),
        aws_retry=True,
        policy=render_policy(document),
        **_policy_call_params(policy_type, resource),
    )
    answer.pop("ResponseMetadata", None)
    return answer


def delete_policy(client, policy_type, resource):
    """Delete{Auth,Resource}Policy; False when there was none (NotFound), True once deleted."""
    return (
        call(
            f"delete the {_POLICY_TYPES[policy_type][0]} of {resource['arn']}",
            getattr(client, f"delete_{policy_type}"),
            aws_retry=True,
            missing=lambda: False,
            **_policy_call_params(policy_type, resource),
        )
        is not False
    )


def auth_policy_state(resource):
    """The state AWS gives an auth policy of ``resource``: it is evaluated only while the auth type is AWS_IAM."""
    return "Active" if resource.get("authType") == "AWS_IAM" else "Inactive"


def policy_result(kind, resource, policy):
    """A policy (a get_policy answer) as a module result, with the resource it belongs to; {} for none."""
    if not policy:
        return {}
    result = dict(policy, resourceId=resource["id"], resourceArn=resource["arn"], resourceType=kind)
    return normalize_resource(result, ignore_keys=["policy"])


def ensure_policy(client, policy_type, kind, resource, current, document, check_mode):
    """Make ``document`` the policy of ``resource`` unless ``current`` (get_policy) already is that document;
    ``(changed, policy_result)``. No call in check mode: the result is what AWS would report."""
    if current and policy_documents_equal(current["policy"], document):
        return False, policy_result(kind, resource, current)
    if check_mode:
        predicted = dict(current or {}, policy=document)
        if policy_type == "auth_policy":
            predicted["state"] = auth_policy_state(resource)
        return True, policy_result(kind, resource, predicted)
    put_policy(client, policy_type, resource, document)
    return True, policy_result(kind, resource, read_back_policy(client, policy_type, resource))


def remove_policy(client, policy_type, resource, current, check_mode):
    """Delete the policy ``current`` (get_policy) if there is one; whether anything changed. No call in check mode."""
    if not current:
        return False
    if check_mode:
        return True
    return delete_policy(client, policy_type, resource)


# --------------------------------------------------------------------------- access log destinations

# The service named in a destination ARN: what it is, the shape of the rest of the ARN, and an example.
ACCESS_LOG_DESTINATIONS = {
    "logs": (
        "CloudWatch Logs log group",
        r"[a-z0-9-]+:\d{12}:log-group:[\w./#-]{1,512}(:\*)?",
        "arn:aws:logs:eu-west-1:123456789012:log-group:my-group",
    ),
    "s3": ("S3 bucket", r"::(?!-)[a-z0-9.-]{3,63}(?<!-)(/.*)?", "arn:aws:s3:::my-bucket"),
    "firehose": (
        "Kinesis Data Firehose delivery stream",
        r"[a-z0-9-]+:\d{12}:deliverystream/[\w.-]{1,64}",
        "arn:aws:firehose:eu-west-1:123456789012:deliverystream/my-stream",
    ),
}
_DESTINATION_ARN_RE = re.compile(r"^arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<rest>.*)$")
DESTINATION_ARN_MAX = 2048


def access_log_destination_type(destination_arn):
    """``logs``, ``s3`` or ``firehose``: the service of a destination ARN; None when it is none of them."""
    match = _DESTINATION_ARN_RE.match(destination_arn or "")
    if not match or match.group("service") not in ACCESS_LOG_DESTINATIONS:
        return None
    return match.group("service")


def validate_destination_arn(destination_arn, field="destination_arn"):
    """None when ``destination_arn`` is shaped like a log group, S3 bucket or Firehose delivery stream ARN,
    else a message naming ``field`` and the expected shape."""
    destination_type = access_log_destination_type(destination_arn)
    if destination_type is None:
        kinds = ", ".join(f"{label} ({example})" for label, dummy, example in ACCESS_LOG_DESTINATIONS.values())
        return f"{field}: '{destination_arn}' is not the ARN of an access log destination; use the ARN of a {kinds}."
    label, pattern, example = ACCESS_LOG_DESTINATIONS[destination_type]
    rest = _DESTINATION_ARN_RE.match(destination_arn).group("rest")
    if len(destination_arn) > DESTINATION_ARN_MAX or not re.fullmatch(pattern, rest):
        return f"{field}: '{destination_arn}' is not a valid {label} ARN; expected for example {example}."
    return None


def same_destination(left, right):
    """Compare destination ARNs; a log group ARN with or without the ``:*`` suffix is the same log group."""
    if not left or not right:
        return False
    return _strip_log_group_suffix(left) == _strip_log_group_suffix(right)


def _strip_log_group_suffix(arn):
    return arn[:-2] if access_log_destination_type(arn) == "logs" and arn.endswith(":*") else arn


def effective_log_type(kind, service_network_log_type):
    """The log type of a subscription of ``kind``: services have none; a service network's is SERVICE
    unless set (AWS's default)."""
    if kind != "service_network":
        return None
    return service_network_log_type or DEFAULT_SERVICE_NETWORK_LOG_TYPE


def find_access_log_subscription(client, kind, resource, destination_type, log_type):
    """The subscription of ``resource`` to a destination of ``destination_type`` (and, on a service network,
    of ``log_type``): a resource has at most one per destination type and log type. None when there is none."""
    items = paginate(
        client,
        "list_access_log_subscriptions",
        f"list the access log subscriptions of {resource['arn']}",
        resourceIdentifier=resource["id"],
    )
    matches = [
        item
        for item in items
        if access_log_destination_type(item.get("destinationArn")) == destination_type
        and effective_log_type(kind, item.get("serviceNetworkLogType")) == log_type
    ]
    if len(matches) > 1:
        raise AnsibleLatticeError(
            message=f"{describe_policy_resource(kind, resource)} has {len(matches)} access log subscriptions to a"
            f" {ACCESS_LOG_DESTINATIONS[destination_type][0]} ({', '.join(item['id'] for item in matches)});"
            " refer to the one you mean by its id"
        )
    return matches[0] if matches else None
