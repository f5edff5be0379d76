"""scripts/bench: deploy, no-op and teardown of each scenario by ours, the floor and the AWS CLI sequence,
against one local endpoint, then the table (terminal, JSON, Markdown) and the plot."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from drills import runner

from bench import critical_path, measure, plan, report, scenarios
from local_aws.process import EndpointProcess

REPO = Path(__file__).resolve().parents[2]
TOOLS_DIR = REPO / "tools"
DEFAULT_OUT = REPO / "bench"
DEFAULT_PLOT_PYTHON = REPO / ".venv-bench" / "bin" / "python"
SMALL_SERVICES = 10  # dev and up to this many services get --runs runs; larger ones --large-runs


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument(
        "--scenarios",
        default="dev,10",
        help="dev, N services, NxA (services over accounts): "
        "comma-separated (default dev,10; the issue's full set is dev,10,50,100,100x5)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of dev and meshes of up to 10 services (median)")
    parser.add_argument("--large-runs", type=int, default=1, help="runs of larger meshes")
    parser.add_argument(
        "--cli-runs",
        type=int,
        default=1,
        help="at most this many runs of the AWS CLI sequence "
        "(one aws process per call: seconds per call on a loaded machine)",
    )
    parser.add_argument("--tools", default=",".join(report.TOOLS), help="ours,floor,cli")
    parser.add_argument(
        "--realistic",
        default="10",
        help="scenario whose deploy is timed under the realistic "
        "profile against its critical path ('' for none; it must be among --scenarios)",
    )
    parser.add_argument("--transition-seconds", type=float, default=2.0, help="realistic profile's transitions")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory for the results (default bench/)")
    parser.add_argument("--aws", default=os.environ.get("BENCH_AWS_CLI") or str(REPO / ".venv-bench" / "bin" / "aws"))
    parser.add_argument(
        "--plot-python",
        default=str(REPO / ".venv-bench" / "bin" / "python"),
        help="a Python with matplotlib, for the PNG",
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed to one run of one phase")
    args = parser.parse_args(argv)
    args.scenarios = scenarios.parse(args.scenarios)
    args.tools = [tool.strip() for tool in args.tools.split(",") if tool.strip()]
    unknown = set(args.tools) - set(report.TOOLS)
    if unknown:
        parser.error(f"--tools: unknown {sorted(unknown)}; choose from {', '.join(report.TOOLS)}")
    if args.realistic and args.realistic not in {scenario.name for scenario in args.scenarios}:
        parser.error(f"--realistic {args.realistic}: not among --scenarios")
    return args


class Bench:
    def __init__(self, args: argparse.Namespace, endpoint: EndpointProcess, save):
        self.args = args
        self.endpoint = endpoint
        self.save = save  # writes the results measured so far
        self.work = args.out / "work"
        self.logs = args.out / "logs"
        for directory in (self.work, self.logs):
            directory.mkdir(parents=True, exist_ok=True)

    def env(self, tool: str) -> dict[str, str]:
        env = runner.playbook_env(self.endpoint)
        # The peers import the harness (tools/) and the collection's field names (.collections/, scripts/setup).
        paths = [TOOLS_DIR] if tool == "ours" else [TOOLS_DIR, REPO / ".collections"]
        env.update(PYTHONPATH=os.pathsep.join(map(str, paths)), BENCH_AWS_CLI=self.args.aws)
        return env

    def command(self, tool: str, phase: str, scenario: scenarios.Scenario) -> list[str]:
        if tool == "ours":
            playbook = "playbooks/teardown.yml" if phase == "teardown" else "site.yml"
            return runner.playbook_command(playbook, scenario.env, self.work, self.work / "outputs")
        peer_phase = "check" if phase == "noop" else phase
        module = "bench.floor" if tool == "floor" else "bench.cli_tutorial"
        return [
            sys.executable,
            "-m",
            module,
            peer_phase,
            "--plan",
            str(self.plan_file(scenario)),
            "--state",
            str(self.work / f"{scenario.env}-{tool}-state.json"),
        ]

    def plan_file(self, scenario: scenarios.Scenario) -> Path:
        return self.work / f"{scenario.env}-plan.json"

    def measure(self, tool: str, phase: str, scenario: scenarios.Scenario, tag: str) -> dict:
        self.endpoint.clear_requests()
        log = self.logs / f"{scenario.name}-{tool}-{phase}-{tag}.log"
        command = self.command(tool, phase, scenario)
        measured = measure.run_measured(
            command, env=self.env(tool), cwd=REPO, timeout=self.args.timeout, output_file=log
        )
        calls = measure.count_calls(self.endpoint.requests())
        run = {"ok": measured.ok, "seconds": measured.seconds, "peak_rss": measured.peak_rss, "calls": calls}
        if tool == "ours":  # the PLAY RECAP's counts: a no-op must report changed=0
            run["recap"] = runner.Run(measured.returncode, measured.output, measured.seconds).recap()
        if not measured.ok:
            run["failure"] = f"exit {measured.returncode}; output in {log}"
        print(
            f"  {scenario.name:>6} {tool:<5} {phase:<8} {tag:<9} {'ok' if measured.ok else 'FAILED':<6} "
            f"{measured.seconds:7.1f} s {measured.peak_rss / report.MIB:6.0f} MiB  "
            f"{calls['mutating']:4d} mutating {calls['read']:5d} read",
            flush=True,
        )
        return run

    def scenario(self, scenario: scenarios.Scenario, result: dict) -> dict:
        """Measure the scenario into ``result`` (already in the document: each phase is saved as it ends)."""
        result.update(scenario=scenario.name, services=scenario.services, accounts=scenario.accounts)
        if scenario.accounts > 1:
            problems = scenarios.multi_account_problems(scenario)
            if problems:
                result["unsupported"] = problems[0]
                print(f"  {scenario.name:>6} not yet supported: {problems[0]}", flush=True)
                return result
        declaration = scenarios.write(scenario, self.work)
        mesh_plan = scenarios.mesh_plan(declaration, scenario)
        self.plan_file(scenario).write_text(json.dumps(mesh_plan))
        result["resources"] = plan.resource_count(mesh_plan)
        runs = self.args.runs if scenario.name == "dev" or scenario.services <= SMALL_SERVICES else self.args.large_runs
        result["rows"] = {}
        tools = self.args.tools
        if scenario.accounts > 1:
            tools = [tool for tool in tools if tool == "ours"]
            result["note"] = "the floor and the AWS CLI sequence build in one account only (no RAM sharing yet)"
        for tool in tools:
            measured = {phase: [] for phase in report.PHASES}
            for number in range(min(runs, self.args.cli_runs) if tool == "cli" else runs):
                self.endpoint.reset()
                for phase in report.PHASES:
                    measured[phase].append(self.measure(tool, phase, scenario, f"run{number + 1}"))
                    result["rows"][tool] = {phase: report.summarise(rows) for phase, rows in measured.items() if rows}
                    self.save()
                    if not measured[phase][-1]["ok"]:
                        break
        if self.args.realistic == scenario.name:
            result["realistic"] = self.realistic(scenario, mesh_plan)
        return result

    def realistic(self, scenario: scenarios.Scenario, mesh_plan: dict) -> dict:
        transition = self.args.transition_seconds
        seconds, chain = critical_path.critical_path(mesh_plan, transition)
        out = {
            "transition_seconds": transition,
            "critical_path_seconds": seconds,
            "critical_path": chain,
            "teardown_critical_path_seconds": critical_path.critical_path(mesh_plan, transition, "teardown")[0],
        }
        for tool in ("ours", "floor"):
            if tool not in self.args.tools:
                continue
            self.endpoint.reset()
            self.endpoint.set_config(profile="realistic", transition_seconds=transition)
            out[tool] = report.summarise([self.measure(tool, "deploy", scenario, "realistic")])
        self.endpoint.reset()  # the next tool or scenario starts from an empty endpoint with the default settings
        return out


def shown_arguments(argv: list[str]) -> list[str]:
    """The arguments as a person gave them: without the tool paths scripts/bench adds."""
    shown, skip = [], False
    for argument in argv:
        if skip:
            skip = False
        elif argument in ("--aws", "--plot-python"):
            skip = True
        elif not argument.startswith(("--aws=", "--plot-python=")):
            shown.append(repr(argument) if argument == "" else argument)
    return shown


def commit_of_checkout() -> str:
    result = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or "unknown"


def main(argv=None) -> int:
    args = arguments(argv)
    # SIGTERM unwinds like Ctrl-C: the running command and the endpoint are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    args.out.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    document = {
        "command": "scripts/bench " + " ".join(shown_arguments(sys.argv[1:] if argv is None else argv)),
        "started": started.isoformat(timespec="seconds"),
        "checkout": commit_of_checkout(),
        "results": [],
    }
    with EndpointProcess() as endpoint:
        # what is measured so far survives an interruption
        bench = Bench(args, endpoint, lambda: write_results(args.out, document, started))
        for scenario in args.scenarios:
            print(f"scenario {scenario.name}", flush=True)
            document["results"].append({})
            bench.scenario(scenario, document["results"][-1])
            bench.save()
    print()
    print(report.text_table(document["results"]))
    plot = plot_results(args.plot_python, args.out / "results.json", args.out / "time-vs-services.png")
    print(f"\nresults: {args.out / 'results.json'}, {args.out / 'results.md'}" + (f", {plot}" if plot else ""))
    rows = [row for r in document["results"] if "rows" in r for phases in r["rows"].values() for row in phases.values()]
    return 0 if all(row["ok"] for row in rows) else 1


def write_results(out: Path, document: dict, started: datetime.datetime) -> None:
    results = document["results"]
    document.update(
        minutes=round((time.time() - started.timestamp()) / 60, 1),
        load_average=os.getloadavg(),
        targets=[{"scenario": r["scenario"], **v} for r in results if "rows" in r for v in report.judge(r)],
    )
    (out / "results.json").write_text(json.dumps(document, indent=1))
    (out / "results.md").write_text(
        f"Command: `{document['command']}` (checkout {document['checkout']}, {document['started']}, "
        f"{document['minutes']} min, load average {', '.join(f'{x:.1f}' for x in document['load_average'])})\n\n"
        f"{report.markdown_table(results)}\n"
    )


def plot_results(plot_python, results_file: Path, png: Path) -> Path | None:
    if not Path(plot_python).exists():
        print(f"no plot: {plot_python} is missing (scripts/bench installs matplotlib into .venv-bench)")
        return None
    result = subprocess.run(
        [str(plot_python), str(Path(__file__).with_name("plot.py")), str(results_file), str(png)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(f"no plot: {result.stderr.strip()[-1000:]}")
        return None
    return png


if __name__ == "__main__":
    sys.exit(main())
