"""Fixtures of the reliability drills (issue 7): one local endpoint per test module, and helpers that run the
checkout's site.yml and playbooks/teardown.yml against it with an environment directory of their own.

The drills' code lives in tools/drills/ (scripts/drills runs the long versions); these fixtures give the fast
versions and the other drill tests the same building blocks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from drills import mesh_gen, runner, state

from local_aws.process import EndpointProcess


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
