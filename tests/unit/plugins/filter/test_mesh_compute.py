"""Targets found at run time in the mesh declaration: EC2 filters, an ECS service, a Lambda function."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.lattice.mesh.plugins.filter.mesh import (
    mesh_account_plan,
    mesh_ecs_role,
    mesh_plan,
    mesh_problems,
)

LISTENER = {"name": "http", "protocol": "HTTP", "default_action": {"forward": [{"target_group": "g"}]}}
MESH = {
    "vpcs": [{"name": "app", "cidr": "10.0.0.0/16", "subnets": [{"cidr": "10.0.1.0/24"}]}],
    "services": [
        {
            "name": "web",
            "vpc": "app",
            "listeners": [LISTENER],
            "target_groups": [
                {
                    "name": "g",
                    "type": "INSTANCE",
                    "port": 80,
                    "protocol": "HTTP",
                    "target_filters": {"tag:app": "web", "instance-state-name": ["running"]},
                }
            ],
        },
        {
            "name": "cart",
            "vpc": "app",
            "listeners": [LISTENER],
            "target_groups": [
                {
                    "name": "g",
                    "type": "IP",
                    "port": 8080,
                    "protocol": "HTTP",
                    "ecs": {"cluster": "shop", "service": "cart", "port_name": "http"},
                }
            ],
        },
        {
            "name": "fn",
            "listeners": [LISTENER],
            "target_groups": [{"name": "g", "type": "LAMBDA", "lambda_function": "thumbs"}],
        },
    ],  # fmt: skip
}


def declaration(service, **changes):
    """MESH with the target group of ``service`` changed (a value None removes the key); groups get unique names."""
    mesh = copy.deepcopy(MESH)
    for item in mesh["services"]:
        item["target_groups"][0]["name"] = item["name"] + "-tg"
        item["listeners"] = [dict(LISTENER, default_action={"forward": [{"target_group": item["name"] + "-tg"}]})]
    group = next(item for item in mesh["services"] if item["name"] == service)["target_groups"][0]
    for key, value in changes.items():
        if value is None:
            group.pop(key, None)
        else:
            group[key] = value
    return mesh


def test_the_three_sources_are_sound():
    assert mesh_problems(declaration("web"), "dev") == []


@pytest.mark.parametrize(
    "service, changes, path, words",
    [
        (
            "cart",
            {"target_filters": {"tag:app": "x"}},
            "services[cart].target_groups[cart-tg].target_filters",
            "only INSTANCE target groups take it",
        ),
        (
            "web",
            {"target_filters": {"tag:app": 3}},
            "services[web].target_groups[web-tg].target_filters[tag:app]",
            "EC2 DescribeInstances filter",
        ),
        (
            "web",
            {"ecs": {"cluster": "a", "service": "b", "port_name": "c"}},
            "services[web].target_groups[web-tg].ecs",
            "only IP target groups take it",
        ),
        (
            "cart",
            {"ecs": {"cluster": "shop", "service": "cart"}},
            "services[cart].target_groups[cart-tg].ecs.port_name",
            "port mapping name",
        ),
        (
            "cart",
            {"ecs": {"cluster": "shop", "service": "cart", "port_name": "http", "role": "x"}},
            "services[cart].target_groups[cart-tg].ecs.role",
            "",
        ),
        (
            "cart",
            {"targets": [{"id": "10.0.1.5"}]},
            "services[cart].target_groups[cart-tg].targets",
            "ECS registers the targets",
        ),
        (
            "fn",
            {"lambda_function": "not a name"},
            "services[fn].target_groups[fn-tg].lambda_function",
            "is not a Lambda function name or ARN",
        ),
        (
            "fn",
            {"targets": [{"id": "arn:aws:lambda:us-east-1:123456789012:function:thumbs"}]},
            "services[fn].target_groups[fn-tg].targets",
            "remove targets",
        ),
    ],  # fmt: skip
    ids=[
        "filters-on-ip",
        "filter-value",
        "ecs-on-instance",
        "ecs-port-name",
        "ecs-unknown-key",
        "ecs-and-targets",
        "function-name",
        "function-and-targets",
    ],  # fmt: skip
)
def test_broken_sources_are_named(service, changes, path, words):
    problems = mesh_problems(declaration(service, **changes), "dev")
    matching = [p for p in problems if p.startswith("dev: %s:" % path)]
    assert matching, problems
    assert words in matching[0]


def test_a_function_arn_is_accepted():
    arn = "arn:aws:lambda:us-east-1:123456789012:function:thumbs:live"
    assert mesh_problems(declaration("fn", lambda_function=arn), "dev") == []


def test_the_plan_carries_the_sources_and_the_ecs_role():
    plan = mesh_plan(declaration("web"), "dev", ["dev-main"])
    groups = {s["key"]: s["target_groups"][0] for s in plan["services"]}
    assert groups["web"]["target_filters"] == {"tag:app": "web", "instance-state-name": ["running"]}
    assert groups["cart"]["ecs"] == {"cluster": "shop", "service": "cart", "port_name": "http"}
    assert groups["fn"]["lambda_function"] == "thumbs"
    part = mesh_account_plan(plan, "dev-main")
    assert part["ecs_infrastructure_role"] == "dev-ecs-lattice-infrastructure-role"
    role = "arn:aws:iam::123456789012:role/dev-ecs-lattice-infrastructure-role"
    with_role = mesh_ecs_role(part["services"][1]["target_groups"], role)
    assert with_role[0]["ecs"]["role_arn"] == role
    assert "role_arn" not in groups["cart"]["ecs"], "the plan itself is not changed"
    assert mesh_ecs_role(part["services"][0]["target_groups"], role) == part["services"][0]["target_groups"]


def test_no_ecs_no_infrastructure_role():
    mesh = declaration("web")
    mesh["services"].pop(1)
    assert mesh_account_plan(mesh_plan(mesh, "dev", ["dev-main"]), "dev-main")["ecs_infrastructure_role"] is None
