"""Fixtures of the reliability drills (issue 7): one local endpoint per test module, helpers that run the
checkout's site.yml and playbooks/teardown.yml against it with an environment directory of their own, and one
deployed mesh shared by the bad-input, drift and security tests.

The drills' code lives in tools/drills/ (scripts/drills runs the long versions); these fixtures give the fast
versions and the other drill tests the same building blocks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import yaml
from drills import mesh_gen, runner, security, state
from snapshot import endpoint_snapshot

from local_aws.process import EndpointProcess

REGION = "us-east-1"
IP_GROUP = "service-b-ip-tg"
IP_TARGET = "10.1.1.10"
ECS_CALLER = "worker"


@pytest.fixture(scope="module")
def endpoint():
    """A fresh local endpoint (tools/local-aws --port 0, instant profile) for one test module."""
    with EndpointProcess() as process:
        yield process


class DrillEnv:
    """An environment written to a temporary inventories directory, and the playbooks run against it."""

    def __init__(self, endpoint, root: Path, name: str, declaration: dict):
        self.endpoint = endpoint
        self.root = root
        self.name = name
        self.declaration = declaration
        self.inventories = root / "inventories"
        self.outputs = root / "outputs"
        self.outputs.mkdir(exist_ok=True)

    def site(self, *extra: str) -> runner.Run:
        return runner.site(self.endpoint, self.name, self.inventories, self.outputs, *extra)

    def teardown(self, *extra: str) -> runner.Run:
        return runner.teardown(self.endpoint, self.name, self.inventories, self.outputs, *extra)

    def site_killed_at(self, **point) -> tuple[str, int, float]:
        return runner.site_killed_at(self.endpoint, self.name, self.inventories, self.outputs, **point)

    def differences(self) -> list[str]:
        """How the endpoint's state differs from the declaration (duplicates included); call with faults off."""
        found = state.actual(state.clients(self.endpoint), self.name)
        return state.differences(state.expected(self.declaration), found)

    def leftovers(self) -> list[str]:
        return state.leftovers(state.clients(self.endpoint), self.name)


@pytest.fixture
def drill_env(endpoint, tmp_path):
    """drill_env("dev") copies inventories/dev; drill_env("mesh5", services=5) generates a mesh (mesh_gen)."""
    endpoint.reset()

    def make(name: str, services: int = 10) -> DrillEnv:
        root = tmp_path / name
        root.mkdir()
        if (mesh_gen.REPO / "inventories" / name).is_dir():
            declaration = mesh_gen.copy_environment(root / "inventories", name)
        else:
            declaration = mesh_gen.write_environment(root / "inventories", name, services)
        return DrillEnv(endpoint, root, name, declaration)

    yield make
    endpoint.reset()


def shared_declaration() -> dict:
    """inventories/dev plus what the shared tests need to exercise: an IP target group with a target and a rule
    forwarding to it (so both can drift), and a second caller running on ECS (a second principal, an ECS trust
    policy) that, like service-a, calls service-b."""
    data = yaml.safe_load((mesh_gen.REPO / "inventories" / "dev" / "group_vars" / "all.yml").read_text())
    mesh = data["lattice_mesh"]
    (service,) = mesh["services"]
    service["target_groups"].append({"name": IP_GROUP, "type": "IP", "port": 8080, "protocol": "HTTP",
                                     "targets": [{"id": IP_TARGET, "port": 8080}]})  # fmt: skip
    service["listeners"][0]["rules"] = [{
        "name": "api", "priority": 10, "match": {"method": "GET", "path_match": {"prefix": "/api"}},
        "action": {"forward": [{"target_group": IP_GROUP}]},
    }]  # fmt: skip
    caller = copy.deepcopy(mesh["callers"][0])
    caller.update(name=ECS_CALLER, runs_on="ecs")
    caller.pop("managed_policy_arns", None)
    mesh["callers"].append(caller)
    return data


@dataclass
class SharedMesh:
    """The shared mesh: deployed once, at -vvv with recognisable fake credentials (the scan of that output is
    the no-secret check), then snapshotted. Every test that uses it must leave the endpoint equal to
    ``snapshot`` (and prove it)."""

    endpoint: EndpointProcess
    root: Path
    declaration: dict
    scan: security.CredentialScan
    snapshot: dict

    @property
    def inventories(self) -> Path:
        return self.root / "inventories"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    def clients(self, service_name: str):
        return boto3.client(service_name, endpoint_url=self.endpoint.url, region_name=REGION,
                            aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip

    def site(self, *extra: str, inventories: Path | None = None) -> runner.Run:
        """site.yml -e env=dev on the shared inventories (or ``inventories``)."""
        return runner.site(self.endpoint, "dev", inventories or self.inventories, self.outputs, *extra)

    def current(self) -> dict:
        return endpoint_snapshot(self.clients)


@pytest.fixture(scope="session")
def shared_mesh(tmp_path_factory):
    root = tmp_path_factory.mktemp("shared-mesh")
    declaration = shared_declaration()
    problems = mesh_gen.problems(declaration)
    assert problems == [], problems
    group_vars = root / "inventories" / "dev" / "group_vars"
    group_vars.mkdir(parents=True)
    (root / "inventories" / "dev" / "hosts.yml").write_text(
        (mesh_gen.REPO / "inventories" / "dev" / "hosts.yml").read_text())  # fmt: skip
    (group_vars / "all.yml").write_text("---\n" + yaml.safe_dump(declaration, sort_keys=False))
    with EndpointProcess() as endpoint:
        scan = security.credentials_run(endpoint, root, "dev", "-vvv")
        assert scan.returncode == 0, scan.stdout[-6000:]
        mesh = SharedMesh(endpoint, root, declaration, scan, {})
        mesh.snapshot = mesh.current()
        yield mesh
