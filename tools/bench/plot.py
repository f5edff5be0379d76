"""Plot time against number of services for deploy and no-op (ours, floor, AWS CLI) from results.json.

    .venv-bench/bin/python tools/bench/plot.py bench/results.json bench/time-vs-services.png

Run with the benchmark's own Python (matplotlib is not among the project's pinned requirements).
"""

from __future__ import annotations

import json
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend)

STYLE = {
    "ours": ("ours (site.yml)", "tab:blue"),
    "floor": ("floor (boto3)", "tab:green"),
    "cli": ("AWS CLI tutorial", "tab:orange"),
}


def series(results: list[dict], tool: str, phase: str) -> tuple[list[int], list[float]]:
    points = sorted(
        (result["services"], result["rows"][tool][phase]["seconds"])
        for result in results
        if result.get("accounts", 1) == 1
        and tool in result.get("rows", {})
        and phase in result["rows"][tool]
        and result["rows"][tool][phase]["seconds"] is not None
    )
    return [x for x, dummy in points], [y for dummy, y in points]


def main(results_file: str, png: str) -> None:
    with open(results_file) as handle:
        document = json.load(handle)
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharex=True)
    for axis, phase, title in (
        (axes[0], "deploy", "full deploy"),
        (axes[1], "noop", "no-op re-run (peers: one read per resource)"),
    ):
        for tool, (label, colour) in STYLE.items():
            xs, ys = series(document["results"], tool, phase)
            if xs:
                axis.plot(xs, ys, marker="o", label=label, color=colour)
        axis.set_title(title)
        axis.set_xlabel("services in the mesh (dev = 1)")
        axis.set_ylabel("wall time (s, median; log scale)")
        axis.set_yscale("log")
        axis.grid(True, alpha=0.3)
        axis.legend()
    title = textwrap.fill(f"{document['command']} (checkout {document['checkout']}, {document['started']})", 150)
    figure.suptitle(title, fontsize=8)
    figure.tight_layout()
    figure.savefig(png, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
