"""Security checks (issue 7): every policy the deploy makes is least-privilege; no secret in -vvv output.

``drills.security.audit`` enumerates every Lattice auth policy (networks and services), every policy of the roles
the deploy created (trust, inline, customer-managed; AWS-managed attachments exactly as declared) and the access-log
KMS key policy, and checks them against the declarations (its docstring lists the rules, and why the key policy's
one ``kms:*`` statement, AWS's default administrator delegation to the account root, is allowed).
"""

from __future__ import annotations

import json

import pytest
from drills import security, state

pytestmark = pytest.mark.slow


def test_every_policy_of_staging_and_prod_is_least_privilege(endpoint, drill_env):
    envs = [drill_env("staging"), drill_env("prod")]
    for env in envs:
        run = env.site()
        assert run.ok, run.failure()
    declarations = {env.name: env.declaration for env in envs}
    client = state.clients(endpoint)
    result = security.audit(client, declarations)
    print("\nleast privilege:", result.summary())
    assert result.problems == [], "\n".join(result.problems)
    meshes = [d["lattice_mesh"] for d in declarations.values()]
    assert result.documents == {
        "auth": sum(len(m["services"]) + 1 for m in meshes),
        "IAM trust": sum(len(m["callers"]) for m in meshes),
        "IAM": sum(len(m["callers"]) for m in meshes),
        "KMS key": len(meshes),
    }

    # The audit is not vacuous: widen a few policies behind the tool's back and it names each one.
    lattice, iam = client("vpc-lattice"), client("iam")
    service = next(s for s in lattice.list_services()["items"] if s["name"] == "staging-orders")
    wide = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "vpc-lattice-svcs:*", "Resource": service["arn"]},
    ]}  # fmt: skip
    lattice.put_auth_policy(resourceIdentifier=service["id"], policy=json.dumps(wide))
    iam.put_role_policy(RoleName="prod-web-role", PolicyName="Extra", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))  # fmt: skip
    iam.attach_role_policy(RoleName="staging-web-role", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    problems = "\n".join(security.audit(client, declarations).problems)
    print(problems)
    assert "auth policy of service staging-orders: wildcard principal {'AWS': '*'}" in problems
    assert "auth policy of service staging-orders: wildcard action 'vpc-lattice-svcs:*'" in problems
    assert "auth policy of service staging-orders: allows [], declared ['web']" in problems
    assert "inline policy Extra of prod-web-role: wildcard action '*'" in problems
    assert "inline policy Extra of prod-web-role: resource '*'" in problems
    assert "staging-web-role: AWS-managed policies ['arn:aws:iam::aws:policy/AdministratorAccess']" in problems


def test_no_secret_in_a_vvv_deploy(endpoint, tmp_path):
    endpoint.reset()
    try:
        scan = security.credentials_run(endpoint, tmp_path, "dev", "-vvv")
    finally:
        endpoint.reset()
    print(f"\ncredentials at -vvv: {scan.output_chars} chars of output, {scan.endpoint_log_chars} of endpoint log;"
          f" found {scan.found}; accounts {scan.accounts}; the access key ID (not a secret) in:")  # fmt: skip
    print("\n".join(scan.key_id_lines))
    assert scan.returncode == 0, scan.stdout[-6000:]
    assert scan.recap.get("changed", 0) > 0 and scan.recap.get("failed", 0) == 0
    assert "ESTABLISH LOCAL CONNECTION" in scan.stdout  # really -vvv: connection and module invocation details
    # The endpoint maps an unknown access key to its default account: the fake key deployed there.
    assert scan.accounts == ["123456789012"]
    assert scan.leaked == []
    for variable in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert security.FAKE_CREDENTIALS[variable] not in scan.stdout
