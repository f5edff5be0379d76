"""Faults drill: deploy under throttling, 5xx errors and read-after-create lag, check the exact end state, tear down.

    scripts/drills faults [--seeds 1-10] [--envs dev,mesh10] [--services 10] [--throttle 0.2] [--error 0.05] [--lag 2]
                        [--jobs 1]

For each seed and environment: reset the endpoint, set the faults, run site.yml (must succeed), turn the faults off,
compare the endpoint's state with the declaration (every declared resource exactly once, nothing more), turn the
faults on again, run teardown (must succeed) and check that nothing is left. Prints one table row per run.
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
class Row:
    seed: int
    env: str
    throttled: int = 0
    bad_requests: int = 0
    errors: int = 0
    lag_404: int = 0
    retries: int = 0
    requests: int = 0
    deploy_seconds: float = 0.0
    teardown_seconds: float = 0.0
    outcome: str = "?"
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


HEADER = (f"{'seed':>4}  {'env':<8} {'requests':>8} {'429s':>5} {'400s':>5} {'500s':>5} {'404-lag':>7} {'retries':>7}"
          f" {'deploy s':>8} {'teardown s':>10}  outcome")  # fmt: skip


def format_row(row: Row) -> str:
    return (f"{row.seed:>4}  {row.env:<8} {row.requests:>8} {row.throttled:>5} {row.bad_requests:>5}"
            f" {row.errors:>5} {row.lag_404:>7}"
            f" {row.retries:>7} {row.deploy_seconds:>8.1f} {row.teardown_seconds:>10.1f}  {row.outcome}")  # fmt: skip


def count_faults(requests: list[dict]) -> dict[str, int]:
    """Faults seen in a request log. The endpoint logs statuses, not causes: a throttle is 429 (Lattice, JSON
    services) or 503 (EC2); the query/JSON-1.1 services (IAM, KMS, Logs) answer throttles with 400, counted apart
    as they may also be real client errors; 500s are injected errors; a 404 to a Lattice Get* is a lagging read
    (or a genuine look-up of something absent). Retries: every 429/503/500 is retried by the modules."""
    throttled = sum(1 for r in requests if r["status"] in (429, 503))
    bad_requests = sum(1 for r in requests if r["status"] == 400)
    errors = sum(1 for r in requests if r["status"] == 500)
    lag = sum(1 for r in requests if r["status"] == 404 and r["service"] == "vpc-lattice"
              and r["operation"].startswith("Get"))  # fmt: skip
    return {"throttled": throttled, "bad_requests": bad_requests, "errors": errors, "lag_404": lag,
            "retries": throttled + errors, "requests": len(requests)}  # fmt: skip


def prepare(workdir: Path, env_name: str, services: int) -> dict:
    """Write the environment into workdir/inventories; return its declaration."""
    if env_name in ("dev", "staging", "prod"):
        return mesh_gen.copy_environment(workdir / "inventories", env_name)
    return mesh_gen.write_environment(workdir / "inventories", env_name, services)


def fault_settings(seed: int, throttle: float, error: float, lag: int) -> dict:
    return {"throttle_rate": throttle, "error_rate": error, "lag_reads": lag, "seed": seed}


def run_one(endpoint, seed: int, env_name: str, declaration: dict, workdir: Path,
            throttle=0.2, error=0.05, lag=2) -> Row:  # fmt: skip
    """One seeded fault run on a reset endpoint: deploy, compare, tear down, check leftovers."""
    row = Row(seed, env_name)
    inventories, outputs = workdir / "inventories", workdir / "outputs"
    outputs.mkdir(exist_ok=True)
    endpoint.reset()
    endpoint.set_config(**fault_settings(seed, throttle, error, lag))
    deploy = runner.site(endpoint, env_name, inventories, outputs)
    row.deploy_seconds = deploy.seconds
    requests = endpoint.requests()
    endpoint.set_config(throttle_rate=0.0, error_rate=0.0)
    client = state.clients(endpoint)
    if not deploy.ok:
        row.outcome = f"deploy FAILED (rc {deploy.returncode})"
        row.problems.append(deploy.failure())
    else:
        diff = state.differences(state.expected(declaration), state.actual(client, env_name))
        if diff:
            row.outcome = f"state differs ({len(diff)})"
            row.problems.extend(diff)
    endpoint.clear_requests()
    endpoint.set_config(throttle_rate=throttle, error_rate=error)
    down = runner.teardown(endpoint, env_name, inventories, outputs)
    row.teardown_seconds = down.seconds
    requests += endpoint.requests()
    endpoint.set_config(throttle_rate=0.0, error_rate=0.0)
    for key, value in count_faults(requests).items():
        setattr(row, key, value)
    if not down.ok:
        row.problems.append(down.failure())
        row.outcome = row.outcome if row.outcome != "?" else f"teardown FAILED (rc {down.returncode})"
    else:
        left = state.leftovers(client, env_name)
        if left:
            row.problems.append("left after teardown: " + ", ".join(left))
            row.outcome = row.outcome if row.outcome != "?" else f"leftovers ({len(left)})"
    if row.outcome == "?":
        row.outcome = "ok"
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/drills faults", description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--seeds", default="1-10", help="seeds, e.g. 1-10 or 1,4,7 (default 1-10)")
    parser.add_argument("--envs", default="dev,mesh10", help="environments: dev/staging/prod or generated names")
    parser.add_argument("--services", type=int, default=10, help="services of a generated environment (10)")
    parser.add_argument("--throttle", type=float, default=0.2)
    parser.add_argument("--error", type=float, default=0.05)
    parser.add_argument("--lag", type=int, default=2)
    parser.add_argument("--profile", default="instant", choices=("instant", "realistic"))
    parser.add_argument("--jobs", type=int, default=1, help="runs at once, each on an endpoint of its own (1)")
    args = parser.parse_args(argv)

    rows = []
    started = time.monotonic()
    print(f"faults: throttle_rate={args.throttle} error_rate={args.error} lag_reads={args.lag}"
          f" profile={args.profile} jobs={args.jobs}", flush=True)  # fmt: skip
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="drill-faults-") as tmp:

        def work(endpoint, task):
            seed, env_name = task
            workdir = Path(tmp) / f"{env_name}-{seed}"
            workdir.mkdir()
            declaration = prepare(workdir, env_name, args.services)
            return run_one(endpoint, seed, env_name, declaration, workdir, args.throttle, args.error, args.lag)

        # the generated meshes take longest: start them first so that parallel jobs finish together
        tasks = sorted(((seed, env_name) for seed in runner.seeds_of(args.seeds) for env_name in args.envs.split(",")),
                       key=lambda task: task[1] in ("dev", "staging", "prod"))  # fmt: skip
        for row in runner.in_parallel(tasks, args.jobs, ("--profile", args.profile), work):
            rows.append(row)
            print(format_row(row), flush=True)
            for problem in row.problems:
                print("      " + problem.replace("\n", "\n      "), flush=True)
    print("\nby seed:\n" + HEADER)
    for row in sorted(rows, key=lambda row: (row.seed, row.env)):
        print(format_row(row))
    passed = sum(row.ok for row in rows)
    print(f"\n{passed}/{len(rows)} runs ok; {sum(r.throttled for r in rows)} 429/503s,"
          f" {sum(r.bad_requests for r in rows)} 400s, {sum(r.errors for r in rows)} 500s,"
          f" {sum(r.lag_404 for r in rows)} lagging reads injected over {sum(r.requests for r in rows)} requests;"
          f" {time.monotonic() - started:.0f} s")  # fmt: skip
    return 0 if passed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
