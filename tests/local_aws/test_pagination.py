"""Every Lattice List operation pages with maxResults/nextToken and returns each item exactly once."""

from __future__ import annotations

import pytest


def page_through(fn, page_size: int = 2, **kwargs) -> tuple[list[str], list[int]]:
    """All item ids over all pages, and the size of each page."""
    seen: list[str] = []
    sizes: list[int] = []
    token = None
    for dummy in range(100):
        params = dict(kwargs, maxResults=page_size)
        if token:
            params["nextToken"] = token
        out = fn(**params)
        items = out.get("items", [])
        sizes.append(len(items))
        seen += [i.get("id") for i in items]
        token = out.get("nextToken")
        if not token:
            return seen, sizes
    raise AssertionError("pagination did not end after 100 pages")


def _setup(make, kind: str):
    """Create several items for one List operation: (list fn, kwargs, expected ids, page size)."""
    c = make.c
    if kind == "ListServiceNetworks":
        return c.list_service_networks, {}, [make.network()["id"] for dummy in range(5)], 2
    if kind == "ListServices":
        return c.list_services, {}, [make.service()["id"] for dummy in range(5)], 2
    if kind == "ListTargetGroups":
        vpc = make.vpc()
        return c.list_target_groups, {}, [make.target_group(vpc_id=vpc)["id"] for dummy in range(5)], 2
    if kind == "ListListeners":
        # Default quota: 2 listeners per service, so page one at a time.
        svc = make.service()
        made = [make.listener(svc["id"], port=p)["id"] for p in (80, 8080)]
        return c.list_listeners, {"serviceIdentifier": svc["id"]}, made, 1
    if kind == "ListRules":
        svc, tg, lst = make.service_with_listener()
        made = [make.rule(svc["id"], lst["id"], tg["id"], priority=p, path=f"/{p}")["id"] for p in range(1, 6)]
        return c.list_rules, {"serviceIdentifier": svc["id"], "listenerIdentifier": lst["id"]}, made, 2
    if kind == "ListServiceNetworkServiceAssociations":
        sn = make.network()
        made = [make.sn_service(sn["id"], make.service()["id"])["id"] for dummy in range(5)]
        return c.list_service_network_service_associations, {"serviceNetworkIdentifier": sn["id"]}, made, 2
    if kind == "ListServiceNetworkVpcAssociations":
        sn = make.network()
        made = [make.sn_vpc(sn["id"], make.vpc(f"10.{n}.0.0/16"))["id"] for n in range(5)]
        return c.list_service_network_vpc_associations, {"serviceNetworkIdentifier": sn["id"]}, made, 2
    if kind == "ListAccessLogSubscriptions":
        svc = make.service()
        made = [make.access_log(svc["id"], dest)["id"]
                for dest in (make.log_group_arn(), make.bucket_arn(), make.firehose_arn())]
        return c.list_access_log_subscriptions, {"resourceIdentifier": svc["id"]}, made, 2
    raise AssertionError(kind)


LIST_OPS = ["ListServiceNetworks", "ListServices", "ListTargetGroups", "ListListeners", "ListRules",
            "ListServiceNetworkServiceAssociations", "ListServiceNetworkVpcAssociations",
            "ListAccessLogSubscriptions"]


@pytest.mark.parametrize("op", LIST_OPS)
def test_paging_returns_every_item_exactly_once(make, op):
    fn, kwargs, made, page_size = _setup(make, op)
    seen, sizes = page_through(fn, page_size, **kwargs)
    if op == "ListRules":  # the listener's default rule may be listed too
        default = [i["id"] for i in fn(**kwargs)["items"] if i.get("isDefault")]
        seen = [s for s in seen if s not in default]
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))
    assert all(s <= page_size for s in sizes)
    assert len(sizes) >= -(-len(made) // page_size)


def test_list_targets_pages_every_target_exactly_once(lattice, make):
    tg = make.target_group()
    targets = [{"id": f"10.0.0.{n}", "port": 80} for n in range(1, 6)]
    lattice.register_targets(targetGroupIdentifier=tg["id"], targets=targets)
    seen, sizes = page_through(lattice.list_targets, 2, targetGroupIdentifier=tg["id"])
    assert sorted(seen) == sorted(t["id"] for t in targets)
    assert all(s <= 2 for s in sizes) and len(sizes) >= 3


def test_paginator_walks_all_pages(lattice, make):
    made = {make.network()["id"] for dummy in range(5)}
    pages = list(lattice.get_paginator("list_service_networks").paginate(PaginationConfig={"PageSize": 2}))
    assert len(pages) == 3
    assert {i["id"] for p in pages for i in p["items"]} == made
