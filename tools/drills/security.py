"""Security checks: least privilege of every policy a deploy makes, and no secret in the output at -vvv.

    scripts/drills security [--envs staging]   (one-account environments: the audit reads the default account)

Least privilege (``audit``): after deploying the environments, read back EVERY Lattice auth policy (GetAuthPolicy on
every service network and service of the account), every IAM role policy of the roles the deploy created (inline,
attached customer-managed, the trust policy; AWS-managed attachments must be exactly the declared ones) and the key
policy of each environment's access-log KMS key, and check:
- no ``*`` principal anywhere (``"*"``, ``{"AWS": "*"}``, a wildcard in any principal), no NotPrincipal/NotAction;
- no ``*`` or ``service:*`` action in auth and IAM policies: auth policies and invoke policies allow exactly
  ``vpc-lattice-svcs:Invoke``, trust policies exactly ``sts:AssumeRole`` for the caller's compute service;
- every principal of an auth policy is the role of a caller declared in that environment; each service's policy
  allows exactly its declared callers on ``arn`` and ``arn/*``; the network's policy gives each caller exactly the
  services it calls; each caller's role may invoke exactly the services its declaration lists (``arn``, ``arn/*``);
- the KMS key policy: the one ``kms:*`` statement allowed is AWS's default key policy statement "Enable IAM User
  Permissions" with the account root as principal (as in the reference template). It does not open the key to
  anyone: it delegates access to the account's IAM policies, and without it the key could become unmanageable (AWS
  refuses a key policy that would lock the account out). Every other statement must name a service principal, no
  ``kms:*`` action, and be bound to the environment's log group by an ``kms:EncryptionContext:aws:logs:arn``
  condition.

No credentials in output (``credentials_run``): a dev deploy at ``-vvv`` with recognisable fake credentials; the
secret access key and the session token must appear nowhere in ansible-playbook's stdout and stderr nor in the
endpoint's own log. The access key ID is an identifier, not a secret (AWS prints it in CloudTrail, in
``aws configure list`` and in IAM's console), so its occurrences are counted and printed, not forbidden.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import botocore.exceptions

from drills import mesh_gen, runner, state

INVOKE = "vpc-lattice-svcs:Invoke"
MANAGED_PREFIX = "arn:aws:iam::aws:policy/"
TRUSTED = {"ec2": "ec2.amazonaws.com", "ecs": "ecs-tasks.amazonaws.com", "lambda": "lambda.amazonaws.com"}
KMS_ADMIN_SID = "Enable IAM User Permissions"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIADRILLSECRET00001",
    "AWS_SECRET_ACCESS_KEY": "drill/secret/key/please/never/print",
    "AWS_SESSION_TOKEN": "drill-session-token-never-print",
}


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@dataclass
class Audit:
    problems: list[str] = field(default_factory=list)
    documents: dict[str, int] = field(default_factory=dict)  # kind -> documents read
    statements: int = 0
    principals: int = 0

    def read(self, kind: str, document: dict) -> list[dict]:
        self.documents[kind] = self.documents.get(kind, 0) + 1
        statements = as_list(document.get("Statement"))
        self.statements += len(statements)
        return statements

    def summary(self) -> str:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.documents.items()))
        return (f"{sum(self.documents.values())} policy documents ({kinds}), {self.statements} statements,"
                f" {self.principals} principals checked, {len(self.problems)} problems")  # fmt: skip


def wildcard_principal(principal) -> bool:
    """``"*"``, ``{"AWS": "*"}`` or any wildcard inside a principal."""
    if isinstance(principal, str):
        return "*" in principal
    if isinstance(principal, dict):
        return any("*" in value for values in principal.values() for value in as_list(values))
    return True  # an unexpected shape is refused


def wildcard_action(action: str) -> bool:
    """``*``, ``service:*`` or any other wildcard action."""
    return "*" in action


def check_statement(audit: Audit, where: str, statement: dict, *, allow_action_wildcards: bool = False) -> None:
    for forbidden in ("NotPrincipal", "NotAction", "NotResource"):
        if forbidden in statement:
            audit.problems.append(f"{where}: {forbidden} in {statement}")
    if "Principal" in statement:
        audit.principals += sum(len(as_list(v)) for v in statement["Principal"].values()) if isinstance(
            statement["Principal"], dict) else 1  # fmt: skip
        if wildcard_principal(statement["Principal"]):
            audit.problems.append(f"{where}: wildcard principal {statement['Principal']!r}")
    if not allow_action_wildcards:
        for action in as_list(statement.get("Action")):
            if wildcard_action(action):
                audit.problems.append(f"{where}: wildcard action {action!r}")


def service_arns(arn: str) -> list[str]:
    return [arn, f"{arn}/*"]


def _auth_policy(lattice, identifier: str) -> dict | None:
    try:
        policy = lattice.get_auth_policy(resourceIdentifier=identifier).get("policy")
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise
    return json.loads(policy) if policy else None


def principals_of(result: Audit, env: str, caller_of_arn: dict, where: str, statement: dict) -> list[str]:
    """The declared callers a statement allows; a problem for any other principal."""
    principal = statement.get("Principal")
    if not isinstance(principal, dict) or set(principal) != {"AWS"}:
        result.problems.append(f"{where}: principal {principal!r} is not a list of IAM roles")
        return []
    names = []
    for arn in as_list(principal["AWS"]):
        if arn not in caller_of_arn:
            result.problems.append(f"{where}: principal {arn} is not the role of a caller declared in {env}")
        else:
            names.append(caller_of_arn[arn])
    return names


def check_auth_statement(result: Audit, where: str, statement: dict) -> bool:
    """Check an auth policy statement; True for an Allow (whose principals and resources the caller checks)."""
    check_statement(result, where, statement)
    if statement.get("Effect") != "Allow":
        return False
    if as_list(statement.get("Action")) != [INVOKE]:
        result.problems.append(f"{where}: actions {statement.get('Action')!r}, expected exactly {INVOKE}")
    return True


def audit(client, declarations: dict[str, dict], account: str = "123456789012") -> Audit:
    """Enumerate and check every policy of the deployed environments (``declarations``: env -> group_vars)."""
    result = Audit()
    lattice, iam, kms = client("vpc-lattice"), client("iam"), client("kms")
    networks = state._items(lattice.list_service_networks)
    services = {s["name"]: s for s in state._items(lattice.list_services)}
    roles = {r["RoleName"]: r for r in state._items(iam.list_roles, key="Roles")}
    seen_services, seen_networks = set(), set()

    for env, declaration in declarations.items():
        mesh = declaration["lattice_mesh"]
        callers = {c["name"]: c for c in mesh.get("callers", [])}
        role_arn = {}
        for name in callers:
            role = roles.get(f"{env}-{name}-role")
            if role is None:
                result.problems.append(f"{env}: the role of caller {name} ({env}-{name}-role) does not exist")
            else:
                role_arn[name] = role["Arn"]
        caller_of_arn = {arn: name for name, arn in role_arn.items()}
        service_arn = {}
        for declared in mesh["services"]:
            found = services.get(f"{env}-{declared['name']}")
            if found is None:
                result.problems.append(f"{env}: service {env}-{declared['name']} does not exist")
            else:
                service_arn[declared["name"]] = found["arn"]

        # Each service's auth policy: exactly its declared callers, on exactly this service.
        for declared in mesh["services"]:
            name = f"{env}-{declared['name']}"
            if name not in services:
                continue
            seen_services.add(name)
            policy = _auth_policy(lattice, services[name]["id"])
            wanted = sorted(c for c, caller in callers.items() if declared["name"] in caller["calls"])
            if declared.get("auth_type", "AWS_IAM") != "AWS_IAM":
                if policy:
                    result.read("auth", policy)
                continue
            if policy is None:
                result.problems.append(f"{name}: no auth policy (auth type AWS_IAM)")
                continue
            allowed = set()
            for statement in result.read("auth", policy):
                where = f"auth policy of service {name}"
                if not check_auth_statement(result, where, statement):
                    continue
                allowed.update(principals_of(result, env, caller_of_arn, where, statement))
                if sorted(as_list(statement.get("Resource"))) != sorted(service_arns(services[name]["arn"])):
                    result.problems.append(f"{where}: resources {statement.get('Resource')!r}, expected its arn, arn/*")
            if sorted(allowed) != wanted:
                result.problems.append(f"auth policy of service {name}: allows {sorted(allowed)}, declared {wanted}")

        # The service network's auth policy: each caller, exactly the services it calls.
        network_name = mesh.get("service_network", {}).get("name", f"{env}-service-network")
        for network in [n for n in networks if n["name"] == network_name]:
            seen_networks.add(network["name"])
            policy = _auth_policy(lattice, network["id"])
            if mesh.get("service_network", {}).get("auth_type", "AWS_IAM") != "AWS_IAM":
                if policy:
                    result.read("auth", policy)
                continue
            if policy is None:
                result.problems.append(f"{network_name}: no auth policy (auth type AWS_IAM)")
                continue
            granted: dict[str, set] = {}
            for statement in result.read("auth", policy):
                where = f"auth policy of service network {network_name}"
                if not check_auth_statement(result, where, statement):
                    continue
                for caller in principals_of(result, env, caller_of_arn, where, statement):
                    granted.setdefault(caller, set()).update(as_list(statement.get("Resource")))
            wanted = {
                name: {
                    arn for call in caller["calls"] if call in service_arn for arn in service_arns(service_arn[call])
                }
                for name, caller in callers.items()
                if caller["calls"]
            }
            if granted != wanted:
                result.problems.append(
                    f"auth policy of service network {network_name}: grants {granted}, declared {wanted}"
                )

        # The callers' roles: trust, inline and customer-managed policies, AWS-managed attachments.
        env_roles = sorted(name for name in roles if name.startswith(f"{env}-"))
        unexpected = sorted(set(env_roles) - {f"{env}-{name}-role" for name in callers})
        if unexpected:
            result.problems.append(f"{env}: roles that no caller declares: {unexpected}")
        for name, caller in callers.items():
            role_name = f"{env}-{name}-role"
            if role_name not in roles:
                continue
            trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
            for statement in result.read("IAM trust", trust):
                where = f"trust policy of {role_name}"
                check_statement(result, where, statement)
                services_trusted = as_list(statement.get("Principal", {}).get("Service"))
                if as_list(statement.get("Action")) != ["sts:AssumeRole"] or services_trusted != [
                    TRUSTED[caller["runs_on"]]
                ]:
                    result.problems.append(
                        f"{where}: {statement}, expected sts:AssumeRole by {TRUSTED[caller['runs_on']]}"
                    )
            invoked = set()
            documents = [
                (f"inline policy {policy} of {role_name}",
                 iam.get_role_policy(RoleName=role_name, PolicyName=policy)["PolicyDocument"])
                for policy in state._items(iam.list_role_policies, key="PolicyNames", RoleName=role_name)
            ]  # fmt: skip
            attached = state._items(iam.list_attached_role_policies, key="AttachedPolicies", RoleName=role_name)
            managed = sorted(p["PolicyArn"] for p in attached if p["PolicyArn"].startswith(MANAGED_PREFIX))
            if managed != sorted(caller.get("managed_policy_arns", [])):
                result.problems.append(f"{role_name}: AWS-managed policies {managed}, declared "
                                       f"{sorted(caller.get('managed_policy_arns', []))}")  # fmt: skip
            for policy in attached:
                if policy["PolicyArn"].startswith(MANAGED_PREFIX):
                    continue
                version = iam.get_policy(PolicyArn=policy["PolicyArn"])["Policy"]["DefaultVersionId"]
                document = iam.get_policy_version(PolicyArn=policy["PolicyArn"], VersionId=version)["PolicyVersion"]
                documents.append(
                    (f"customer-managed policy {policy['PolicyArn']} of {role_name}", document["Document"])
                )
            for where, document in documents:
                if isinstance(document, str):
                    document = json.loads(document)
                for statement in result.read("IAM", document):
                    check_statement(result, where, statement)
                    if statement.get("Effect") != "Allow":
                        continue
                    if as_list(statement.get("Action")) != [INVOKE]:
                        result.problems.append(f"{where}: actions {statement.get('Action')!r}, expected {INVOKE}")
                    for resource in as_list(statement.get("Resource")):
                        if resource == "*":
                            result.problems.append(f"{where}: resource '*'")
                    invoked.update(as_list(statement.get("Resource")))
            wanted = {arn for call in caller["calls"] if call in service_arn for arn in service_arns(service_arn[call])}
            if invoked != wanted:
                result.problems.append(f"{role_name}: may invoke {sorted(invoked)}, declared {sorted(wanted)}")

        # The access-log key's policy.
        if mesh.get("service_network", {}).get("access_logs") is not None:
            alias = f"alias/{env}-vpclattice-logs"
            key_ids = [a["TargetKeyId"] for a in kms.list_aliases()["Aliases"] if a["AliasName"] == alias]
            if len(key_ids) != 1:
                result.problems.append(f"{env}: {len(key_ids)} keys behind {alias}")
            for key_id in key_ids:
                document = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
                admin = 0
                log_group = f"arn:aws:logs:{client('kms').meta.region_name}:{account}:log-group:/aws/vpclattice/"
                for statement in result.read("KMS key", document):
                    where = f"key policy of {alias} ({key_id}), statement {statement.get('Sid')!r}"
                    actions = as_list(statement.get("Action"))
                    if statement.get("Sid") == KMS_ADMIN_SID and actions == ["kms:*"]:
                        check_statement(result, where, statement, allow_action_wildcards=True)
                        admin += 1
                        if statement.get("Principal") != {"AWS": f"arn:aws:iam::{account}:root"}:
                            result.problems.append(f"{where}: principal {statement.get('Principal')!r}, "
                                                   f"expected the account root")  # fmt: skip
                        continue
                    check_statement(result, where, statement, allow_action_wildcards=True)
                    if any(action in ("*", "kms:*") for action in actions):
                        result.problems.append(f"{where}: {actions} outside the administrator statement")
                    if set(statement.get("Principal", {})) != {"Service"}:
                        result.problems.append(f"{where}: principal {statement.get('Principal')!r} is not a service")
                    context = statement.get("Condition", {}).get("ArnLike", {})
                    bound = context.get("kms:EncryptionContext:aws:logs:arn", "")
                    if not (isinstance(bound, str) and bound.startswith(log_group + f"{env}-") and "*" not in bound):
                        result.problems.append(f"{where}: not bound to the environment's log group ({bound!r})")
                if admin != 1:
                    result.problems.append(f"key policy of {alias}: {admin} administrator statements, expected 1")

    # Every other auth policy of the account (nothing else should exist, but all are read).
    for network in networks:
        if network["name"] not in seen_networks:
            policy = _auth_policy(lattice, network["id"])
            for statement in result.read("auth", policy) if policy else []:
                check_statement(result, f"auth policy of undeclared service network {network['name']}", statement)
    for name, service in services.items():
        if name not in seen_services:
            policy = _auth_policy(lattice, service["id"])
            for statement in result.read("auth", policy) if policy else []:
                check_statement(result, f"auth policy of undeclared service {name}", statement)
    return result


@dataclass
class CredentialScan:
    returncode: int
    recap: dict
    output_chars: int
    endpoint_log_chars: int
    found: dict[str, dict[str, int]]  # credential variable -> {"output": n, "endpoint log": n}
    accounts: list[str]
    stdout: str
    key_id_lines: list[str] = field(default_factory=list)  # where the access key ID appears (a sample)

    @property
    def leaked(self) -> list[str]:
        """Secrets (not the access key ID) found anywhere."""
        return [f"{variable} in the {where} ({count}x)" for variable, places in self.found.items()
                if variable != "AWS_ACCESS_KEY_ID" for where, count in places.items() if count]  # fmt: skip


def credentials_run(endpoint, workdir: Path, env: str = "dev", verbosity: str = "-vvv") -> CredentialScan:
    """Deploy ``env`` at ``verbosity`` with FAKE_CREDENTIALS; count where each credential value appears."""
    inventories, outputs = workdir / "inventories", workdir / "outputs"
    outputs.mkdir(parents=True, exist_ok=True)
    if not (inventories / env).exists():
        mesh_gen.copy_environment(inventories, env)
    process_env = runner.playbook_env(endpoint)
    process_env.update(FAKE_CREDENTIALS)
    log_start = endpoint.stderr_path.stat().st_size if endpoint.stderr_path and endpoint.stderr_path.exists() else 0
    endpoint.clear_requests()
    result = subprocess.run(runner.playbook_command("site.yml", env, inventories, outputs, verbosity), cwd=runner.REPO,
                            env=process_env, capture_output=True, text=True, timeout=1800, check=False)  # fmt: skip
    output = result.stdout + result.stderr
    endpoint_log = ""
    if endpoint.stderr_path and endpoint.stderr_path.exists():
        with endpoint.stderr_path.open(errors="replace") as log:
            log.seek(log_start)
            endpoint_log = log.read()
    found = {variable: {"output": output.count(value), "endpoint log": endpoint_log.count(value)}
             for variable, value in FAKE_CREDENTIALS.items()}  # fmt: skip
    accounts = sorted({r["account"] for r in endpoint.requests()})
    run = runner.Run(result.returncode, output, 0.0)
    key_id = FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]
    key_id_lines = sorted({line.strip()[:160] for line in output.splitlines() if key_id in line})[:5]
    return CredentialScan(result.returncode, run.recap(), len(output), len(endpoint_log), found, accounts, output,
                          key_id_lines)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/drills security", description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--envs", default="staging", help="one-account environments to deploy and audit (staging)")
    parser.add_argument("--credentials-env", default="dev", help="environment of the -vvv run (dev)")
    args = parser.parse_args(argv)
    from local_aws.process import EndpointProcess

    failed = False
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="drill-security-") as tmp, EndpointProcess() as endpoint:
        workdir = Path(tmp)
        declarations = {}
        for env in args.envs.split(","):
            declarations[env] = mesh_gen.copy_environment(workdir / "inventories", env)
            run = runner.site(endpoint, env, workdir / "inventories", workdir / "outputs")
            print(f"deploy {env}: rc {run.returncode}, {run.recap()}, {run.seconds:.0f}s", flush=True)
            if not run.ok:
                print(run.failure())
                return 1
        result = audit(state.clients(endpoint), declarations)
        print(f"least privilege ({', '.join(declarations)}): {result.summary()}")
        for problem in result.problems:
            print(f"  {problem}")
        failed |= bool(result.problems)

        endpoint.reset()
        scan = credentials_run(endpoint, workdir, args.credentials_env)
        print(
            f"credentials ({args.credentials_env} at -vvv): rc {scan.returncode}, {scan.recap},"
            f" {scan.output_chars} chars of output, {scan.endpoint_log_chars} of endpoint log, accounts {scan.accounts}"
        )
        for variable, places in scan.found.items():
            print(f"  {variable}={FAKE_CREDENTIALS[variable]}: {places}")
        print(f"  secrets leaked: {scan.leaked or 'none'}; the access key ID appears in lines like:")
        for line in scan.key_id_lines:
            print(f"    {line}")
        failed |= bool(scan.leaked) or scan.returncode != 0
    print(f"{'FAILED' if failed else 'ok'} in {time.monotonic() - started:.0f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
