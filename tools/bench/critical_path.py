"""The critical path of a deploy under the ``realistic`` profile: the longest chain of waits that cannot overlap.

A wait is an asynchronous transition (a resource in *_IN_PROGRESS, a target in INITIAL), each lasting the
profile's transition time. One wait must follow another only where the API refuses to go on before it ends.
Creating never needs another resource to be ACTIVE (a listener on a service being created, targets in a group
being created, an association of either: tools/local_aws/lattice/models.py checks only that the parent is
not being deleted), so every create's wait can overlap every other. Deleting does have an order: a service
goes only once its network association is gone, a target group only once no listener of a service forwards
to it (the service, with its listeners, is gone), the network only once its associations are gone.
"""

from __future__ import annotations

from functools import cache


def longest_chain(durations: dict[str, float], after: dict[str, list[str]]) -> tuple[float, list[str]]:
    """(seconds, nodes) of the heaviest path of the DAG; ``after[n]`` lists what must end before ``n`` starts."""

    @cache
    def finish(node: str) -> tuple[float, tuple[str, ...]]:
        before = [finish(previous) for previous in after.get(node, [])]
        seconds, chain = max(before, default=(0.0, ()))
        return seconds + durations[node], (*chain, node)

    if not durations:
        return 0.0, []
    unknown = {previous for wanted in after.values() for previous in wanted} - set(durations)
    if unknown:
        raise ValueError(f"dependencies on nodes that are not waits: {sorted(unknown)}")
    seconds, chain = max(finish(node) for node in sorted(durations))
    return seconds, list(chain)


def deploy_waits(plan: dict, transition: float) -> tuple[dict[str, float], dict[str, list[str]]]:
    """The waits of deploying a planned mesh and what each must wait for (nothing: see the module's docstring)."""
    durations = {f"vpc_association:{association['vpc']}": transition for association in plan["vpc_associations"]}
    for service in plan["services"]:
        durations[f"service:{service['key']}"] = transition
        durations[f"service_association:{service['key']}"] = transition
        for group in service["target_groups"]:
            durations[f"target_group:{group['name']}"] = transition
            if group.get("targets"):
                durations[f"targets:{group['name']}"] = transition
    return durations, {}


def teardown_waits(plan: dict, transition: float) -> tuple[dict[str, float], dict[str, list[str]]]:
    durations: dict[str, float] = {}
    after: dict[str, list[str]] = {}
    for association in plan["vpc_associations"]:
        durations[f"vpc_association:{association['vpc']}"] = transition
    for service in plan["services"]:
        key = service["key"]
        durations[f"service_association:{key}"] = transition
        durations[f"service:{key}"] = transition
        after[f"service:{key}"] = [f"service_association:{key}"]
        for group in service["target_groups"]:
            durations[f"target_group:{group['name']}"] = transition
            after[f"target_group:{group['name']}"] = [f"service:{key}"]
    return durations, after


def critical_path(plan: dict, transition: float, phase: str = "deploy") -> tuple[float, list[str]]:
    graph = deploy_waits if phase == "deploy" else teardown_waits
    return longest_chain(*graph(plan, transition))
