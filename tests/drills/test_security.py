"""Security checks (issue 7): every policy the deploy makes is least-privilege; no secret in -vvv output.

Both run on the shared mesh (conftest.shared_mesh), whose deploy is the -vvv run with fake credentials.

``drills.security.audit`` enumerates every Lattice auth policy (networks and services), every policy of the roles
the deploy created (trust, inline, customer-managed; AWS-managed attachments exactly as declared) and the access-log
KMS key policy, and checks them against the declarations (its docstring lists the rules, and why the key policy's
one ``kms:*`` statement, AWS's default administrator delegation to the account root, is allowed).
"""

from __future__ import annotations

import json

import pytest
from conftest import ECS_CALLER
from drills import security
from snapshot import snapshot_difference

pytestmark = pytest.mark.slow


def test_every_policy_of_the_shared_mesh_is_least_privilege(shared_mesh):
    """The roles' policies on the shared mesh: dev's service network and service, an EC2 caller with an AWS-managed
    policy and an ECS caller (two principals on one service), the access-log KMS key. ``scripts/drills security``
    audits staging and prod (more services and callers, each calling a subset)."""
    assert shared_mesh.current() == shared_mesh.snapshot, "the shared mesh was left changed by an earlier test"
    declarations = {"dev": shared_mesh.declaration}
    client = shared_mesh.clients
    result = security.audit(client, declarations)
    print("\nleast privilege:", result.summary())
    assert result.problems == [], "\n".join(result.problems)
    mesh = shared_mesh.declaration["lattice_mesh"]
    assert result.documents == {
        "auth": len(mesh["services"]) + 1,
        "IAM trust": len(mesh["callers"]),
        "IAM": len(mesh["callers"]),
        "KMS key": 1,
    }
    assert result.principals >= 2 * len(mesh["callers"])  # each caller in the service's and the network's policy

    # The audit is not vacuous: widen a few policies behind the tool's back and it names each one.
    lattice, iam = client("vpc-lattice"), client("iam")
    service = next(s for s in lattice.list_services()["items"] if s["name"] == "dev-service-b")
    original = lattice.get_auth_policy(resourceIdentifier=service["id"])["policy"]
    wide = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "vpc-lattice-svcs:*", "Resource": service["arn"]},
    ]}  # fmt: skip
    ecs_role = f"dev-{ECS_CALLER}-role"
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    lattice.put_auth_policy(resourceIdentifier=service["id"], policy=json.dumps(wide))
    iam.put_role_policy(RoleName="dev-service-a-role", PolicyName="Extra", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))  # fmt: skip
    iam.attach_role_policy(RoleName=ecs_role, PolicyArn=admin)
    try:
        problems = "\n".join(security.audit(client, declarations).problems)
    finally:
        # Put the shared mesh back as it was deployed.
        lattice.put_auth_policy(resourceIdentifier=service["id"], policy=original)
        iam.delete_role_policy(RoleName="dev-service-a-role", PolicyName="Extra")
        iam.detach_role_policy(RoleName=ecs_role, PolicyArn=admin)
    print(problems)
    assert "auth policy of service dev-service-b: wildcard principal {'AWS': '*'}" in problems
    assert "auth policy of service dev-service-b: wildcard action 'vpc-lattice-svcs:*'" in problems
    assert f"auth policy of service dev-service-b: allows [], declared ['service-a', '{ECS_CALLER}']" in problems
    assert "inline policy Extra of dev-service-a-role: wildcard action '*'" in problems
    assert "inline policy Extra of dev-service-a-role: resource '*'" in problems
    assert f"{ecs_role}: AWS-managed policies ['{admin}']" in problems
    restored = shared_mesh.current()
    assert restored == shared_mesh.snapshot, "\n".join(snapshot_difference(shared_mesh.snapshot, restored))


def test_no_secret_in_a_vvv_deploy(shared_mesh):
    """The shared mesh was deployed at -vvv with recognisable fake credentials (conftest.shared_mesh)."""
    scan = shared_mesh.scan
    print(f"\ncredentials at -vvv: {scan.output_chars} chars of output, {scan.endpoint_log_chars} of endpoint log;"
          f" found {scan.found}; accounts {scan.accounts}; the access key ID (not a secret) in:")  # fmt: skip
    print("\n".join(scan.key_id_lines))
    assert scan.returncode == 0, scan.stdout[-6000:]
    assert scan.recap.get("changed", 0) > 0 and scan.recap.get("failed", 0) == 0
    # Really -vvv: the callback shows each module's invocation with its arguments only from verbosity 3 (under
    # Mitogen there is no "ESTABLISH LOCAL CONNECTION" line to look for).
    assert "module_args:" in scan.stdout
    # The endpoint maps an unknown access key to its default account: the fake key deployed there.
    assert scan.accounts == ["123456789012"]
    assert scan.leaked == []
    for variable in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert security.FAKE_CREDENTIALS[variable] not in scan.stdout
