# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Generic Get/List/find/create/update/delete for any Lattice resource kind (see identifiers.KINDS).

Every function takes the module's retrying client and raises AnsibleLatticeError (or a subclass);
none catches anything inside a retried call.
"""

from .common import AnsibleLatticeError, LatticeWaitTimeout, call, new_client_token, paginate
from .identifiers import classify_identifier, get_kind, identifier_params, validate_name
from .tags import TAGS_DENIED, get_tags
from .waiters import (
    DEFAULT_TIMEOUT,
    VISIBILITY_TIMEOUT,
    Blocker,
    call_with_conflict_wait,
    status_in_progress,
    wait_for_resource,
)


def _clean(params):
    return {key: value for key, value in params.items() if value is not None}


def get_resource(client, kind, identifier, parents=None):
    """Get* of one resource by ID or ARN; None when AWS answers NotFound. ResponseMetadata dropped."""
    kind = get_kind(kind)
    params = identifier_params(kind, identifier, parents)
    result = call(
        f"get {kind.label} {identifier}",
        getattr(client, kind.get_method),
        aws_retry=True,
        missing=lambda: None,
        **params,
    )
    if result is not None:
        result.pop("ResponseMetadata", None)
    return result


def list_resources(client, kind, **params):
    """Every summary a List* of ``kind`` returns (all pages). ``params`` filter, e.g. serviceNetworkIdentifier."""
    kind = get_kind(kind)
    return paginate(client, kind.list_operation, f"list {kind.label}s", **_clean(params))


def wait_until_visible(client, kind, identifier, parents=None, timeout=VISIBILITY_TIMEOUT, **waiter_options):
    """Get a resource that is known to exist (just created, or just listed), retrying NotFound: Lattice
    reads can lag behind writes. Raises LatticeWaitTimeout if it stays invisible for ``timeout`` s."""
    kind = get_kind(kind)
    return wait_for_resource(
        lambda: get_resource(client, kind, identifier, parents),
        f"{kind.label} {identifier}",
        timeout=timeout,
        **waiter_options,
    )


def wait_for_status(
    client, kind, identifier, target_statuses=("ACTIVE",), parents=None, timeout=DEFAULT_TIMEOUT, **options
):
    """Wait (a module's ``wait``/``wait_timeout``) until an asynchronous resource reaches one of
    ``target_statuses``; fails with AWS's failureCode/failureMessage on ``*_FAILED``. Returns it."""
    kind = get_kind(kind)
    return wait_for_resource(
        lambda: get_resource(client, kind, identifier, parents),
        f"{kind.label} {identifier}",
        target_statuses=target_statuses,
        timeout=timeout,
        **options,
    )


def wait_for_deletion(client, kind, identifier, parents=None, timeout=DEFAULT_TIMEOUT, **options):
    """Wait until a resource is gone (Get answers NotFound); fails on DELETE_FAILED."""
    kind = get_kind(kind)
    return wait_for_resource(
        lambda: get_resource(client, kind, identifier, parents),
        f"{kind.label} {identifier}",
        absent=True,
        timeout=timeout,
        **options,
    )


def find_resource(client, kind, identifier, parents=None, list_params=None, visibility_timeout=VISIBILITY_TIMEOUT):
    """Resolve a user's reference (name, ID or ARN) to the full Get* answer, or None if there is none.

    - ARN or ID: Get* directly. (A service network name may look like an ID; if no resource has
      that ID and the value is a valid name, it is looked up as a name.)
    - name: List* (all pages, filtered with ``list_params``, e.g. ``{"serviceIdentifier": ...}``
      for listeners), matched exactly on ``name``, then Get* by the ID found. Several matches (a
      network shared from another account may share the name) fail and ask for the ID or ARN.
    """
    kind = get_kind(kind)
    how = classify_identifier(kind, identifier)
    if how != "name":
        found = get_resource(client, kind, identifier, parents)
        if found is not None or how == "arn" or not kind.has_name or validate_name(kind, identifier):
            return found
    if not kind.has_name:
        raise AnsibleLatticeError(message=f"'{identifier}' is not the ID or ARN of a {kind.label}")
    params = dict(list_params or {})
    for parent in kind.parents:
        if parents and parents.get(parent) and get_kind(parent).identifier_param not in params:
            params[get_kind(parent).identifier_param] = parents[parent]
    matches = [item for item in list_resources(client, kind, **params) if item.get("name") == identifier]
    if not matches:
        return None
    if len(matches) > 1:
        arns = ", ".join(sorted(item.get("arn") or item.get("id") for item in matches))
        raise AnsibleLatticeError(
            message=f"{len(matches)} {kind.label}s are named '{identifier}' ({arns}), probably shared from other "
            "accounts; refer to the one you mean by its ARN"
        )
    return wait_until_visible(client, kind, listed_identifier(matches[0]), parents, timeout=visibility_timeout)


def listed_identifier(summary):
    """How to Get a resource a List* returned: by ARN, since a List* also returns resources other accounts share
    with this one, which AWS finds by ARN only (an ID names a resource of the caller's account)."""
    return summary.get("arn") or summary["id"]


def get_tags_when_visible(client, arn, timeout=VISIBILITY_TIMEOUT, tolerate_denied=False, **waiter_options):
    """The tags of a resource known to exist, retrying NotFound (read-after-write lag) for ``timeout`` s.

    With ``tolerate_denied``, None when AWS denies reading them: a resource another account shares with this one
    (its tags are its owner's)."""

    def poll():
        tags = get_tags(client, arn, tolerate_denied=tolerate_denied)
        if tags == TAGS_DENIED:
            return {"tags": None}
        # Wrapped, so that a tag named "status" is never taken for the resource's status.
        return None if tags is None else {"tags": tags}

    return wait_for_resource(poll, f"tags of {arn}", timeout=timeout, **waiter_options)["tags"]


# A resource that a List* just returned but that stays invisible to Get this long was deleted meanwhile.
LISTED_VISIBILITY_TIMEOUT = 20


def describe_listed_resource(client, kind, summary, parents=None):
    """``(resource, tags)`` in full for a summary a List* just returned (summaries lack fields only Get gives),
    for the _info modules; ``(None, None)`` when the resource was deleted since it was listed."""
    try:
        resource = wait_until_visible(
            client, kind, listed_identifier(summary), parents, timeout=LISTED_VISIBILITY_TIMEOUT
        )
        tags = get_tags_when_visible(client, resource["arn"], timeout=LISTED_VISIBILITY_TIMEOUT, tolerate_denied=True)
    except LatticeWaitTimeout:
        return None, None
    return resource, tags


def describe_resource(client, kind, identifier, parents=None, with_tags=True, list_params=None):
    """``(resource, tags)`` for a name, ID or ARN (see find_resource); ``(None, None)`` when there is none.

    ``tags`` is None when ``with_tags`` is false, the kind has no ARN to tag, or the resource is another
    account's, shared with this one (AWS denies reading its owner's tags).
    """
    resource = find_resource(client, kind, identifier, parents=parents, list_params=list_params)
    if resource is None:
        return None, None
    tags = None
    if with_tags and resource.get("arn"):
        tags = get_tags_when_visible(client, resource["arn"], tolerate_denied=True)
    return resource, tags


def read_back(client, kind, resource_id, parents=None, tags=None, timeout=VISIBILITY_TIMEOUT):
    """``(resource, tags)`` of a resource this module just created or changed, by the ID AWS gave it.

    Retries NotFound (read-after-write lag) for ``timeout`` seconds; use it, not find_resource, after
    a write: the ID is known, and a name lookup could miss a resource that is not listed yet.
    ``tags``: the tags the module just gave it (a create's, or ensure_tags's answer), returned as they are
    rather than read again; None reads them.
    """
    resource = wait_until_visible(client, kind, resource_id, parents=parents, timeout=timeout)
    if tags is None and resource.get("arn"):
        tags = get_tags_when_visible(client, resource["arn"], timeout=timeout)
    return resource, tags


def create_resource(client, kind, client_token=None, describe_blockers=None, conflict_timeout=None, **params):
    """Create* with a ``clientToken``: one per logical create, reused by every retry of the call (the
    client's retry decorator repeats the call with the same arguments, and so does the conflict wait),
    so a retried create never makes a duplicate. None-valued params are dropped.

    With ``describe_blockers``, a ConflictException caused by an operation in progress (say, on the
    parent) is waited out; without it a conflict (e.g. the name is taken) fails at once.
    Returns the Create* answer."""
    kind = get_kind(kind)
    call_params = _clean(params)
    call_params["clientToken"] = client_token or new_client_token()
    method = getattr(client, kind.create_method)
    if describe_blockers is None:
        result = call(f"create {kind.label}", method, aws_retry=True, **call_params)
    else:
        options = {} if conflict_timeout is None else {"timeout": conflict_timeout}
        result = call(
            f"create {kind.label}",
            call_with_conflict_wait,
            lambda: method(aws_retry=True, **call_params),
            f"create {kind.label}",
            f"{kind.label} {params.get('name') or ''}".strip(),
            describe_blockers=describe_blockers,
            **options,
        )
    result.pop("ResponseMetadata", None)
    return result


def update_resource(client, kind, identifier, parents=None, describe_blockers=None, conflict_timeout=None, **params):
    """Update* of one resource, waiting out conflicts with operations in progress. Returns the answer."""
    kind = get_kind(kind)
    call_params = identifier_params(kind, identifier, parents)
    call_params.update(_clean(params))
    method = getattr(client, kind.update_method)
    options = {} if conflict_timeout is None else {"timeout": conflict_timeout}
    result = call(
        f"update {kind.label} {identifier}",
        call_with_conflict_wait,
        lambda: method(aws_retry=True, **call_params),
        f"update {kind.label} {identifier}",
        f"{kind.label} {identifier}",
        describe_blockers=describe_blockers,
        **options,
    )
    result.pop("ResponseMetadata", None)
    return result


def delete_resource(
    client, kind, identifier, parents=None, describe_blockers=None, conflict_timeout=None, subject=None
):
    """Delete* of one resource. NotFound means it is already gone: returns False; True once deleted.

    On ConflictException ``describe_blockers()`` (returning a list of waiters.Blocker) says why:
    operations in progress are waited out, anything else fails with a message listing it, e.g.
    "service network 'x' still has 2 VPC associations: vpc-1, vpc-2".
    """
    kind = get_kind(kind)
    call_params = identifier_params(kind, identifier, parents)
    method = getattr(client, kind.delete_method)
    options = {} if conflict_timeout is None else {"timeout": conflict_timeout}
    return call(
        f"delete {kind.label} {identifier}",
        call_with_conflict_wait,
        lambda: method(aws_retry=True, **call_params) is not None,
        f"delete {kind.label} {identifier}",
        subject or f"{kind.label} {identifier}",
        describe_blockers=describe_blockers,
        missing=lambda: False,
        **options,
    )


DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"


def association_blockers(client, kind, category, display, **filters):
    """Blockers for every association of ``kind`` matching ``filters`` (e.g. ``serviceNetworkIdentifier``).

    ``display(summary)`` gives the text to show (e.g. the VPC ID). An association already in
    DELETE_IN_PROGRESS goes away by itself: it is an in-progress blocker, waited out.
    """
    return [
        Blocker(category, display(item), item.get("status") == DELETE_IN_PROGRESS)
        for item in list_resources(client, kind, **filters)
    ]


def status_blocker(kind, resource):
    """A resource in ``*_IN_PROGRESS`` blocks operations on itself until it settles; [] otherwise."""
    kind = get_kind(kind)
    status = (resource or {}).get("status")
    if status_in_progress(status):
        return [Blocker(kind.label, f"{resource.get('name') or resource.get('id')} ({status})", True)]
    return []


def own_status_blockers(client, kind, identifier, parents=None):
    """describe_blockers for operations on an asynchronous resource itself: it blocks while it is
    ``*_IN_PROGRESS`` (e.g. a target group still being created cannot be deleted yet)."""
    return status_blocker(kind, get_resource(client, kind, identifier, parents))
