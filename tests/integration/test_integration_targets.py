"""Run the integration targets with a real ansible-playbook against the local AWS endpoint.

One endpoint process (``tools/local-aws --port 0``) serves this module; before each test the
endpoint is reset (``POST /moto-api/reset``) and its request log cleared. Then:

- every target under ``tests/integration/targets/`` (unless its ``aliases`` say ``disabled`` or
  ``unsupported``) runs as a role, over HTTP, exactly as a user's playbook would;
- the request log (``GET /_local/requests``) proves that check mode and repeated runs make no
  mutating call, not just that they report ``changed: false``;
- a deletion blocked by associations fails with a message naming them;
- the service_network target passes again with throttling, server errors and read lag injected.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from local_aws.process import EndpointProcess

REPO = Path(__file__).resolve().parents[2]
TARGETS = REPO / "tests" / "integration" / "targets"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
COLLECTION_LINK = REPO / ".collections" / "ansible_collections" / "lattice" / "mesh"
REGION = "us-east-1"
PLAYBOOK_TIMEOUT = 900

pytestmark = pytest.mark.slow


def _targets():
    found = []
    for tasks in sorted(TARGETS.glob("*/tasks/main.yml")):
        target = tasks.parent.parent
        aliases_file = target / "aliases"
        aliases = aliases_file.read_text().split() if aliases_file.exists() else []
        if {"disabled", "unsupported"} & set(aliases):
            continue
        found.append(target.name)
    return found


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


def _play(*tasks, name="lattice.mesh test play"):
    return [
        {
            "name": name,
            "hosts": "localhost",
            "gather_facts": False,
            "module_defaults": {
                "group/lattice.mesh.lattice": {
                    "access_key": "{{ aws_access_key }}",
                    "secret_key": "{{ aws_secret_key }}",
                    "region": "{{ aws_region }}",
                    "endpoint_url": "{{ aws_endpoint_url }}",
                }
            },
            "tasks": list(tasks),
        }
    ]


def _task(name, module_args, check_mode=False, ignore_errors=False, module="lattice.mesh.service_network"):
    task = {"name": name, module: module_args}
    if check_mode:
        task["check_mode"] = True
    if ignore_errors:
        task["ignore_errors"] = True
    return task


def _mutating(requests):
    return [f"{entry['operation']} ({entry['status']})" for entry in requests if entry.get("mutating")]


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("target", _targets())
def test_target(playbook, target):
    run = playbook([{"name": f"target {target}", "hosts": "localhost", "gather_facts": False, "roles": [target]}])
    assert run.returncode == 0, run.explain()


def test_check_mode_and_repeats_make_no_mutating_call(playbook, local_aws):
    name = f"{playbook.prefix}-idem"
    desired = {"name": name, "auth_type": "AWS_IAM", "tags": {"team": "mesh"}}

    setup = playbook(_play(_task("create", desired)))
    assert setup.returncode == 0, setup.explain()
    assert _mutating(local_aws.requests()) == ["CreateServiceNetwork (201)"]

    local_aws.clear_requests()
    probe = playbook(
        _play(
            _task("repeat", desired),
            _task("repeat by name only", {"name": name}),
            _task("repeat in check mode", desired, check_mode=True),
            _task("create another in check mode", dict(desired, name=f"{name}-new"), check_mode=True),
            _task("update in check mode", dict(desired, auth_type="NONE", tags={"x": "y"}), check_mode=True),
            _task("delete in check mode", {"name": name, "state": "absent"}, check_mode=True),
            _task("delete a missing one", {"name": f"{name}-missing", "state": "absent"}),
            _task("info", {"name": name}, module="lattice.mesh.service_network_info"),
            _task("info, all", {}, module="lattice.mesh.service_network_info"),
        ),
        json_output=True,
    )
    assert probe.returncode == 0, probe.explain()
    logged = local_aws.requests()
    assert logged, "the endpoint logged no vpc-lattice request: the probe did not reach it"
    assert _mutating(logged) == [], f"check mode or a repeat made mutating calls: {_mutating(logged)}"

    results = probe.task_results()
    assert results["repeat"]["changed"] is False
    assert results["repeat by name only"]["changed"] is False
    assert results["repeat in check mode"]["changed"] is False
    assert results["create another in check mode"]["changed"] is True
    assert results["update in check mode"]["changed"] is True
    assert results["update in check mode"]["service_network"]["auth_type"] == "NONE"
    assert results["delete in check mode"]["changed"] is True
    assert results["delete a missing one"]["changed"] is False

    # and the check-mode calls really left everything as it was
    network = local_aws.client("vpc-lattice").get_service_network(
        serviceNetworkIdentifier=results["repeat"]["service_network"]["id"]
    )
    assert network["authType"] == "AWS_IAM"


def test_delete_blocked_by_associations_names_them(playbook, local_aws):
    name = f"{playbook.prefix}-blocked"
    created = playbook(_play(_task("create", {"name": name})), json_output=True)
    assert created.returncode == 0, created.explain()
    network_id = created.task_results()["create"]["service_network"]["id"]

    ec2 = local_aws.client("ec2")
    lattice = local_aws.client("vpc-lattice")
    vpc_ids = sorted(ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"] for n in (1, 2))
    for vpc_id in vpc_ids:
        lattice.create_service_network_vpc_association(serviceNetworkIdentifier=network_id, vpcIdentifier=vpc_id)

    local_aws.clear_requests()
    run = playbook(
        _play(
            _task("delete in check mode", {"name": name, "state": "absent"}, check_mode=True, ignore_errors=True),
            _task("delete", {"name": name, "state": "absent"}, ignore_errors=True),
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = run.task_results()
    expected = f"service network '{name}' ({network_id}) still has 2 VPC associations: {', '.join(vpc_ids)}"
    for task in ("delete in check mode", "delete"):
        assert results[task].get("failed") is True, results[task]
        assert expected in results[task]["msg"], results[task]["msg"]
        assert results[task]["changed"] is False

    attempted = _mutating(local_aws.requests())
    assert attempted and set(attempted) == {"DeleteServiceNetwork (409)"}, attempted
    assert lattice.get_service_network(serviceNetworkIdentifier=network_id)["id"] == network_id


def test_service_network_target_survives_faults(playbook, local_aws):
    """Throttling, server errors and read-after-write lag are absorbed by retries and the waiter."""
    local_aws.configure(throttle_rate=0.15, error_rate=0.05, lag_reads=2, seed=7)
    run = playbook([{"name": "faults", "hosts": "localhost", "gather_facts": False, "roles": ["service_network"]}])
    assert run.returncode == 0, run.explain()
    statuses = {entry["status"] for entry in local_aws.requests()}
    assert {429, 500} & statuses, f"no fault was injected: {sorted(statuses)}"
    assert 404 in statuses, "no read lag was injected"


def test_delete_waits_for_associations_being_deleted(playbook, local_aws):
    """An association in DELETE_IN_PROGRESS blocks deleting its network only for a while: wait, then delete."""
    local_aws.configure(profile="realistic", transition_seconds=3)
    lattice = local_aws.client("vpc-lattice")
    name = f"{playbook.prefix}-draining"
    network_id = lattice.create_service_network(name=name)["id"]
    vpc_id = local_aws.client("ec2").create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    association = lattice.create_service_network_vpc_association(
        serviceNetworkIdentifier=network_id, vpcIdentifier=vpc_id
    )
    deadline = time.monotonic() + 30
    while (
        lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=association["id"])["status"]
        != "ACTIVE"
    ):
        assert time.monotonic() < deadline, "the association never became ACTIVE"
        time.sleep(0.5)
    lattice.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=association["id"])

    local_aws.clear_requests()
    run = playbook(_play(_task("delete", {"name": name, "state": "absent"})), json_output=True)
    assert run.returncode == 0, run.explain()
    assert run.task_results()["delete"]["changed"] is True
    deletes = [entry["status"] for entry in local_aws.requests() if entry["operation"] == "DeleteServiceNetwork"]
    assert deletes[0] == 409 and deletes[-1] in (200, 202, 204), f"expected a conflict, then a delete: {deletes}"
    assert lattice.list_service_networks()["items"] == []
