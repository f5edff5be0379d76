"""Accounts in the mesh declaration: which host of hosts.yml owns each VPC, service and caller."""

from __future__ import annotations

import copy

from ansible_collections.lattice.mesh.plugins.filter.mesh import mesh_account_plan, mesh_plan, mesh_problems

ACCOUNTS = ["prod-network", "prod-provider", "prod-consumer"]

MESH = {
    "service_network": {"account": "prod-network"},
    "vpcs": [
        {"name": "shared", "cidr": "10.0.0.0/16", "subnets": [{"cidr": "10.0.1.0/24"}]},
        {"name": "orders", "account": "prod-provider", "cidr": "10.1.0.0/16", "subnets": [{"cidr": "10.1.1.0/24"}]},
        {"name": "web", "account": "prod-consumer", "cidr": "10.2.0.0/16", "subnets": [{"cidr": "10.2.1.0/24"}]},
    ],
    "services": [
        {
            "name": "orders",
            "vpc": "orders",
            "target_groups": [{"name": "orders-tg", "type": "IP", "port": 8080, "protocol": "HTTP"}],
            "listeners": [
                {"name": "http", "protocol": "HTTP", "default_action": {"forward": [{"target_group": "orders-tg"}]}}
            ],
        },
        {
            "name": "thumbs",
            "account": "prod-provider",
            "target_groups": [{"name": "thumbs-tg", "type": "LAMBDA"}],
            "listeners": [
                {"name": "https", "protocol": "HTTPS", "default_action": {"forward": [{"target_group": "thumbs-tg"}]}}
            ],
        },
    ],
    "callers": [{"name": "web", "vpc": "web", "runs_on": "ecs", "calls": ["orders", "thumbs"]}],
}


def broken(path, value):
    mesh = copy.deepcopy(MESH)
    node = mesh
    for key in path[:-1]:
        node = node[key]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return mesh


def test_a_three_account_declaration_is_sound():
    assert mesh_problems(MESH, "prod", accounts=ACCOUNTS) == []


def test_accounts_are_not_checked_without_hosts():
    assert mesh_problems(broken(["vpcs", 1, "account"], "elsewhere"), "prod") == []


def test_an_unknown_account_is_named_with_the_hosts():
    problems = mesh_problems(broken(["vpcs", 1, "account"], "prod-provdier"), "prod", accounts=ACCOUNTS)
    assert problems == [
        "prod: vpcs[orders].account: 'prod-provdier' is not an account of this environment (the hosts of its "
        "hosts.yml, one per account and region: prod-network, prod-provider, prod-consumer); "
        "did you mean 'prod-provider'?"
    ]


def test_several_accounts_need_the_network_account():
    problems = mesh_problems(broken(["service_network", "account"], None), "prod", accounts=ACCOUNTS)
    assert len(problems) == 1
    assert problems[0].startswith("prod: service_network.account: is required when the environment has several")


def test_one_account_needs_no_account_fields():
    mesh = broken(["service_network", "account"], None)
    for vpc in mesh["vpcs"]:
        vpc.pop("account", None)
    mesh["services"][1].pop("account")
    assert mesh_problems(mesh, "dev", accounts=["dev-main"]) == []
    plan = mesh_plan(mesh, "dev", ["dev-main"])
    items = plan["vpcs"] + plan["vpc_associations"] + plan["services"] + plan["callers"]
    assert {item["account"] for item in items} == {"dev-main"}
    part = mesh_account_plan(plan, "dev-main")
    assert part["owns_network"] is True and part["sharing"] == []
    assert part["services"] == [{k: v for k, v in service.items() if k != "account"} for service in plan["services"]]
    assert all("account" not in vpc for vpc in part["vpcs"])


def test_a_service_lives_in_its_vpcs_account():
    problems = mesh_problems(broken(["services", 0, "account"], "prod-consumer"), "prod", accounts=ACCOUNTS)
    assert problems == [
        "prod: services[orders].account: 'prod-consumer' differs from the account of its VPC 'orders' "
        "('prod-provider'): a service lives in its VPC's account; remove account, or move the VPC"
    ]


def test_the_plan_places_everything_in_an_account():
    plan = mesh_plan(MESH, "prod", ACCOUNTS)
    assert plan["service_network"]["account"] == "prod-network"
    assert {vpc["key"]: vpc["account"] for vpc in plan["vpcs"]} == {
        "shared": "prod-network", "orders": "prod-provider", "web": "prod-consumer"}  # fmt: skip
    assert {a["vpc"]: a["account"] for a in plan["vpc_associations"]} == {
        "shared": "prod-network", "orders": "prod-provider", "web": "prod-consumer"}  # fmt: skip
    assert {s["key"]: s["account"] for s in plan["services"]} == {"orders": "prod-provider", "thumbs": "prod-provider"}
    assert [(c["key"], c["account"]) for c in plan["callers"]] == [("web", "prod-consumer")]


def test_each_account_gets_its_own_part():
    plan = mesh_plan(MESH, "prod", ACCOUNTS)
    network = mesh_account_plan(plan, "prod-network")
    assert network["owns_network"] is True
    assert network["sharing"] == ["prod-consumer", "prod-provider"]
    assert [v["key"] for v in network["vpcs"]] == ["shared"] and network["services"] == []
    provider = mesh_account_plan(plan, "prod-provider")
    assert provider["owns_network"] is False
    assert [s["key"] for s in provider["services"]] == ["orders", "thumbs"] and provider["callers"] == []
    consumer = mesh_account_plan(plan, "prod-consumer")
    assert [c["key"] for c in consumer["callers"]] == ["web"]
    assert [a["vpc"] for a in consumer["vpc_associations"]] == ["web"]
    # The whole plan is untouched, and every part still names the network.
    assert len(plan["services"]) == 2 and consumer["service_network"] == plan["service_network"]
