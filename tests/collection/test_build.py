"""The built collection, as a user gets it.

Builds the tarball with ``ansible-galaxy collection build``, checks that it holds collection
content only, installs it offline into a temporary collections path, and runs a playbook from a
directory outside the checkout that uses ``lattice.mesh`` by FQCN (modules, the action group,
the lookup and the role) against a local AWS endpoint (``tools/local-aws --port 0``).

Only the temporary collections path and the venv's site-packages (for amazon.aws) are searched
for collections, so a pass proves that the installed tarball, not the checkout, was used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PURELIB = Path(sysconfig.get_paths()["purelib"])
VERSION = "0.1.0"

pytestmark = pytest.mark.slow

# Paths (relative to the collection root) that must never be in the tarball.
FORBIDDEN_PREFIXES = (
    "tests/",
    "tools/",
    "scripts/",
    ".venv/",
    ".collections/",
    ".ci/",
    ".git/",
    "extensions/molecule/",
    "outputs/",
    "inventories/",
    "playbooks/",
    "strategy_plugins/",
)
FORBIDDEN_FILES = {
    "ansible.cfg",
    "site.yml",
    "requirements.txt",
    "requirements-test.txt",
    "requirements.yml",
    "constraints.txt",
    "pyproject.toml",
    ".gitignore",
    ".yamllint",
    ".ansible-lint",
    "docs/local-aws-contract.md",
}
REQUIRED_FILES = {
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "meta/runtime.yml",
    "plugins/lookup/managed_prefix_list.py",
    "plugins/modules/service_network.py",
    "plugins/modules/service_network_info.py",
    "roles/network/tasks/main.yml",
    "roles/network/meta/argument_specs.yml",
}


def run(args, cwd, env=None, timeout=600):
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, args))} exited {result.returncode}\n"
            f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"
        )
    return result.stdout


def isolated_env(tmp: Path, collections_path: str) -> dict:
    """Environment for ansible outside the checkout: no repo ansible.cfg, no sys.path scan, no real AWS."""
    config = tmp / "ansible.cfg"
    if not config.exists():
        config.write_text("[defaults]\ninterpreter_python = auto_silent\nretry_files_enabled = False\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_", "MOLECULE_"))}
    env.pop("PYTHONPATH", None)
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(tmp / "home"),
        ANSIBLE_CONFIG=str(config),
        ANSIBLE_COLLECTIONS_PATH=collections_path,
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_LOCAL_TEMP=str(tmp / "ansible-tmp"),
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_NOCOLOR="1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    (tmp / "home").mkdir(exist_ok=True)
    return env


@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    run([BIN / "ansible-galaxy", "collection", "build", "--output-path", out, "--force"], cwd=REPO, env=env)
    path = out / f"lattice-mesh-{VERSION}.tar.gz"
    assert path.is_file(), f"ansible-galaxy did not write {path.name}: {sorted(p.name for p in out.iterdir())}"
    return path


@pytest.fixture(scope="module")
def installed(tarball, tmp_path_factory) -> Path:
    """Install the tarball offline; amazon.aws (the dependency) must be found in site-packages."""
    tmp = tmp_path_factory.mktemp("install")
    collections = tmp / "collections"
    env = isolated_env(tmp, f"{collections}{os.pathsep}{PURELIB}")
    run(
        [BIN / "ansible-galaxy", "collection", "install", "--offline", "-p", collections, tarball],
        cwd=tmp,
        env=env,
    )
    root = collections / "ansible_collections" / "lattice" / "mesh"
    assert (root / "MANIFEST.json").is_file()
    return collections


def test_tarball_holds_collection_content_only(tarball):
    with tarfile.open(tarball) as archive:
        names = {member.name.removeprefix("./") for member in archive.getmembers()}
    files = {name for name in names if not name.endswith("/")}

    leaked = sorted(
        name
        for name in names
        if name.startswith(FORBIDDEN_PREFIXES)
        or name in FORBIDDEN_FILES
        or "__pycache__" in name.split("/")
        or name.endswith((".pyc", ".tar.gz", ".retry"))
        or name.split("/")[0].startswith((".pytest_cache", ".ruff_cache", ".git"))
    )
    assert leaked == [], f"not collection content: {leaked}"
    missing = sorted(REQUIRED_FILES - files)
    assert missing == [], f"missing from the tarball: {missing}"

    with tarfile.open(tarball) as archive:
        manifest = json.load(archive.extractfile("MANIFEST.json"))
    info = manifest["collection_info"]
    assert (info["namespace"], info["name"], info["version"]) == ("lattice", "mesh", VERSION)
    assert info["license"] == ["GPL-3.0-or-later"]
    assert info["dependencies"] == {"amazon.aws": ">=10.0.0"}


def test_installed_collection_is_the_one_resolved(installed, tmp_path):
    env = isolated_env(tmp_path, f"{installed}{os.pathsep}{PURELIB}")
    listing = run([BIN / "ansible-galaxy", "collection", "list", "--format", "json"], cwd=tmp_path, env=env)
    found = {path: set(cols) for path, cols in json.loads(listing).items()}
    owners = sorted(path for path, cols in found.items() if "lattice.mesh" in cols)
    assert owners == [str(installed / "ansible_collections")]
    assert any("amazon.aws" in cols for cols in found.values())

    doc = json.loads(run([BIN / "ansible-doc", "--json", "lattice.mesh.service_network_info"], cwd=tmp_path, env=env))
    assert doc["lattice.mesh.service_network_info"]["doc"]["module"] == "service_network_info"
    lookup_doc = run([BIN / "ansible-doc", "-t", "lookup", "lattice.mesh.managed_prefix_list"], cwd=tmp_path, env=env)
    assert str(installed) in lookup_doc


def test_playbook_outside_the_checkout_uses_the_installed_collection(installed, endpoint, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    assert REPO not in project.resolve().parents
    playbook = project / "play.yml"
    # AWS_DEFAULT_REGION is us-east-1; the lattice group's module_defaults say us-west-2, so the
    # network's ARN shows whether group/lattice.mesh.lattice reached the modules.
    playbook.write_text(
        textwrap.dedent(
            """\
            - name: Use lattice.mesh from the installed tarball
              hosts: localhost
              connection: local
              gather_facts: false
              module_defaults:
                group/lattice.mesh.lattice:
                  region: us-west-2
              tasks:
                - name: Create a service network (region from the action group's defaults)
                  lattice.mesh.service_network:
                    name: build-test-network
                    auth_type: AWS_IAM
                  register: created

                - name: Read it back by FQCN
                  lattice.mesh.service_network_info:
                    name: build-test-network
                  register: info

                - name: Find the VPC Lattice prefix list with the collection's lookup
                  ansible.builtin.set_fact:
                    prefix_list: >-
                      {{ lookup('lattice.mesh.managed_prefix_list', 'com.amazonaws.{region}.vpc-lattice') }}

                - name: Run the collection's role
                  ansible.builtin.include_role:
                    name: lattice.mesh.network
                  vars:
                    network_env: buildtest
                    network_region: us-east-1

                - name: Check
                  ansible.builtin.assert:
                    that:
                      - created is changed
                      - info.service_networks | length == 1
                      - info.service_networks[0].name == 'build-test-network'
                      - info.service_networks[0].auth_type == 'AWS_IAM'
                      - "':us-west-2:' in info.service_networks[0].arn"
                      - prefix_list is match('^pl-')
                      - network_result.service_b.security_group_id is match('^sg-')
            """
        )
    )
    env = isolated_env(tmp_path, f"{installed}{os.pathsep}{PURELIB}")
    # Modules and the lookup (which runs in the controller process) reach the endpoint through
    # boto3's own AWS_ENDPOINT_URL: nothing can leave loopback.
    env["AWS_ENDPOINT_URL"] = endpoint
    inventory = project / "hosts.yml"
    inventory.write_text(
        "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
        f"      ansible_python_interpreter: {sys.executable}\n"
    )
    out = run([BIN / "ansible-playbook", "-i", inventory, playbook], cwd=project, env=env)
    assert "failed=0" in out
