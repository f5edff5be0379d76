"""Fixtures for the integration tests: one local endpoint per test module, real ansible-playbook runs.

Helpers to build plays (``play``, ``task``, ``mutating``) live in ``lattice_playbooks.py``.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lattice_playbooks import ANSIBLE_PLAYBOOK, COLLECTION_LINK, PLAYBOOK_TIMEOUT, REGION, REPO, TARGETS

from local_aws.process import EndpointProcess

# --------------------------------------------------------------------------- endpoint


class Endpoint(EndpointProcess):
    """The shared endpoint launcher, with what these tests ask of it."""

    def health(self):
        """For failure messages: is the endpoint process alive, and what did it last say."""
        return f"--- endpoint {self.url}: {self.death() or 'running'}; stderr tail ---\n{self.stderr_tail(3000)}"

    def configure(self, **settings):
        self.set_config(**settings)

    def requests(self, service="vpc-lattice"):
        return [entry for entry in super().requests() if service is None or entry.get("service") == service]

    def client(self, service):
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@pytest.fixture(scope="module")
def endpoint():
    with Endpoint() as process:
        yield process


@pytest.fixture
def local_aws(endpoint):
    endpoint.reset()
    return endpoint


# --------------------------------------------------------------------------- ansible-playbook


@pytest.fixture(scope="module")
def collection_link():
    """ansible.cfg resolves lattice.mesh through .collections/ (scripts/setup makes the link)."""
    if not COLLECTION_LINK.exists():
        COLLECTION_LINK.parent.mkdir(parents=True, exist_ok=True)
        COLLECTION_LINK.symlink_to(Path("..") / ".." / "..")
    return COLLECTION_LINK


class Run:
    def __init__(self, process, output, endpoint=None):
        self.endpoint = endpoint
        self.returncode = process.returncode
        self.stdout = process.stdout
        self.stderr = process.stderr
        self.output = output

    def task_results(self):
        """``{task name: result}`` for every task of every play (last result wins for repeated names)."""
        results = {}
        for play in self.output.get("plays", []):
            for task in play.get("tasks", []):
                results[task["task"]["name"]] = task["hosts"].get("localhost", {})
        return results

    def explain(self):
        health = self.endpoint.health() if self.endpoint else ""
        return (
            f"rc={self.returncode}\n--- stdout ---\n{self.stdout[-12000:]}\n--- stderr ---\n{self.stderr[-4000:]}\n"
            + health
        )


@pytest.fixture
def playbook(local_aws, collection_link, tmp_path):
    """Run a playbook (a path or a list of plays) against the endpoint; returns a Run."""
    prefix = f"lm-{uuid.uuid4().hex[:8]}"
    extra_vars = tmp_path / "vars.json"
    extra_vars.write_text(
        json.dumps(
            {
                "aws_access_key": "testing",
                "aws_secret_key": "testing",
                "aws_region": REGION,
                "aws_endpoint_url": local_aws.url,
                "resource_prefix": prefix,
            }
        )
    )
    env = {key: value for key, value in os.environ.items() if not key.upper().startswith(("AWS_", "ANSIBLE_"))}
    env = {key: value for key, value in env.items() if key.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env.update(
        {
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_ROLES_PATH": str(TARGETS),
            "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
            "ANSIBLE_NOCOLOR": "1",
            "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )

    def run(plays, json_output=False):
        if isinstance(plays, (str, Path)):
            path = Path(plays)
        else:
            path = tmp_path / f"playbook-{uuid.uuid4().hex[:6]}.yml"
            path.write_text(json.dumps(plays))
        run_env = dict(env)
        if json_output:
            run_env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.builtin.json"
        process = subprocess.run(
            [str(ANSIBLE_PLAYBOOK), str(path), "-e", f"@{extra_vars}"],
            cwd=REPO,
            env=run_env,
            capture_output=True,
            text=True,
            timeout=PLAYBOOK_TIMEOUT,
            check=False,
        )
        output = {}
        if json_output:
            try:
                output = json.loads(process.stdout)
            except ValueError:
                output = {}
        return Run(process, output, local_aws)

    run.prefix = prefix
    return run
