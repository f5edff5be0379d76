"""Where our deploy and no-op spend their time, for docs/benchmarks.md.

    python -m bench.profile --scenario 10 [--out bench/profile] [--py-spy .venv-bench/bin/py-spy]

Deploys the scenario, then re-runs it (the no-op) and tears it down, against an endpoint of its own, with
ansible.posix.profile_tasks (seconds per task) and, when py-spy is there, ``py-spy record --subprocesses``
(samples of every process: the controller and each module's own Python). Writes profile.json and prints:
the slowest tasks, time per role with its number of task results, the share of samples in each
cost (module start-up, client creation, model loading, HTTP calls, waiting, templating) and the API calls
per operation and resource.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from drills import runner

from bench import measure, plan, scenarios
from local_aws.process import EndpointProcess

REPO = Path(__file__).resolve().parents[2]
TASK_LINE = re.compile(r"^(?P<task>.+?) -{3,} (?P<seconds>\d+\.\d+)s$")
TASK_HEADER = re.compile(r"^TASK \[(?P<task>.+)\] \*+$")
RESULT_LINE = re.compile(r"^(ok|changed|skipping|failed|fatal): \[")

# A sample counts for each cost one of its frames ('function (path:line)', py-spy --full-filenames) matches;
# a sample may count for several. py-spy samples running code only: sleeping (waits) is not in these shares.
COSTS = {
    "imports (module and controller start-up)": r"_find_and_load \(",
    "boto3/botocore client creation": r"create_client \([^)]*botocore/session\.py",
    "botocore service model loading (JSON)": r"\([^)]*botocore/loaders\.py",
    "HTTP calls to the endpoint": r"_make_api_call \([^)]*botocore/client\.py",
    "templating (Jinja2)": r"\([^)]*(ansible/template/|jinja2/)",
    "controller: strategy, task queue, forks": r"\([^)]*ansible/(plugins/strategy|executor)/",
}


def task_times(output: str) -> list[tuple[str, float]]:
    """profile_tasks' closing list: [(task, seconds)], slowest first."""
    found = [(m["task"].strip(), float(m["seconds"])) for m in map(TASK_LINE.match, output.splitlines()) if m]
    return sorted(found, key=lambda item: -item[1])


def results_per_task(output: str) -> Counter:
    """How many results (one per loop item, skipped included) each task printed: module runs, roughly."""
    counts: Counter = Counter()
    task = None
    for line in output.splitlines():
        header = TASK_HEADER.match(line)
        if header:
            task = header["task"]
        elif task and RESULT_LINE.match(line):
            counts[task] += 1
    return counts


def by_role(times: list[tuple[str, float]], counts: Counter) -> list[dict]:
    """Seconds, tasks and task results per role ('<role> : <task>'; the playbooks' own tasks together)."""
    totals: dict[str, dict] = defaultdict(lambda: {"seconds": 0.0, "tasks": 0, "results": 0})
    for task, seconds in times:
        role = task.split(" : ", 1)[0] if " : " in task else "site.yml / teardown.yml tasks"
        totals[role]["seconds"] = round(totals[role]["seconds"] + seconds, 2)
        totals[role]["tasks"] += 1
        totals[role]["results"] += counts.get(task, 0)
    return sorted(({"role": k, **v} for k, v in totals.items()), key=lambda row: -row["seconds"])


def sample_costs(raw: str) -> dict:
    """Share of py-spy samples (``--format raw``: 'frame;frame;... count' lines) in each cost, over all
    processes and within each kind of process (the controller, the modules' own Pythons)."""
    total, costs, processes = 0, Counter(), Counter()
    within: dict[str, Counter] = defaultdict(Counter)
    for line in raw.splitlines():
        stack, dummy, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        # py-spy names a module's process after the controller it forked from: its frames tell them apart
        kind = "module processes (AnsiballZ)" if "AnsiballZ_" in stack else "controller (ansible-playbook)"
        processes[kind] += samples
        for cost, pattern in COSTS.items():
            if re.search(pattern, stack):
                costs[cost] += samples
                within[kind][cost] += samples

    def percent(counter: Counter, of: int) -> dict:
        return {name: round(100 * n / of, 1) for name, n in counter.most_common()} if of else {}

    return {
        "samples": total,
        "percent": percent(costs, total),
        "processes_percent": percent(processes, total),
        "within_process_percent": {kind: percent(within[kind], processes[kind]) for kind in processes},
    }


def task_overhead(endpoint, work: Path, tasks: int = 10) -> dict:
    """Seconds one more module task costs: a play of 1 and of 1 + ``tasks`` service_network_info tasks (one
    ListServiceNetworks each), against the same reads made by one boto3 client in one process."""
    env = runner.playbook_env(endpoint)
    timings = {}
    for count in (1, 1 + tasks):
        playbook = work / f"overhead-{count}.yml"
        play = [
            {
                "hosts": "localhost",
                "connection": "local",
                "gather_facts": False,
                "tasks": [{"name": f"read {i}", "lattice.mesh.service_network_info": {}} for i in range(count)],
            }
        ]
        playbook.write_text(json.dumps(play))
        command = [str(runner.BIN / "ansible-playbook"), str(playbook)]
        timings[count] = measure.run_measured(command, env=env, cwd=REPO, timeout=600).seconds
    script = (
        "import boto3, time; start = time.monotonic(); client = boto3.client('vpc-lattice'); "
        f"[client.list_service_networks() for i in range({tasks})]; print(time.monotonic() - start)"
    )
    boto3_seconds = float(
        subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
    )
    return {
        "tasks": tasks,
        "seconds_per_task": round((timings[1 + tasks] - timings[1]) / tasks, 2),
        "playbook_of_one_task_seconds": round(timings[1], 2),
        "boto3_seconds_per_call_with_client": round(boto3_seconds / tasks, 3),
    }


def run_profiled(endpoint, playbook: str, scenario, work: Path, out: Path, tag: str, py_spy: str | None) -> dict:
    env = runner.playbook_env(endpoint)
    env.update(
        ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks",
        PROFILE_TASKS_TASK_OUTPUT_LIMIT="all",
        PROFILE_TASKS_SORT_ORDER="descending",
    )
    command = runner.playbook_command(playbook, scenario.env, work, work / "outputs")
    raw = out / f"{tag}.pyspy.txt"
    if py_spy:
        command = [
            py_spy,
            "record",
            "--subprocesses",
            "--nonblocking",
            "--full-filenames",
            "--rate",
            "50",
            "--format",
            "raw",
            "--output",
            str(raw),
            "--",
            *command,
        ]
    endpoint.clear_requests()
    measured = measure.run_measured(command, env=env, cwd=REPO, timeout=3600, output_file=out / f"{tag}.log")
    times = task_times(measured.output)
    counts = results_per_task(measured.output)
    return {
        "ok": measured.ok,
        "seconds": round(measured.seconds, 1),
        "tasks": len(times),
        "results": sum(counts.values()),
        "slowest_tasks": [{"task": t, "seconds": s, "results": counts.get(t, 0)} for t, s in times[:15]],
        "by_role": by_role(times, counts),
        "calls": measure.count_calls(endpoint.requests()),
        "samples": sample_costs(raw.read_text()) if py_spy and raw.exists() else None,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="10")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "profile")
    parser.add_argument("--py-spy", default=str(REPO / ".venv-bench" / "bin" / "py-spy"))
    args = parser.parse_args(argv)
    scenario = scenarios.parse(args.scenario)[0]
    work = args.out / "work"
    work.mkdir(parents=True, exist_ok=True)
    declaration = scenarios.write(scenario, work)
    resources = plan.resource_count(scenarios.mesh_plan(declaration))
    py_spy = args.py_spy if Path(args.py_spy).exists() else None
    report = {"scenario": scenario.name, "resources": resources}
    with EndpointProcess() as endpoint:
        report["task_overhead"] = task_overhead(endpoint, work)
        report["deploy"] = run_profiled(endpoint, "site.yml", scenario, work, args.out, "deploy", None)
        report["noop"] = run_profiled(endpoint, "site.yml", scenario, work, args.out, "noop", py_spy)
        report["teardown"] = run_profiled(
            endpoint, "playbooks/teardown.yml", scenario, work, args.out, "teardown", None
        )
    (args.out / "profile.json").write_text(json.dumps(report, indent=1))
    for phase in ("deploy", "noop", "teardown"):
        data = report[phase]
        print(
            f"\n== {scenario.name} {phase}: {'ok' if data['ok'] else 'FAILED'} {data['seconds']} s, "
            f"{data['tasks']} tasks, "
            f"{data['results']} task results, {data['calls']['mutating']} mutating + {data['calls']['read']} read "
            f"calls ({data['calls']['read'] / resources:.2f} reads per resource)"
        )
        for row in data["by_role"][:8]:
            print(f"   {row['seconds']:7.1f} s  {row['tasks']:3d} tasks {row['results']:4d} results  {row['role']}")
        if data["samples"]:
            print(f"   py-spy ({data['samples']['samples']} samples): {data['samples']['processes_percent']}")
            for kind, shares in data["samples"]["within_process_percent"].items():
                print(f"   within {kind}:")
                for cost, percent in shares.items():
                    print(f"   {percent:5.1f} %  {cost}")
        top = Counter(data["calls"]["by_operation"]).most_common(8)
        print("   top operations: " + ", ".join(f"{op} {n}" for op, n in top))
    overhead = report["task_overhead"]
    print(
        f"\none more module task: {overhead['seconds_per_task']} s (a playbook of one task: "
        f"{overhead['playbook_of_one_task_seconds']} s); the same read from one boto3 process: "
        f"{overhead['boto3_seconds_per_call_with_client']} s per call"
    )
    print(f"\n{args.out / 'profile.json'}")
    return 0 if all(report[p]["ok"] for p in ("deploy", "noop", "teardown")) else 1


if __name__ == "__main__":
    sys.exit(main())
