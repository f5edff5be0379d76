# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared support for the AWS RAM modules of lattice.mesh (ram_resource_share, ram_resource_share_info,
ram_resource_share_invitation).

One ``ram`` client per module (``ram_client``), every call retried by the jittered-backoff decorator and
made through ``call``, which turns botocore errors into AnsibleLatticeError (modules catch that once). Tags,
waiting and snake-casing reuse the Lattice helpers, so every module of the collection behaves alike.
"""

import re

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    SINGLE_ATTEMPT_CONFIG,
    AnsibleLatticeError,
    call_with_fallbacks,
    full_pages,
    jittered_retry,
    normalize_resource,
    wait_for_resource,
)

# RAM answers throttling with ThrottlingException and transient faults with these; not all are in AWSRetry's list.
RETRYABLE_ERROR_CODES = ("ThrottlingException", "ServiceUnavailableException", "ServerInternalException")
UNKNOWN = "UnknownResourceException"

ram_retry = jittered_retry(RETRYABLE_ERROR_CODES)

ACCOUNT_ID = re.compile(r"^\d{12}$")
ORGANIZATION_ARN = re.compile(
    r"^arn:aws[a-z-]*:organizations::\d{12}:(organization/o-[a-z0-9]+|ou/o-[a-z0-9]+/ou-[a-z0-9-]+)$"
)
ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$")
SHARE_ARN = re.compile(r"^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share/[0-9a-f-]+$")
# Association statuses of something that is (or is becoming) part of a share.
LIVE_STATUSES = ("ASSOCIATING", "ASSOCIATED")
GONE_SHARE_STATUSES = ("DELETING", "DELETED")


def ram_client(module):
    """The one RAM client of a module; call its methods with ``aws_retry=True``."""
    return module.client("ram", retry_decorator=ram_retry, config=SINGLE_ATTEMPT_CONFIG)


def call(description, func, *args, unknown=None, **kwargs):
    """One (already retrying) client call; botocore errors become AnsibleLatticeError. ``unknown``: a callable
    whose result is returned when RAM answers UnknownResourceException. Never wrap this in a retry decorator."""
    return call_with_fallbacks(description, func, args, kwargs, {UNKNOWN: unknown})


_paginate = ram_retry(full_pages)


def paginate(client, operation, result_key, description, unknown=None, **params):
    """Every item of a paginated RAM operation."""
    result = call(description, _paginate, client, operation, params, unknown=unknown)
    return (result or {}).get(result_key) or []


# ---- input checks (before any AWS call) ----------------------------------------------------------------------


def validate_principals(principals, field="principals"):
    """None when every principal is a 12-digit account ID or an organization / OU ARN, else a message."""
    bad = [p for p in principals or [] if not (ACCOUNT_ID.match(str(p)) or ORGANIZATION_ARN.match(str(p)))]
    if bad:
        return (
            f"{field}: {', '.join(repr(str(p)) for p in bad)} is not a principal RAM shares VPC Lattice resources "
            "with; give 12-digit account IDs (as strings, e.g. '123456789012'), an organization ARN "
            "(arn:aws:organizations::<management account>:organization/o-...) or an OU ARN "
            "(arn:aws:organizations::<management account>:ou/o-.../ou-...)"
        )
    return None


def validate_resource_arns(resource_arns, field="resource_arns"):
    bad = [arn for arn in resource_arns or [] if not ARN.match(str(arn))]
    if bad:
        return (
            f"{field}: {', '.join(repr(str(arn)) for arn in bad)} is not an ARN; RAM shares resources by ARN "
            "(e.g. arn:aws:vpc-lattice:<region>:<account>:servicenetwork/sn-...)"
        )
    return None


def validate_share_arn(arn, field):
    if arn is not None and not SHARE_ARN.match(arn):
        return f"{field}: {arn!r} is not a resource share ARN (arn:aws:ram:<region>:<account>:resource-share/<uuid>)"
    return None


# ---- reading shares --------------------------------------------------------------------------------------------


def tags_from_api(tags):
    return {tag["key"]: tag.get("value", "") for tag in tags or []}


def tags_to_api(tags):
    return [{"key": key, "value": value} for key, value in sorted((tags or {}).items())]


def find_shares(client, resource_owner="SELF", name=None, arn=None):
    """The resource shares (not deleted) of ``resource_owner`` with this name and/or ARN."""
    params = {"resourceOwner": resource_owner}
    if arn:
        params["resourceShareArns"] = [arn]
    if name:
        params["name"] = name
    shares = paginate(
        client,
        "get_resource_shares",
        "resourceShares",
        f"describe resource shares ({resource_owner})",
        unknown=lambda: None,
        **params,
    )
    return [share for share in shares if share.get("status") not in GONE_SHARE_STATUSES]


def find_one_share(client, name=None, arn=None):
    """The caller's one live share with this ARN, else with this name, else None; several with the name is an
    error (RAM does not make names unique)."""
    shares = find_shares(client, name=None if arn else name, arn=arn)
    if len(shares) > 1:
        raise AnsibleLatticeError(
            message=f"name: {len(shares)} resource shares are named {name!r} "
            f"({', '.join(share['resourceShareArn'] for share in shares)}); give the one to manage with arn"
        )
    return shares[0] if shares else None


def associations_of(client, share_arn, association_type, live_only=True):
    associations = paginate(
        client,
        "get_resource_share_associations",
        "resourceShareAssociations",
        f"list the {association_type.lower()} associations of {share_arn}",
        associationType=association_type,
        resourceShareArns=[share_arn],
    )
    if live_only:
        associations = [a for a in associations if a.get("status") in LIVE_STATUSES]
    return associations


def describe_share(client, share):
    """A share as the modules return it: RAM's fields snake_cased, tags as a dict, the resources and principals
    associated (or being associated) with it, and their associations."""
    if not share:
        return {}
    resources = associations_of(client, share["resourceShareArn"], "RESOURCE")
    principals = associations_of(client, share["resourceShareArn"], "PRINCIPAL")
    return share_result(share, resources + principals)


def share_result(share, associations):
    result = {key: value for key, value in share.items() if key != "tags"}
    result["resourceArns"] = sorted(a["associatedEntity"] for a in associations if a["associationType"] == "RESOURCE")
    result["principals"] = sorted(a["associatedEntity"] for a in associations if a["associationType"] == "PRINCIPAL")
    result["associations"] = [
        {key: a.get(key) for key in ("associatedEntity", "associationType", "status", "external")}
        for a in sorted(associations, key=lambda item: (item["associationType"], item["associatedEntity"]))
    ]
    return normalize_resource(result, tags=tags_from_api(share.get("tags")))


def wait_for_associations(client, share_arn, entities, timeout, sleep=None, clock=None):
    """Wait until each of ``entities`` (associated entity -> wanted status: ASSOCIATED or DISASSOCIATED) has it."""
    if not entities:
        return

    def progress():
        found = {}
        for association_type in ("RESOURCE", "PRINCIPAL"):
            for association in associations_of(client, share_arn, association_type, live_only=False):
                entity = association["associatedEntity"]
                # A re-added entity has an old DISASSOCIATED entry beside its new one: the live one counts.
                if entity not in found or association["status"] in LIVE_STATUSES:
                    found[entity] = association["status"]
        waiting = sorted(entity for entity, wanted in entities.items() if found.get(entity, "DISASSOCIATED") != wanted)
        if any(found.get(entity) == "FAILED" for entity in waiting):
            failed = [entity for entity in waiting if found.get(entity) == "FAILED"]
            return {"status": "ASSOCIATION_FAILED", "failureMessage": f"RAM failed to associate {', '.join(failed)}"}
        return {"status": "DONE" if not waiting else f"waiting for {', '.join(waiting)}"}

    wait_for_resource(
        progress,
        f"the associations of {share_arn}",
        target_statuses=("DONE",),
        timeout=timeout,
        sleep=sleep,
        clock=clock,
    )
