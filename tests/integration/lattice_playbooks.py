"""Paths and play builders shared by the integration test drivers (see conftest.py for the fixtures)."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGETS = REPO / "tests" / "integration" / "targets"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
COLLECTION_LINK = REPO / ".collections" / "ansible_collections" / "lattice" / "mesh"
REGION = "us-east-1"
PLAYBOOK_TIMEOUT = 900


def target_aliases(target):
    """The words in a target's ``aliases`` file."""
    aliases_file = TARGETS / target / "aliases"
    return aliases_file.read_text().split() if aliases_file.exists() else []


def targets(alias=None):
    """Every enabled target (not ``disabled``/``unsupported``), or those whose aliases include ``alias``."""
    found = []
    for tasks in sorted(TARGETS.glob("*/tasks/main.yml")):
        name = tasks.parent.parent.name
        aliases = set(target_aliases(name))
        if {"disabled", "unsupported"} & aliases or (alias and alias not in aliases):
            continue
        found.append(name)
    return found


def play(*tasks, name="lattice.mesh test play"):
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


def task(name, module_args, check_mode=False, ignore_errors=False, module="lattice.mesh.service_network"):
    task = {"name": name, module: module_args}
    if check_mode:
        task["check_mode"] = True
    if ignore_errors:
        task["ignore_errors"] = True
    return task


def mutating(requests):
    return [f"{entry['operation']} ({entry['status']})" for entry in requests if entry.get("mutating")]


CONNECTION = {
    "access_key": "{{ aws_access_key }}",
    "secret_key": "{{ aws_secret_key }}",
    "region": "{{ aws_region }}",
    "endpoint_url": "{{ aws_endpoint_url }}",
}


def role_play(role, tasks_from=None, check_mode=False, **role_vars):
    """A play that applies lattice.mesh.<role> (entry point ``tasks_from``) with ``role_vars`` against the endpoint
    (both amazon.aws's and lattice.mesh's modules), then shows ``<role>_result`` in a task named "result"."""
    include = {"name": f"lattice.mesh.{role}"}
    if tasks_from:
        include["tasks_from"] = tasks_from
    play = {
        "name": f"role {role}",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/amazon.aws.aws": CONNECTION, "group/lattice.mesh.lattice": CONNECTION},
        "tasks": [
            {"name": "apply the role", "ansible.builtin.include_role": include, "vars": role_vars},
            {"name": "result", "ansible.builtin.debug": {"var": f"{role}_result"}},
        ],
    }
    if check_mode:
        play["check_mode"] = True
    return [play]


def mutating_operations(local_aws):
    """The mutating operations the endpoint logged, of every service."""
    return [entry["operation"] for entry in local_aws.requests(service=None) if entry["mutating"]]


def converge_twice(playbook, local_aws, plays):
    """Run ``plays`` twice; the second run must change nothing and make no mutating call. Returns both runs."""
    first = playbook(plays, json_output=True)
    assert first.returncode == 0, first.explain()
    local_aws.clear_requests()
    second = playbook(plays, json_output=True)
    assert second.returncode == 0, second.explain()
    assert second.output["stats"]["localhost"]["changed"] == 0, second.explain()
    assert mutating_operations(local_aws) == [], "a second run made mutating calls"
    return first, second
