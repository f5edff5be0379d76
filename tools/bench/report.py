"""Rows of the benchmark, the issue's targets judged on them, and the table as text, Markdown and JSON."""

from __future__ import annotations

import statistics

MIB = 2**20
TOOLS = ("ours", "floor", "cli")
PHASES = ("deploy", "noop", "teardown")
TOOL_NAMES = {"ours": "ours (site.yml)", "floor": "floor (boto3)", "cli": "AWS CLI tutorial"}
# What each tool runs as its no-op: ours runs site.yml again; the peers are not idempotent scripts, so
# theirs is one read of every resource they made (what a hand-written "is it all there" check does).
NOOP_NAMES = {"ours": "site.yml again", "floor": "read each resource", "cli": "read each resource"}

# The targets (instant profile unless said).
NOOP_READS_PER_RESOURCE = 2
DEPLOY_CALLS_VS_FLOOR = 1.3
LARGE_MESH_SERVICES = 100
LARGE_NOOP_SECONDS = 60
REALISTIC_VS_CRITICAL_PATH = 1.5


def summarise(runs: list[dict]) -> dict:
    """One row from the runs of a tool and phase: median wall time, worst peak memory, the last run's calls."""
    ok = [run for run in runs if run["ok"]]
    return {
        "ok": len(ok) == len(runs) and bool(runs),
        "runs": len(runs),
        "seconds": statistics.median(run["seconds"] for run in ok) if ok else None,
        "all_seconds": [round(run["seconds"], 2) for run in runs],
        "peak_rss_mib": round(max(run["peak_rss"] for run in runs) / MIB, 1) if runs else None,
        "calls": (ok or runs)[-1]["calls"] if runs else None,
        "recap": (ok or runs)[-1].get("recap") if runs else None,
        "failure": next((run.get("failure") for run in runs if not run["ok"]), None),
    }


def judge(result: dict) -> list[dict]:
    """The targets of one scenario's result: [{"target", "tool", "phase", "value", "limit", "met"}]."""
    rows, verdicts = result["rows"], []
    ours = rows.get("ours", {})
    floor = rows.get("floor", {})

    def add(target: str, phase: str, value, limit, met: bool | None) -> None:
        verdicts.append({"target": target, "tool": "ours", "phase": phase, "value": value, "limit": limit, "met": met})

    noop = ours.get("noop")
    if noop and noop["calls"]:
        add(
            "no-op: zero mutating calls",
            "noop",
            noop["calls"]["mutating"],
            0,
            noop["ok"] and noop["calls"]["mutating"] == 0,
        )
        per_resource = noop["calls"]["read"] / result["resources"]
        add(
            f"no-op: at most {NOOP_READS_PER_RESOURCE} read calls per resource",
            "noop",
            round(per_resource, 2),
            NOOP_READS_PER_RESOURCE,
            noop["ok"] and per_resource <= NOOP_READS_PER_RESOURCE,
        )
    deploy = ours.get("deploy")
    floor_deploy = floor.get("deploy")
    if deploy and deploy["calls"] and floor_deploy and floor_deploy["calls"] and floor_deploy["ok"]:
        ratio = deploy["calls"]["total"] / floor_deploy["calls"]["total"]
        add(
            f"deploy: at most {DEPLOY_CALLS_VS_FLOOR} x the floor's API calls",
            "deploy",
            round(ratio, 2),
            DEPLOY_CALLS_VS_FLOOR,
            deploy["ok"] and ratio <= DEPLOY_CALLS_VS_FLOOR,
        )
    if result["services"] >= LARGE_MESH_SERVICES:
        cli_deploy = rows.get("cli", {}).get("deploy")
        if deploy and cli_deploy and cli_deploy["ok"]:
            add(
                "deploy faster than the AWS CLI sequence",
                "deploy",
                deploy["seconds"],
                cli_deploy["seconds"],
                deploy["ok"] and deploy["seconds"] < cli_deploy["seconds"],
            )
        if noop:
            add(
                f"no-op under {LARGE_NOOP_SECONDS} s",
                "noop",
                noop["seconds"],
                LARGE_NOOP_SECONDS,
                noop["ok"] and noop["seconds"] is not None and noop["seconds"] < LARGE_NOOP_SECONDS,
            )
    realistic = result.get("realistic")
    if realistic and realistic.get("ours"):
        ours_realistic = realistic["ours"]
        ratio = ours_realistic["seconds"] / realistic["critical_path_seconds"] if ours_realistic["ok"] else None
        add(
            f"realistic: deploy within {REALISTIC_VS_CRITICAL_PATH} x its critical path",
            "deploy (realistic)",
            None if ratio is None else round(ratio, 1),
            REALISTIC_VS_CRITICAL_PATH,
            ratio is not None and ratio <= REALISTIC_VS_CRITICAL_PATH,
        )
    return verdicts


def _seconds(row: dict | None) -> str:
    if not row:
        return "-"
    if not row["ok"]:
        return "FAILED"
    return f"{row['seconds']:.1f}"


def table_rows(results: list[dict]) -> list[list[str]]:
    header = [
        "scenario",
        "tool",
        "phase",
        "seconds (median)",
        "runs",
        "peak MiB",
        "mutating",
        "read",
        "read/resource",
        "targets",
    ]
    lines = [header]
    for result in results:
        if result.get("unsupported"):
            lines.append(
                [result["scenario"], "-", "-", "not yet supported: " + result["unsupported"], "", "", "", "", "", ""]
            )
            continue
        verdicts = judge(result)
        if result.get("note"):
            lines.append([result["scenario"], "-", "-", result["note"], "", "", "", "", "", ""])
        for tool in TOOLS:
            for phase in PHASES:
                row = result["rows"].get(tool, {}).get(phase)
                if row is None:
                    continue
                calls = row["calls"] or {}
                marks = [
                    ("met" if v["met"] else "MISSED") + f": {v['target']} ({v['value']} vs {v['limit']})"
                    for v in verdicts
                    if v["tool"] == tool and v["phase"] == phase
                ]
                label = phase if tool == "ours" or phase != "noop" else f"noop ({NOOP_NAMES[tool]})"
                lines.append(
                    [
                        f"{result['scenario']} ({result['resources']} resources)",
                        TOOL_NAMES[tool],
                        label,
                        _seconds(row),
                        str(row["runs"]),
                        f"{row['peak_rss_mib']:.0f}",
                        str(calls.get("mutating", "-")),
                        str(calls.get("read", "-")),
                        f"{calls['read'] / result['resources']:.2f}" if calls else "-",
                        "; ".join(marks),
                    ]
                )
        realistic = result.get("realistic")
        if realistic:
            marks = [
                ("met" if v["met"] else "MISSED") + f": {v['target']} ({v['value']} x)"
                for v in verdicts
                if v["phase"] == "deploy (realistic)"
            ]
            for tool in ("ours", "floor"):
                row = realistic.get(tool)
                if row:
                    lines.append(
                        [
                            f"{result['scenario']} realistic ({realistic['transition_seconds']} s transitions)",
                            TOOL_NAMES[tool],
                            f"deploy (critical path {realistic['critical_path_seconds']:.1f} s)",
                            _seconds(row),
                            "1",
                            f"{row['peak_rss_mib']:.0f}",
                            str(row["calls"]["mutating"]),
                            str(row["calls"]["read"]),
                            "",
                            "; ".join(marks) if tool == "ours" else "",
                        ]
                    )
    return lines


def text_table(results: list[dict]) -> str:
    lines = table_rows(results)
    widths = [max(len(line[i]) for line in lines if len(line) > i) for i in range(len(lines[0]) - 1)]
    out = []
    for line in lines:
        cells = [cell.ljust(widths[i]) if i < len(widths) else cell for i, cell in enumerate(line)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def markdown_table(results: list[dict]) -> str:
    lines = table_rows(results)
    out = ["| " + " | ".join(lines[0]) + " |", "|" + " --- |" * len(lines[0])]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in lines[1:]]
    return "\n".join(out)
