"""Interruption drill: SIGKILL site.yml at seeded points, then check that the next run converges and teardown cleans up.

    scripts/drills interrupt [--seeds 1-10] [--env mesh10] [--services 10] [--profile realistic] [--transition 1]
                           [--jobs 1]

A baseline run (not killed) measures the deploy: its request count and wall time. Each seed then picks one kill
point from random.Random(seed): odd seeds a number of completed requests, even seeds a delay, each between 5% and
95% of the baseline. For each seed: reset the endpoint, start site.yml, SIGKILL its process group at the point, run
site.yml again (must succeed), compare the endpoint's state with the declaration (every declared resource exactly
once), run teardown (must succeed) and check that nothing is left. Prints one table row per seed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from drills import faults, runner, state


@dataclass
class Row:
    seed: int
    env: str
    point: str
    killed: str = ""
    requests_at_kill: int = 0
    mutating_at_kill: int = 0
    rerun_seconds: float = 0.0
    rerun_changed: int = 0
    teardown_seconds: float = 0.0
    outcome: str = "?"
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


HEADER = (f"{'seed':>4}  {'env':<8} {'kill point':<16} {'killed?':<9} {'requests':>8} {'mutating':>8}"
          f" {'rerun s':>7} {'changed':>7} {'teardown s':>10}  outcome")  # fmt: skip


def format_row(row: Row) -> str:
    return (f"{row.seed:>4}  {row.env:<8} {row.point:<16} {row.killed:<9} {row.requests_at_kill:>8}"
            f" {row.mutating_at_kill:>8} {row.rerun_seconds:>7.1f} {row.rerun_changed:>7}"
            f" {row.teardown_seconds:>10.1f}  {row.outcome}")  # fmt: skip


def kill_point(seed: int, baseline_requests: int, baseline_seconds: float) -> dict:
    """The seed's kill point: after a number of requests (odd seeds) or a delay (even seeds)."""
    rng = random.Random(seed)
    fraction = rng.uniform(0.05, 0.95)
    if seed % 2:
        return {"after_requests": max(1, round(baseline_requests * fraction))}
    return {"after_seconds": round(baseline_seconds * fraction, 1)}


def describe(point: dict) -> str:
    if "after_requests" in point:
        return f"{point['after_requests']} requests"
    return f"{point['after_seconds']} s"


def baseline(endpoint, env_name: str, workdir: Path) -> tuple[int, float]:
    """Requests and seconds of one uninterrupted deploy (torn down again)."""
    endpoint.reset()
    inventories, outputs = workdir / "inventories", workdir / "outputs"
    deploy = runner.site(endpoint, env_name, inventories, outputs)
    if not deploy.ok:
        raise RuntimeError(f"the baseline deploy failed:\n{deploy.failure()}")
    count = len(endpoint.requests())
    down = runner.teardown(endpoint, env_name, inventories, outputs)
    if not down.ok:
        raise RuntimeError(f"the baseline teardown failed:\n{down.failure()}")
    return count, deploy.seconds


def run_one(endpoint, seed: int, point: dict, env_name: str, declaration: dict, workdir: Path) -> Row:
    row = Row(seed, env_name, describe(point))
    inventories, outputs = workdir / "inventories", workdir / "outputs"
    endpoint.reset()
    how, count, _seconds = runner.site_killed_at(endpoint, env_name, inventories, outputs, **point)
    row.killed = how
    row.requests_at_kill = count
    row.mutating_at_kill = sum(1 for r in endpoint.requests() if r["mutating"])
    rerun = runner.site(endpoint, env_name, inventories, outputs)
    row.rerun_seconds = rerun.seconds
    row.rerun_changed = rerun.recap().get("changed", 0)
    client = state.clients(endpoint)
    if not rerun.ok:
        row.outcome = f"rerun FAILED (rc {rerun.returncode})"
        row.problems.append(rerun.failure())
    else:
        diff = state.differences(state.expected(declaration), state.actual(client, env_name))
        if diff:
            row.outcome = f"state differs ({len(diff)})"
            row.problems.extend(diff)
    down = runner.teardown(endpoint, env_name, inventories, outputs)
    row.teardown_seconds = down.seconds
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
    parser = argparse.ArgumentParser(prog="scripts/drills interrupt", description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--seeds", default="1-10", help="seeds, e.g. 1-10 or 2,5 (default 1-10)")
    parser.add_argument("--env", default="mesh10", help="dev/staging/prod or a generated environment's name")
    parser.add_argument("--services", type=int, default=10, help="services of a generated environment (10)")
    parser.add_argument("--profile", default="realistic", choices=("instant", "realistic"))
    parser.add_argument("--transition", type=float, default=1.0, help="seconds in *_IN_PROGRESS (realistic)")
    parser.add_argument("--jobs", type=int, default=1, help="seeds at once, each on an endpoint of its own (1)")
    args = parser.parse_args(argv)
    from local_aws.process import EndpointProcess

    rows = []
    started = time.monotonic()
    endpoint_args = ("--profile", args.profile, "--transition-seconds", str(args.transition))
    with tempfile.TemporaryDirectory(prefix="drill-interrupt-") as tmp:
        workdir = Path(tmp) / "baseline"
        (workdir / "outputs").mkdir(parents=True)
        declaration = faults.prepare(workdir, args.env, args.services)
        with EndpointProcess(*endpoint_args) as endpoint:
            requests, seconds = baseline(endpoint, args.env, workdir)
        print(f"interrupt: env={args.env} profile={args.profile} transition={args.transition}s jobs={args.jobs};"
              f" baseline deploy {requests} requests, {seconds:.1f} s", flush=True)  # fmt: skip
        print(HEADER, flush=True)

        def work(endpoint, seed):
            seed_dir = Path(tmp) / f"seed-{seed}"
            (seed_dir / "outputs").mkdir(parents=True)
            faults.prepare(seed_dir, args.env, args.services)
            return run_one(endpoint, seed, kill_point(seed, requests, seconds), args.env, declaration, seed_dir)

        for row in runner.in_parallel(runner.seeds_of(args.seeds), args.jobs, endpoint_args, work):
            rows.append(row)
            print(format_row(row), flush=True)
            for problem in row.problems:
                print("      " + problem.replace("\n", "\n      "), flush=True)
    print("\nby seed:\n" + HEADER)
    for row in sorted(rows, key=lambda row: row.seed):
        print(format_row(row))
    passed = sum(row.ok for row in rows)
    killed = sum(row.killed == "killed" for row in rows)
    print(f"\n{passed}/{len(rows)} runs ok; {killed} killed mid-run; {time.monotonic() - started:.0f} s")
    return 0 if passed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
