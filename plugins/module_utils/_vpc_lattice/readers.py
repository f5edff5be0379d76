# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reads of whole resources for the _info modules: listed resources described in full, a service's listeners
with their rules, its service network associations and its auth policy.

Many resources are described at once by threads: each read is one HTTP round trip, botocore clients are
thread-safe, and the retry decorator sits on each call, so a throttled read is retried in its own thread.
"""

from concurrent.futures import ThreadPoolExecutor

from .associations import with_tags
from .common import ACCESS_DENIED, NOT_FOUND, AnsibleLatticeError, error_code
from .normalize import normalize_resource
from .policies import get_policy
from .resources import describe_listed_resource, list_resources

# Enough to hide the round trips of a few hundred reads; AWS's read quotas are per second and retried.
READ_THREADS = 8


def describe_each(describe, items, threads=READ_THREADS):
    """``[describe(item) ...]`` in the order of ``items``, the Nones (deleted since listed) left out.

    The first exception of any item is raised here, in the caller's thread.
    """
    items = list(items)
    if len(items) < 2:
        results = [describe(item) for item in items]
    else:
        with ThreadPoolExecutor(max_workers=min(threads, len(items))) as pool:
            results = list(pool.map(describe, items))
    return [result for result in results if result is not None]


def readable_by_owner_only(read, unreadable=None):
    """``read()``, or ``unreadable`` when AWS refuses it because the resource is another account's, shared with
    this one (its listeners, associations and policies are its owner's), or it was deleted meanwhile."""
    try:
        return read()
    except AnsibleLatticeError as e:
        if error_code(e.exception) not in (ACCESS_DENIED, NOT_FOUND):
            raise
        return unreadable


def normalize_rule(resource, tags):
    # The default rule may come without a match or priority; every rule says whether it is the default.
    return normalize_resource(dict(resource, isDefault=bool(resource.get("isDefault"))), tags=tags)


def describe_listed(client, kind, summary, parents=None, extra=None):
    """A listed resource in full with its tags, normalized, plus ``extra`` fields; None if it is gone."""
    resource, tags = describe_listed_resource(client, kind, summary, parents=parents)
    if resource is None:
        return None
    result = normalize_rule(resource, tags) if kind == "rule" else normalize_resource(resource, tags=tags)
    return dict(result, **(extra or {}))


def describe_rules(client, service_id, listener_id, listed_default=False):
    """Every rule of a listener (the default one included), in full with tags; with ``listed_default``, the default
    rule as ListRules gives it (its action is the listener's default action: two reads fewer)."""
    parents = {"service": service_id, "listener": listener_id}
    rules = []
    for summary in list_resources(client, "rule", serviceIdentifier=service_id, listenerIdentifier=listener_id):
        if listed_default and summary.get("isDefault"):
            rules.append(normalize_rule(summary, None))
            continue
        rule = describe_listed(client, "rule", summary, parents)
        if rule:
            rules.append(rule)
    return rules


def describe_listeners(client, service, with_rules=False):
    """Every listener of ``service`` (a Get or List answer) in full with tags and its ``service_name``, and with
    its ``rules`` when asked (the default rule as listed)."""
    summaries = list_resources(client, "listener", serviceIdentifier=service["arn"])
    listeners = []
    for summary in summaries:
        listener = describe_listed(
            client, "listener", summary, parents={"service": service["id"]}, extra={"service_name": service["name"]}
        )
        if listener is None:
            continue
        if with_rules:
            listener["rules"] = describe_rules(client, service["id"], listener["id"], listed_default=True)
        listeners.append(listener)
    return listeners


def describe_service_associations(client, service):
    """The service network associations of ``service``, with their tags (none while one is being deleted)."""
    summaries = list_resources(client, "service_network_service_association", serviceIdentifier=service["arn"])
    associations = []
    for summary in summaries:
        association, tags = with_tags(client, summary)
        associations.append(normalize_resource(association, tags=tags))
    return associations


def describe_auth_policy(client, service):
    """The auth policy document of ``service`` (a dict), or None when it has none."""
    # By ARN: a service another account shares with this one is found by ARN only (its policy is then denied).
    answer = get_policy(client, "auth_policy", dict(service, id=service["arn"]))
    return answer["policy"] if answer else None
