"""Teardown drill: tear a deployed mesh down under the ``realistic`` profile with faults on, meeting operations
still in progress, and check that no ConflictException reaches the user and nothing is left.

    scripts/drills teardown [--seeds 1-5] [--env staging] [--throttle 0.2] [--error 0.05] [--transition 1]
                            [--in-progress-seconds 12] [--jobs 1]

For each seed: reset the endpoint (realistic, transitions of ``--transition`` seconds), deploy the environment
without faults, then (odd seeds, and every seed with --always-in-progress) put operations in progress behind the
tool's back with boto3: the service network association of the service teardown removes first and one VPC
association are deleted and re-created with a transition of ``--in-progress-seconds``, so that teardown meets them
in CREATE_IN_PROGRESS. Then turn the faults on (throttle, 5xx; seeded) and run playbooks/teardown.yml. The run
must succeed, its output must not mention ConflictException, and nothing may be left (Lattice, EC2 by tag, IAM
roles, log groups, KMS aliases). The endpoint's request log gives the 409s (ConflictException) it answered, all of
them absorbed by the modules' waits and retries.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from drills import mesh_gen, runner, state


@dataclass
class Case:
    seed: int
    env: str
    in_progress: list[str] = field(default_factory=list)
    requests: int = 0
    conflicts: int = 0
    conflict_operations: dict[str, int] = field(default_factory=dict)
    throttled: int = 0
    errors: int = 0
    deploy_seconds: float = 0.0
    teardown_seconds: float = 0.0
    returncode: int | None = None
    conflict_in_output: bool = False
    left: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


HEADER = (f"{'seed':>4}  {'env':<8} {'in progress':<11} {'requests':>8} {'409s':>5} {'429/503':>7} {'500s':>5}"
          f" {'deploy s':>8} {'teardown s':>10}  {'leaked':>6}  {'left':>4}  outcome")  # fmt: skip


def format_case(case: Case) -> str:
    outcome = "ok" if case.ok else "FAILED: " + "; ".join(p.splitlines()[0] for p in case.problems)
    return (f"{case.seed:>4}  {case.env:<8} {len(case.in_progress):<11} {case.requests:>8} {case.conflicts:>5}"
            f" {case.throttled:>7} {case.errors:>5} {case.deploy_seconds:>8.1f} {case.teardown_seconds:>10.1f}"
            f"  {'yes' if case.conflict_in_output else 'no':>6}  {len(case.left):>4}  {outcome}")  # fmt: skip


def put_in_progress(endpoint, client, env: str, declaration: dict, seconds: float, transition: float) -> list[str]:
    """Delete and re-create (through boto3, behind the tool's back) the service network association of the service
    teardown removes first and the VPC association of the first associated VPC, the new ones staying
    CREATE_IN_PROGRESS for ``seconds``. Returns what is in progress, checked."""
    lattice, ec2 = client("vpc-lattice"), client("ec2")
    mesh = declaration["lattice_mesh"]
    network_name = mesh.get("service_network", {}).get("name", f"{env}-service-network")
    (network,) = [n for n in state._items(lattice.list_service_networks) if n["name"] == network_name]
    first_service = f"{env}-{mesh['services'][-1]['name']}"  # teardown.yml removes the services in reverse
    (service,) = [s for s in state._items(lattice.list_services) if s["name"] == first_service]
    vpc_name = f"{env}-{next(v['name'] for v in mesh['vpcs'] if v.get('associate', True))}-vpc"
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [vpc_name]}])["Vpcs"]

    (service_association,) = state._items(lattice.list_service_network_service_associations,
                                          serviceIdentifier=service["id"])  # fmt: skip
    (vpc_association,) = [a for a in state._items(lattice.list_service_network_vpc_associations,
                                                  serviceNetworkIdentifier=network["id"])
                          if a["vpcId"] == vpc["VpcId"]]  # fmt: skip
    vpc_details = lattice.get_service_network_vpc_association(
        serviceNetworkVpcAssociationIdentifier=vpc_association["id"]
    )
    service_tags = lattice.list_tags_for_resource(resourceArn=service_association["arn"])["tags"]
    vpc_tags = lattice.list_tags_for_resource(resourceArn=vpc_association["arn"])["tags"]

    lattice.delete_service_network_service_association(
        serviceNetworkServiceAssociationIdentifier=service_association["id"]
    )
    lattice.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=vpc_association["id"])
    deadline = time.monotonic() + 10 * transition + 10
    while time.monotonic() < deadline:  # wait until both are gone (DELETE_IN_PROGRESS for `transition` s)
        remaining = state._items(lattice.list_service_network_service_associations, serviceIdentifier=service["id"])
        remaining += [a for a in state._items(lattice.list_service_network_vpc_associations,
                                              serviceNetworkIdentifier=network["id"])
                      if a["vpcId"] == vpc["VpcId"]]  # fmt: skip
        if not remaining:
            break
        time.sleep(0.2)
    else:
        raise RuntimeError(f"the deleted associations are still there: {remaining}")

    endpoint.set_config(transition_seconds=seconds)
    try:
        created = lattice.create_service_network_service_association(
            serviceNetworkIdentifier=network["id"], serviceIdentifier=service["id"], tags=service_tags
        )
        created_vpc = lattice.create_service_network_vpc_association(
            serviceNetworkIdentifier=network["id"],
            vpcIdentifier=vpc["VpcId"],
            securityGroupIds=vpc_details.get("securityGroupIds", []),
            tags=vpc_tags,
        )
    finally:
        endpoint.set_config(transition_seconds=transition)
    statuses = [
        lattice.get_service_network_service_association(serviceNetworkServiceAssociationIdentifier=created["id"])[
            "status"
        ],
        lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=created_vpc["id"])["status"],
    ]
    if statuses != ["CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS"]:
        raise RuntimeError(f"the re-created associations are {statuses}, not CREATE_IN_PROGRESS")
    return [f"service association {first_service} -> {network_name}", f"VPC association {vpc_name} -> {network_name}"]


def run_case(endpoint, seed: int, env: str, declaration: dict, workdir: Path, *, in_progress: bool,
             throttle: float = 0.2, error: float = 0.05, transition: float = 1.0,
             in_progress_seconds: float = 12.0) -> tuple[Case, runner.Run | None]:  # fmt: skip
    """One case on a reset endpoint; returns it and the teardown run (None when the deploy failed)."""
    case = Case(seed, env)
    inventories, outputs = workdir / "inventories", workdir / "outputs"
    outputs.mkdir(exist_ok=True)
    client = state.clients(endpoint)
    endpoint.reset()
    endpoint.set_config(profile="realistic", transition_seconds=transition)
    deploy = runner.site(endpoint, env, inventories, outputs)
    case.deploy_seconds = deploy.seconds
    if not deploy.ok:
        case.problems.append(f"deploy failed (rc {deploy.returncode})\n{deploy.failure()}")
        return case, None
    if in_progress:
        case.in_progress = put_in_progress(endpoint, client, env, declaration, in_progress_seconds, transition)
    endpoint.clear_requests()
    endpoint.set_config(throttle_rate=throttle, error_rate=error, seed=seed)
    try:
        down = runner.teardown(endpoint, env, inventories, outputs)
        requests = endpoint.requests()
    finally:
        endpoint.set_config(throttle_rate=0.0, error_rate=0.0)
    case.teardown_seconds, case.returncode = down.seconds, down.returncode
    case.requests = len(requests)
    for request in requests:
        if request["status"] == 409:
            case.conflicts += 1
            operation = f"{request['service']}:{request['operation']}"
            case.conflict_operations[operation] = case.conflict_operations.get(operation, 0) + 1
    case.throttled = sum(1 for r in requests if r["status"] in (429, 503))
    case.errors = sum(1 for r in requests if r["status"] == 500)
    case.conflict_in_output = "ConflictException" in down.stdout
    if not down.ok:
        case.problems.append(f"teardown failed (rc {down.returncode})\n{down.failure()}")
    if case.conflict_in_output:
        lines = [line for line in down.stdout.splitlines() if "ConflictException" in line]
        case.problems.append("ConflictException reached the user:\n" + "\n".join(lines[:10]))
    if case.in_progress and not case.conflicts:
        # Not a failure of the tool, but the drill did not drill: the transition ended before teardown got there.
        case.problems.append("teardown met nothing in progress (no 409): the associations had settled; raise"
                             " --in-progress-seconds")  # fmt: skip
    case.left = state.leftovers(client, env)
    if case.left:
        case.problems.append("left after teardown: " + ", ".join(case.left))
    return case, down


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/drills teardown", description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--seeds", default="1-5", help="seeds, e.g. 1-5 or 2,4 (default 1-5)")
    parser.add_argument("--env", default="staging", help="dev, staging or prod (default staging)")
    parser.add_argument("--throttle", type=float, default=0.2)
    parser.add_argument("--error", type=float, default=0.05)
    parser.add_argument("--transition", type=float, default=1.0, help="seconds of each *_IN_PROGRESS state (1)")
    parser.add_argument("--in-progress-seconds", type=float, default=12.0,
                        help="transition of the associations re-created in progress (12)")  # fmt: skip
    parser.add_argument("--always-in-progress", action="store_true", help="every seed meets operations in progress")
    parser.add_argument("--jobs", type=int, default=1, help="seeds at once, each on an endpoint of its own (1)")
    args = parser.parse_args(argv)

    seeds = runner.seeds_of(args.seeds)
    print(f"teardown: env={args.env} profile=realistic transition={args.transition}s throttle_rate={args.throttle}"
          f" error_rate={args.error}; odd seeds{' (all, --always-in-progress)' if args.always_in_progress else ''}"
          f" meet 2 associations CREATE_IN_PROGRESS for {args.in_progress_seconds}s", flush=True)  # fmt: skip
    print(HEADER, flush=True)
    cases = []
    started = time.monotonic()
    profile = ("--profile", "realistic", "--transition-seconds", str(args.transition))
    with tempfile.TemporaryDirectory(prefix="drill-teardown-") as tmp:

        def work(endpoint, seed):
            workdir = Path(tmp) / f"seed-{seed}"
            declaration = mesh_gen.copy_environment(workdir / "inventories", args.env)
            case, dummy = run_case(
                endpoint, seed, args.env, declaration, workdir,
                in_progress=args.always_in_progress or seed % 2 == 1, throttle=args.throttle,
                error=args.error, transition=args.transition, in_progress_seconds=args.in_progress_seconds,
            )  # fmt: skip
            return case

        for case in runner.in_parallel(seeds, args.jobs, profile, work):
            cases.append(case)
            print(format_case(case), flush=True)
            for problem in case.problems:
                print("      " + problem.replace("\n", "\n      "), flush=True)
    conflicts = {}
    for case in cases:
        for operation, count in case.conflict_operations.items():
            conflicts[operation] = conflicts.get(operation, 0) + count
    passed = sum(case.ok for case in cases)
    print(f"\n{passed}/{len(cases)} teardowns clean; {sum(c.conflicts for c in cases)} ConflictException (409)"
          f" answered by the endpoint, {sum(c.conflict_in_output for c in cases)} surfaced;"
          f" {sum(c.throttled for c in cases)} throttled, {sum(c.errors for c in cases)} 500s;"
          f" {time.monotonic() - started:.0f}s", flush=True)  # fmt: skip
    for operation, count in sorted(conflicts.items()):
        print(f"  409 {operation}: {count}")
    return 0 if passed == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
