# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Service-network associations with services and with VPCs: finding the association of a (network, service) or
(network, VPC) pair, validating EC2 IDs and DNS options, comparing security groups and DNS options, and knowing
which request fields the installed botocore supports.

Private: modules import these names from ``plugins/module_utils/vpc_lattice.py``.
"""

import re

from .common import ACCESS_DENIED, AnsibleLatticeError, LatticeResourceFailed, error_code
from .identifiers import get_kind, is_resource_arn, resource_id, same_resource
from .resources import (
    association_blockers,
    find_resource,
    get_resource,
    get_tags_when_visible,
    list_resources,
    status_blocker,
)
from .waiters import FAILED_SUFFIX, VISIBILITY_TIMEOUT, failure_reason, wait_for_resource

SERVICE_ASSOCIATION = "service_network_service_association"
VPC_ASSOCIATION = "service_network_vpc_association"
DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
ASSOCIATION_STATUSES = tuple(
    f"{operation}_{outcome}" for operation in ("CREATE", "UPDATE", "DELETE") for outcome in ("IN_PROGRESS", "FAILED")
) + ("ACTIVE",)

# botocore's patterns for VpcId and SecurityGroupId, anchored.
VPC_ID_RE = re.compile(r"^vpc-([0-9a-z]{8}|[0-9a-z]{17})$")
SECURITY_GROUP_ID_RE = re.compile(r"^sg-([0-9a-z]{8}|[0-9a-z]{17})$")
MAX_SECURITY_GROUPS = 5
MAX_SPECIFIED_DOMAINS = 10
MAX_DOMAIN_LENGTH = 255
# The private DNS preferences that take a list of domains (and need one).
SPECIFIED_DOMAIN_PREFERENCES = ("VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS", "SPECIFIED_DOMAINS_ONLY")


def validate_vpc_id(value, field="vpc_id"):
    """None when ``value`` looks like a VPC ID, else a message naming ``field``."""
    if isinstance(value, str) and VPC_ID_RE.match(value):
        return None
    return f"{field}: '{value}' is not a VPC ID; expected 'vpc-' followed by 8 or 17 lowercase letters or digits"


def validate_security_group_ids(values, field="security_group_ids"):
    """None when ``values`` (a list, or None for "not set") can be sent as securityGroupIds, else a message."""
    if values is None:
        return None
    bad = [value for value in values if not isinstance(value, str) or not SECURITY_GROUP_ID_RE.match(value)]
    if bad:
        return (
            f"{field}: {', '.join(repr(value) for value in bad)} "
            f"{'is not a security group ID' if len(bad) == 1 else 'are not security group IDs'}; "
            "expected 'sg-' followed by 8 or 17 lowercase letters or digits"
        )
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        return f"{field}: list each security group once ({', '.join(duplicates)} appear more than once)"
    if len(values) > MAX_SECURITY_GROUPS:
        return f"{field}: a VPC association takes at most {MAX_SECURITY_GROUPS} security groups, not {len(values)}"
    return None


def validate_dns_options(dns_options, private_dns_enabled, field="dns_options"):
    """None when ``dns_options`` (module-shaped: ``private_dns_preference``, ``private_dns_specified_domains``)
    is consistent, else a message naming the option and the fix."""
    if dns_options is None:
        return None
    if private_dns_enabled is False:
        return f"{field}: DNS options apply only with private DNS; set private_dns_enabled to true or drop {field}"
    preference = dns_options.get("private_dns_preference")
    domains = dns_options.get("private_dns_specified_domains")
    if preference in SPECIFIED_DOMAIN_PREFERENCES:
        if not domains:
            return f"{field}: private_dns_preference {preference} needs private_dns_specified_domains (1 to 10 names)"
    elif domains:
        return (
            f"{field}: private_dns_specified_domains is used only with private_dns_preference "
            f"{' or '.join(SPECIFIED_DOMAIN_PREFERENCES)}, not {preference}"
        )
    if domains and len(domains) > MAX_SPECIFIED_DOMAINS:
        return f"{field}: at most {MAX_SPECIFIED_DOMAINS} private_dns_specified_domains, not {len(domains)}"
    bad = [domain for domain in domains or [] if not 1 <= len(domain) <= MAX_DOMAIN_LENGTH]
    if bad:
        return f"{field}: private_dns_specified_domains must be 1-{MAX_DOMAIN_LENGTH} characters long"
    return None


def dns_options_to_api(dns_options):
    """The ``dnsOptions`` of a request from the module's ``dns_options``; None when not set."""
    if dns_options is None:
        return None
    api = {"privateDnsPreference": dns_options["private_dns_preference"]}
    if dns_options.get("private_dns_specified_domains"):
        api["privateDnsSpecifiedDomains"] = list(dns_options["private_dns_specified_domains"])
    return api


def _comparable_dns_options(options):
    options = options or {}
    return options.get("privateDnsPreference"), sorted(options.get("privateDnsSpecifiedDomains") or [])


def dns_options_differ(current, desired):
    """Whether API-shaped ``desired`` DNS options (None: not set) differ from ``current``; domains compare as a set."""
    if desired is None:
        return False
    return _comparable_dns_options(current) != _comparable_dns_options(desired)


def security_groups_differ(current, desired):
    """Whether ``desired`` security group IDs (None: not set) differ from ``current``, compared as sets."""
    if desired is None:
        return False
    return set(current or []) != set(desired)


def unsupported_request_fields(client, operation, fields):
    """The fields of ``fields`` (``{option name: API member}``) that the installed botocore's model of
    ``operation`` (e.g. "CreateServiceNetworkVpcAssociation") does not know, as option names.

    Lattice grew request fields over time; an old botocore would reject them with a vague parameter error.
    """
    members = client.meta.service_model.operation_model(operation).input_shape.members
    return [option for option, member in fields.items() if member not in members]


def _live_first(summaries):
    """An association being deleted may be listed next to its replacement for a while: the live one counts."""
    live = [item for item in summaries if item.get("status") != DELETE_IN_PROGRESS]
    return live + [item for item in summaries if item.get("status") == DELETE_IN_PROGRESS]


def _full(client, kind, summary):
    """The Get* answer (it carries failureCode/failureMessage) of a listed association, or None if it is gone."""
    if summary.get("status") == DELETE_IN_PROGRESS:
        return get_resource(client, kind, summary["id"])
    # A listed association that is not being deleted exists: NotFound is read-after-write lag. Any status is an
    # answer here (a failed one included: the caller decides what it means).
    return wait_for_resource(
        lambda: get_resource(client, kind, summary["id"]),
        f"{get_kind(kind).label} {summary['id']}",
        target_statuses=ASSOCIATION_STATUSES,
        timeout=VISIBILITY_TIMEOUT,
    )


def find_service_association(client, network_id, service_id):
    """The association of service ``service_id`` with service network ``network_id`` (IDs or ARNs) as
    GetServiceNetworkServiceAssociation answers it, or None."""
    summaries = list_resources(
        client, SERVICE_ASSOCIATION, serviceNetworkIdentifier=network_id, serviceIdentifier=service_id
    )
    matches = [
        item
        for item in summaries
        if same_resource(item.get("serviceNetworkId"), network_id) and same_resource(item.get("serviceId"), service_id)
    ]
    for summary in _live_first(matches):
        association = _full(client, SERVICE_ASSOCIATION, summary)
        if association is not None:
            return association
    return None


def find_vpc_association(client, network_id, vpc_id):
    """``(association, elsewhere)`` for VPC ``vpc_id`` and service network ``network_id`` (ID or ARN).

    ``association``: the association of the VPC with that network as GetServiceNetworkVpcAssociation answers it,
    or None. ``elsewhere``: summaries of the VPC's associations with OTHER networks that are not being deleted
    (a VPC can be associated with one service network only, so these keep it from joining this one).
    """
    summaries = list_resources(client, VPC_ASSOCIATION, vpcIdentifier=vpc_id)
    summaries = [item for item in summaries if item.get("vpcId") == vpc_id]
    ours = [item for item in summaries if same_resource(item.get("serviceNetworkId"), network_id)]
    elsewhere = [
        item
        for item in summaries
        if not same_resource(item.get("serviceNetworkId"), network_id) and item.get("status") != DELETE_IN_PROGRESS
    ]
    for summary in _live_first(ours):
        association = _full(client, VPC_ASSOCIATION, summary)
        if association is not None:
            return association, elsewhere
    return None, elsewhere


def find_association_network(client, identifier, state):
    """The service network an association task names (find_resource's answer), or None when there is none.

    Removing an association still works once the network's owner deleted it or stopped sharing it: with
    ``state`` absent, a network given by ARN that AWS no longer lets this account read stands in as
    ``{id, arn, name}``, enough to find (and delete) this account's association with it.
    """
    try:
        return find_resource(client, "service_network", identifier)
    except AnsibleLatticeError as error:
        unreadable = error_code(error.exception) == ACCESS_DENIED and is_resource_arn("service_network", identifier)
        if state != "absent" or not unreadable:
            raise
    return {"id": resource_id("service_network", identifier), "arn": identifier, "name": identifier}


def absent_or_leaving(association):
    """True when there is no association, or it is being deleted (and so no longer counts)."""
    return association is None or association.get("status") == DELETE_IN_PROGRESS


def with_tags(client, association):
    """``(association, tags)``; ``(None, None)`` without an association, no tags (None) while it is being deleted."""
    if association is None:
        return None, None
    if association.get("status") == DELETE_IN_PROGRESS:
        return association, None
    return association, get_tags_when_visible(client, association["arn"])


def describe_network_of(summary):
    """``'name' (sn-...)`` for the service network of an association summary, for messages."""
    name, network_id = summary.get("serviceNetworkName"), summary.get("serviceNetworkId")
    return f"'{name}' ({network_id})" if name else str(network_id or summary.get("serviceNetworkArn"))


def service_association_create_blockers(client, network_id, service_id):
    """Why CreateServiceNetworkServiceAssociation conflicts, as waiters.Blocker: the service while an operation on
    it is in progress, and an association of the same pair (waited out while it is being deleted)."""
    blockers = status_blocker("service", get_resource(client, "service", service_id))
    blockers += association_blockers(
        client,
        SERVICE_ASSOCIATION,
        "association with service network",
        lambda item: f"{item.get('serviceNetworkName') or item.get('serviceNetworkId')} ({item.get('status')})",
        serviceNetworkIdentifier=network_id,
        serviceIdentifier=service_id,
    )
    return blockers


def vpc_association_create_blockers(client, vpc_id):
    """Why CreateServiceNetworkVpcAssociation conflicts, as waiters.Blocker: the VPC's associations (waited out
    while they are being deleted; any other one keeps the VPC from joining another network)."""
    return association_blockers(
        client,
        VPC_ASSOCIATION,
        "association with service network",
        lambda item: f"{describe_network_of(item)} ({item.get('status')})",
        vpcIdentifier=vpc_id,
    )


def fail_if_failed(kind_label, association, subject):
    """An association in a ``*_FAILED`` status is not retried in place (AWS: delete it and create it again):
    raise LatticeResourceFailed with AWS's reason and that advice."""
    status = (association or {}).get("status") or ""
    if not status.endswith(FAILED_SUFFIX):
        return
    reason = failure_reason(association)
    raise LatticeResourceFailed(
        message=f"{kind_label} {association.get('id')} of {subject} is {status}"
        + (f" ({reason})" if reason else "")
        + "; delete it (state: absent) and run again to create it anew"
    )


__all__ = [
    "absent_or_leaving",
    "describe_network_of",
    "dns_options_differ",
    "dns_options_to_api",
    "fail_if_failed",
    "find_association_network",
    "find_service_association",
    "find_vpc_association",
    "security_groups_differ",
    "service_association_create_blockers",
    "unsupported_request_fields",
    "validate_dns_options",
    "validate_security_group_ids",
    "validate_vpc_id",
    "vpc_association_create_blockers",
    "with_tags",
]
