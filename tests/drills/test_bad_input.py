"""Bad input drill: broken declarations and module arguments fail, name the field, and change nothing.

The shared mesh (conftest.shared_mesh: dev plus an IP target group, a rule and an ECS caller), deployed once for
the session on a local endpoint and snapshotted (snapshot.py), is the mesh every case runs against:

- a declaration case copies the shared mesh's inventories into a temporary directory, breaks its group_vars and
  runs ``site.yml -e lattice_inventories_dir=<tmp>``; most are refused by the declaration check of the first play,
  the immutable-field cases (a target group's port or protocol, a listener's protocol) by site.yml's check of
  the deployed target groups and listeners, before its first change;
- a module case runs a one-task play of a lattice.mesh module against the deployed resources.

Each must fail with a message holding the exact field path (and, for module arguments, the fix our code gives),
make no mutating call (the endpoint's request log), and leave the endpoint's snapshot exactly as the deploy left it.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REGION
from snapshot import snapshot_difference

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow

SVC = "services[service-b]"
TG = SVC + ".target_groups[service-b-tg]"
LSN = SVC + ".listeners[listener]"
FWD = LSN + ".default_action.forward[0]"
CALLER = "callers[service-a]"
ROLE = "arn:aws:iam::123456789012:role/dev-service-a-role"
INVOKE = {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}


# --- how to break the dev declaration (each function edits the parsed group_vars/all.yml in place) ----------


def service(data):
    return data["lattice_mesh"]["services"][0]


def group(data):
    return service(data)["target_groups"][0]


def listener(data):
    return service(data)["listeners"][0]


def vpc(data, index=1):
    return data["lattice_mesh"]["vpcs"][index]


def caller(data):
    return data["lattice_mesh"]["callers"][0]


def with_rule(**changes):
    def edit(data):
        rule = {"name": "api", "priority": 10, "match": {"path_match": {"prefix": "/api"}},
                "action": {"fixed_response": 404}}  # fmt: skip
        rule.update(changes)
        listener(data)["rules"] = [rule]

    return edit


def second_group(data):
    extra = copy.deepcopy(group(data))
    extra["name"] = "service-b-v2-tg"
    service(data)["target_groups"].append(extra)


def forward_two_without_weights(data):
    second_group(data)
    listener(data)["default_action"]["forward"] = [{"target_group": "service-b-tg"},
                                                   {"target_group": "service-b-v2-tg"}]  # fmt: skip


def third_listener(data):
    for name, port in (("second", 8443), ("third", 9443)):
        extra = copy.deepcopy(listener(data))
        extra.update(name=name, port=port)
        service(data)["listeners"].append(extra)


DECLARATION_CASES = [
    # names
    ("service-name-uppercase", lambda d: service(d).update(name="Service-B"), "dev: services[Service-B].name:"),
    ("service-name-too-long", lambda d: service(d).update(name="b" * 38), f"dev: services[{'b' * 38}].name:"),
    (
        "target-group-name-underscore",
        lambda d: group(d).update(name="service_b_tg"),
        SVC + ".target_groups[service_b_tg].name:",
    ),
    ("listener-name-uppercase", lambda d: listener(d).update(name="Listener"), SVC + ".listeners[Listener].name:"),
    ("vpc-name-space", lambda d: vpc(d, 0).update(name="service a"), "dev: vpcs[0].name:"),
    (
        "network-name-uppercase",
        lambda d: d["lattice_mesh"]["service_network"].update(name="Dev-Network"),
        "dev: service_network.name:",
    ),
    # ports
    ("target-group-port-zero", lambda d: group(d).update(port=0), TG + ".port:"),
    ("listener-port-too-big", lambda d: listener(d).update(port=70000), LSN + ".port:"),
    ("target-group-port-quoted", lambda d: group(d).update(port="443"), TG + ".port:"),
    (
        "target-port-negative",
        lambda d: group(d).update(targets=[{"id": "i-0123456789abcdef0", "port": -1}]),
        TG + ".targets[0].port:",
    ),
    # protocols
    ("target-group-protocol-bad", lambda d: group(d).update(protocol="FTP"), TG + ".protocol:"),
    ("listener-protocol-bad", lambda d: listener(d).update(protocol="TCP"), LSN + ".protocol:"),
    (
        "tls-passthrough-to-https-group",
        lambda d: listener(d).update(protocol="TLS_PASSTHROUGH"),
        FWD + ".target_group:",
    ),
    (
        "health-check-protocol-bad",
        lambda d: group(d)["health_check"].update(protocol="ICMP"),
        TG + ".health_check.protocol:",
    ),
    # weights
    ("weight-too-big", lambda d: listener(d)["default_action"]["forward"][0].update(weight=1000), FWD + ".weight:"),
    ("weight-negative", lambda d: listener(d)["default_action"]["forward"][0].update(weight=-1), FWD + ".weight:"),
    ("weights-missing-for-two-groups", forward_two_without_weights, FWD + ".weight:"),
    # priorities
    ("rule-priority-zero", with_rule(priority=0), LSN + ".rules[api].priority:"),
    ("rule-priority-too-big", with_rule(priority=2001), LSN + ".rules[api].priority:"),
    ("rule-fixed-response-403", with_rule(action={"fixed_response": 403}), LSN + ".rules[api].action.fixed_response:"),
    # CIDRs and zones
    ("vpc-cidr-invalid", lambda d: vpc(d).update(cidr="10.1.0.0/33"), "dev: vpcs[service-b].cidr:"),
    ("vpc-cidr-too-large", lambda d: vpc(d).update(cidr="10.0.0.0/8"), "dev: vpcs[service-b].cidr:"),
    (
        "subnet-outside-vpc",
        lambda d: vpc(d)["subnets"][0].update(cidr="10.9.1.0/24"),
        "dev: vpcs[service-b].subnets[0].cidr:",
    ),
    (
        "subnets-overlap",
        lambda d: vpc(d)["subnets"].append({"cidr": "10.1.1.128/25", "az": 1}),
        "dev: vpcs[service-b].subnets[1].cidr:",
    ),
    (
        "vpcs-overlap",
        lambda d: vpc(d).update(cidr="10.0.0.0/16", subnets=[{"cidr": "10.0.2.0/24", "az": 0}]),
        "dev: vpcs[service-b].cidr:",
    ),
    ("az-negative", lambda d: vpc(d)["subnets"][0].update(az=-1), "dev: vpcs[service-b].subnets[0].az:"),
    # unknown references
    (
        "forward-unknown-target-group",
        lambda d: listener(d)["default_action"]["forward"][0].update(target_group="nope-tg"),
        FWD + ".target_group:",
    ),
    ("service-unknown-vpc", lambda d: service(d).update(vpc="service-c"), SVC + ".vpc:"),
    ("caller-unknown-vpc", lambda d: caller(d).update(vpc="service-c"), CALLER + ".vpc:"),
    ("caller-calls-unknown-service", lambda d: caller(d).update(calls=["service-c"]), CALLER + ".calls"),
    ("caller-vpc-not-associated", lambda d: vpc(d, 0).update(associate=False), CALLER + ".vpc:"),
    # duplicates
    ("duplicate-vpc", lambda d: d["lattice_mesh"]["vpcs"].append(copy.deepcopy(vpc(d))), "dev: vpcs[2].name:"),
    (
        "duplicate-service",
        lambda d: d["lattice_mesh"]["services"].append(copy.deepcopy(service(d))),
        "dev: services[1].name:",
    ),
    (
        "duplicate-target-group",
        lambda d: service(d)["target_groups"].append(copy.deepcopy(group(d))),
        SVC + ".target_groups[2].name:",  # [1] is the shared mesh's IP target group
    ),
    # choices, keys, quotas
    ("service-auth-type-bad", lambda d: service(d).update(auth_type="IAM"), SVC + ".auth_type:"),
    ("caller-runs-on-bad", lambda d: caller(d).update(runs_on="eks"), CALLER + ".runs_on:"),
    (
        "retention-days-bad",
        lambda d: d["lattice_mesh"]["service_network"]["access_logs"].update(retention_days=10),
        "dev: service_network.access_logs.retention_days:",
    ),
    ("unknown-key", lambda d: d["lattice_mesh"].update(sevices=[]), "dev: sevices:"),
    (
        "health-check-interval-low",
        lambda d: group(d)["health_check"].update(interval_seconds=4),
        TG + ".health_check.interval_seconds:",
    ),
    ("three-listeners", third_listener, SVC + ".listeners:"),
    ("services-missing", lambda d: d["lattice_mesh"].pop("services"), "dev: services:"),
    (
        "managed-policy-arn-bad",
        lambda d: caller(d).update(managed_policy_arns=["CloudWatchAgentServerPolicy"]),
        CALLER + ".managed_policy_arns[0]:",
    ),
]

# Sound declarations that ask the deployed mesh for a change AWS cannot make in place: refused by the module
# that meets the resource (the plays before it converge without a mutating call).
IMMUTABLE_CASES = [
    ("immutable-target-group-port",
     lambda d: group(d).update(port=8443),
     "dev: services[service-b].target_groups[service-b-tg].port: the deployed target group 'dev-service-b-tg' "
     "has port 443"),
    ("immutable-target-group-protocol",
     lambda d: (group(d).update(protocol="HTTP"), group(d)["health_check"].update(protocol="HTTP")),
     "dev: services[service-b].target_groups[service-b-tg].protocol: the deployed target group"),
    ("immutable-listener-protocol", lambda d: listener(d).update(protocol="HTTP"),
     "dev: services[service-b].listeners[listener].protocol: the deployed listener 'dev-service-b-listener'"),
]  # fmt: skip

# No environment, or one the inventories directory does not have: refused by the first task.
ENVIRONMENT_CASES = [
    ("environment-missing", [], "Unknown or missing environment (none): run with -e env=<name>"),
    ("environment-unknown", ["-e", "env=qa"], "Unknown or missing environment qa: run with -e env=<name>"),
]

# One task of a lattice.mesh module, against the deployed dev mesh.
MODULE_CASES = [
    ("module-service-custom-domain-change", "service",
     {"name": "dev-service-b", "custom_domain_name": "b.example.com"},
     ["custom_domain_name of service 'dev-service-b'", "cannot be changed once it is created",
      "to change it, replace the service: delete it (state: absent;"]),
    ("module-service-name-bad", "service", {"name": "Dev_Service_B"},
     ["name: 'Dev_Service_B' is not a valid service name (it contains 'B', 'D', 'S', '_'): a service name must be"
      " 3-40 characters long, use only lowercase letters, digits and hyphens", "For example: 'dev-service-b'."]),
    ("module-service-network-sharing-change", "service_network",
     {"name": "dev-service-network", "sharing_config": {"enabled": False}},
     ["sharing_config of service network 'dev-service-network'", "cannot be changed once it is created",
      "to change it, replace the service network: delete it (state: absent;"]),
    ("module-auth-policy-malformed-json", "auth_policy",
     {"resource": "dev-service-b", "policy": '{"Statement": [{"Effect": "Allow"'},
     "policy: not valid JSON: Expecting ',' delimiter"),
    ("module-auth-policy-no-statement", "auth_policy",
     {"resource": "dev-service-b", "policy": {"Version": "2012-10-17"}},
     "policy: a policy needs a Statement: an object or a non-empty list of objects."),
    ("module-auth-policy-unknown-resource", "auth_policy",
     {"resource": "dev-service-z", "policy": {"Statement": [INVOKE]}},
     "resource: there is no service network or service 'dev-service-z'; create it first"),
    ("module-listener-protocol-change", "listener",
     {"service": "dev-service-b", "name": "dev-service-b-listener", "protocol": "HTTP", "port": 443,
      "default_action": {"fixed_response": {"status_code": 404}}},
     ["protocol of listener 'dev-service-b-listener'", "cannot be changed once it is created",
      "to change it, delete the listener (state: absent; its rules are deleted with it)"]),
    ("module-listener-port-too-big", "listener",
     {"service": "dev-service-b", "name": "dev-service-b-other", "protocol": "HTTPS", "port": 70000,
      "default_action": {"fixed_response": {"status_code": 404}}}, "port: 70000 is not a valid port; use 1 to 65535."),
    ("module-listener-unknown-target-group", "listener",
     {"service": "dev-service-b", "name": "dev-service-b-other", "protocol": "HTTP", "port": 8080,
      "default_action": {"forward": {"target_groups": [{"target_group": "dev-nope-tg"}]}}},
     "default_action.forward.target_groups[0].target_group: no target group has the name, ID or ARN 'dev-nope-tg'"),
    ("module-listener-weight-too-big", "listener",
     {"service": "dev-service-b", "name": "dev-service-b-other", "protocol": "HTTP", "port": 8080,
      "default_action": {"forward": {"target_groups": [{"target_group": "dev-service-b-tg", "weight": 1000}]}}},
     "default_action.forward.target_groups[0].weight: 1000 is out of range; use 0 to 999."),
    ("module-rule-priority-zero", "listener_rule",
     {"service": "dev-service-b", "listener": "dev-service-b-listener", "name": "api", "priority": 0,
      "match": {"http_match": {"path_match": {"prefix": "/api"}}},
      "action": {"fixed_response": {"status_code": 404}}}, "priority: 0 is not a valid rule priority; use 1 to 2000."),
    ("module-target-group-port-change", "target_group",
     {"name": "dev-service-b-tg", "type": "INSTANCE", "config": {"port": 8443, "protocol": "HTTPS"}},
     ["config.port of target group 'dev-service-b-tg'", "cannot be changed once it is created",
      "to change it, replace the target group: delete it (state: absent;"]),
    ("module-target-group-type-change", "target_group",
     {"name": "dev-service-b-tg", "type": "IP", "config": {"port": 443, "protocol": "HTTPS"}},
     ["type of target group 'dev-service-b-tg'", "cannot be changed once it is created",
      "to change it, replace the target group: delete it (state: absent;"]),
    ("module-target-group-interval-low", "target_group",
     {"name": "dev-service-b-tg", "type": "INSTANCE",
      "config": {"port": 443, "protocol": "HTTPS", "health_check": {"interval_seconds": 1}}},
     "config.health_check.interval_seconds: 1 is out of range; use a value from 5 to 300."),
    ("module-vpc-association-bad-vpc", "service_network_vpc_association",
     {"service_network": "dev-service-network", "vpc_id": "not-a-vpc"},
     "vpc_id: 'not-a-vpc' is not a VPC ID; expected 'vpc-' followed by 8 or 17 lowercase letters or digits"),
    ("module-access-log-bad-destination", "access_log_subscription",
     {"resource": "dev-service-b", "destination_arn": "bucket-without-arn"},
     "destination_arn: 'bucket-without-arn' is not the ARN of an access log destination; use the ARN of a"
     " CloudWatch Logs log group"),
]  # fmt: skip


# --- running things ---------------------------------------------------------------------------------------


def playbook_env(endpoint) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_"))}
    env.update(endpoint.aws_env(), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
               ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_NOCOLOR="1")  # fmt: skip
    return env


def run_playbook(endpoint, args, outputs_dir) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "ansible-playbook"), *args, "-e", f"lattice_outputs_dir={outputs_dir}"],
        cwd=REPO, env=playbook_env(endpoint), capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def flat(text: str) -> str:
    """Whitespace collapsed: the yaml result format folds long messages over several lines."""
    return re.sub(r"\s+", " ", text)


def write_inventories(shared_mesh, root: Path, edit) -> Path:
    """The shared mesh's inventories/dev copied under root/inventories, its group_vars edited by ``edit``."""
    inventories = root / "inventories"
    shutil.copytree(shared_mesh.inventories / "dev", inventories / "dev")
    declaration = inventories / "dev" / "group_vars" / "all.yml"
    data = yaml.safe_load(declaration.read_text())
    edit(data)
    declaration.write_text(yaml.safe_dump(data, sort_keys=False))
    return inventories


def refused_without_a_change(shared_mesh, args, expected):
    """``expected``: the text (or texts) the failure message must hold."""
    endpoint, before = shared_mesh.endpoint, shared_mesh.snapshot
    endpoint.clear_requests()
    result = run_playbook(endpoint, args, shared_mesh.outputs)
    output = result.stdout + result.stderr
    mutating = [f"{r['service']}:{r['operation']}" for r in endpoint.requests() if r["mutating"]]
    after = shared_mesh.current()
    if after != before:
        # Put the deployed mesh back, so that one broken case does not fail the ones after it.
        shared_mesh.site()
    assert result.returncode != 0, output[-4000:]
    for text in [expected] if isinstance(expected, str) else expected:
        assert flat(text) in flat(output), f"the message does not name {text!r}:\n{output[-4000:]}"
    assert mutating == [], f"mutating calls before the refusal: {mutating}"
    assert after == before, "\n".join(snapshot_difference(before, after))
    said = next(line.strip() for line in output.splitlines() if "msg:" in line or "FAILED!" in line)
    print(f"refused, no mutating call, snapshot unchanged: {said[:300]}")


@pytest.mark.parametrize("edit, expected", [pytest.param(e, x, id=i) for i, e, x in DECLARATION_CASES])
def test_broken_declaration(shared_mesh, tmp_path, edit, expected):
    inventories = write_inventories(shared_mesh, tmp_path, edit)
    args = ["site.yml", "-e", "env=dev", "-e", f"lattice_inventories_dir={inventories}"]
    refused_without_a_change(shared_mesh, args, expected if expected.startswith("dev: ") else "dev: " + expected)


@pytest.mark.parametrize("edit, expected", [pytest.param(e, x, id=i) for i, e, x in IMMUTABLE_CASES])
def test_immutable_field_change(shared_mesh, tmp_path, edit, expected):
    inventories = write_inventories(shared_mesh, tmp_path, edit)
    refused_without_a_change(shared_mesh, ["site.yml", "-e", "env=dev", "-e", f"lattice_inventories_dir={inventories}"],
                             expected)  # fmt: skip


@pytest.mark.parametrize("extra, expected", [pytest.param(a, x, id=i) for i, a, x in ENVIRONMENT_CASES])
def test_missing_or_unknown_environment(shared_mesh, tmp_path, extra, expected):
    inventories = write_inventories(shared_mesh, tmp_path, lambda data: None)
    args = ["site.yml", *extra, "-e", f"lattice_inventories_dir={inventories}"]
    refused_without_a_change(shared_mesh, args, expected)


@pytest.mark.parametrize("module, arguments, expected", [pytest.param(m, a, x, id=i) for i, m, a, x in MODULE_CASES])
def test_broken_module_arguments(shared_mesh, tmp_path, module, arguments, expected):
    play = [{
        "name": f"One {module} task with broken arguments",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "tasks": [{"name": f"Call {module}", f"lattice.mesh.{module}": {"region": REGION, **arguments}}],
    }]  # fmt: skip
    path = tmp_path / "play.yml"
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    refused_without_a_change(shared_mesh, [str(path)], expected)


def test_the_catalogue_is_large_enough():
    cases = DECLARATION_CASES + IMMUTABLE_CASES + ENVIRONMENT_CASES + MODULE_CASES
    assert len(cases) >= 40
    assert len({case[0] for case in cases}) == len(cases), "case ids must be unique"
    json.dumps([case[-1] for case in cases])
