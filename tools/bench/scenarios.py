"""The benchmark's scenarios as environments on disk: the dev mesh, generated N-service meshes, and N services
over several accounts once a generated inventory can declare them."""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from drills import mesh_gen

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Scenario:
    name: str  # as given to --scenarios: dev, 10, 100x5
    services: int
    accounts: int = 1

    @property
    def env(self) -> str:
        return (
            "dev"
            if self.name == "dev"
            else f"bench{self.services}" + (f"x{self.accounts}" if self.accounts > 1 else "")
        )


def parse(text: str) -> list[Scenario]:
    """'dev,10,100x5' -> scenarios; refuses anything else with the accepted forms."""
    scenarios = []
    for item in (part.strip() for part in text.split(",") if part.strip()):
        if item == "dev":
            scenarios.append(Scenario("dev", 1))
            continue
        services, dummy, accounts = item.partition("x")
        if not services.isdigit() or not (accounts or "1").isdigit() or int(services) < 1 or int(accounts or 1) < 1:
            raise ValueError(
                f"scenario {item!r}: give dev, N (services) or NxA (services over accounts), e.g. 10,100x5"
            )
        scenarios.append(Scenario(item, int(services), int(accounts or 1)))
    return scenarios


def generate(env: str, services: int) -> dict:
    """mesh_gen's N-service declaration; past its 99, services are added in the same pattern (same VPCs,
    numbered targets, each one called by its VPC's caller)."""
    if services <= 99:
        return mesh_gen.generate(env, services)
    declaration = mesh_gen.generate(env, 99)
    mesh = declaration["lattice_mesh"]
    nvpcs = len(mesh["vpcs"])
    for index in range(99, services):
        vpc = index % nvpcs
        if 10 + index > 254:
            raise ValueError("at most 244 services (target IPs are numbered in one octet)")
        name = f"svc{index:02d}"
        service = copy.deepcopy(mesh["services"][vpc])
        service["name"] = name
        group = service["target_groups"][0]
        group["name"] = f"{name}-tg"
        group["targets"] = [{"id": f"10.{100 + vpc}.{subnet}.{10 + index}", "port": 8080} for subnet in (1, 2)]
        listener = service["listeners"][0]
        listener["default_action"]["forward"][0]["target_group"] = group["name"]
        listener["rules"][0]["action"]["forward"][0]["target_group"] = group["name"]
        mesh["services"].append(service)
        mesh["callers"][vpc]["calls"] = sorted({*mesh["callers"][vpc]["calls"], name})
    return declaration


DEPLOYER_ROLE = "lattice-deployer"


def account_hosts(scenario: Scenario) -> dict[str, dict]:
    """hosts.yml's hosts of a multi-account scenario: one per account, each reached through an assumed role."""
    return {
        f"{scenario.env}-account{number}": {
            "lattice_region": mesh_gen.REGION,
            "lattice_assume_role_arn": f"arn:aws:iam::{100000000000 + number * 111111111:012d}:role/{DEPLOYER_ROLE}",
        }
        for number in range(scenario.accounts)
    }


def spread_over_accounts(declaration: dict, hosts: list[str]) -> dict:
    """The network in the first account, the VPCs (and so their services and callers) over the others."""
    mesh = declaration["lattice_mesh"]
    mesh["service_network"]["account"] = hosts[0]
    others = hosts[1:] or hosts
    for index, vpc in enumerate(mesh["vpcs"]):
        vpc["account"] = others[index % len(others)]
    return declaration


def multi_account_problems(scenario: Scenario) -> list[str]:
    """Why the checkout cannot deploy the scenario's mesh over its accounts (empty: it can): the declaration
    must pass mesh_problems with the hosts as accounts, and site.yml must deploy per account."""
    hosts = list(account_hosts(scenario))
    declaration = spread_over_accounts(generate(scenario.env, scenario.services), hosts)
    if len(declaration["lattice_mesh"]["vpcs"]) < scenario.accounts - 1:
        return [
            f"the generated mesh has {len(declaration['lattice_mesh']['vpcs'])} VPCs: too few for "
            f"{scenario.accounts} accounts (the network's and one per VPC)"
        ]
    collections = str(REPO / ".collections")
    if collections not in sys.path:
        sys.path.insert(0, collections)
    from ansible_collections.lattice.mesh.plugins.filter import mesh as mesh_filter

    try:
        found = mesh_filter.mesh_problems(
            declaration["lattice_mesh"], scenario.env, region=declaration["lattice_region"], accounts=hosts
        )
    except TypeError:
        return ["the declaration schema has no accounts (mesh_problems takes no accounts)"]
    if found:
        return found
    playbooks = [REPO / "site.yml", *(REPO / "playbooks" / "tasks").glob("*.yml")]
    if not any("mesh_account_plan" in path.read_text() for path in playbooks):
        return ["site.yml does not deploy per account yet (no mesh_account_plan in site.yml or playbooks/tasks)"]
    return []


def write(scenario: Scenario, directory: Path) -> dict:
    """Write the scenario's environment under ``directory``; return its declaration (group_vars/all.yml)."""
    if scenario.name == "dev":
        return mesh_gen.copy_environment(directory, "dev")
    declaration = generate(scenario.env, scenario.services)
    if scenario.accounts > 1:
        found = multi_account_problems(scenario)
        hosts = account_hosts(scenario)
        declaration = spread_over_accounts(declaration, list(hosts))
    else:
        found = mesh_gen.problems(declaration)
        hosts = {f"{scenario.env}-main": {"lattice_region": declaration["lattice_region"]}}
    if found:
        raise ValueError("the generated mesh is unsound:\n" + "\n".join(found))
    root = directory / scenario.env
    (root / "group_vars").mkdir(parents=True, exist_ok=True)
    (root / "hosts.yml").write_text("---\n" + yaml.safe_dump({"all": {"hosts": hosts}}, sort_keys=False))
    (root / "group_vars" / "all.yml").write_text(
        f"---\n# Generated by tools/bench/scenarios.py: {scenario.services} services.\n"
        + yaml.safe_dump(declaration, sort_keys=False)
    )
    return declaration


def mesh_plan(declaration: dict, scenario: Scenario | None = None) -> dict:
    """lattice.mesh.mesh_plan of a declaration: what the peers build."""
    collections = str(REPO / ".collections")
    if collections not in sys.path:
        sys.path.insert(0, collections)
    from ansible_collections.lattice.mesh.plugins.filter.mesh import mesh_plan as plan_of

    if scenario is not None and scenario.accounts > 1:
        return plan_of(declaration["lattice_mesh"], declaration["lattice_env"], list(account_hosts(scenario)))
    return plan_of(declaration["lattice_mesh"], declaration["lattice_env"])
