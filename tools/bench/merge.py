"""Merge the results.json of several scripts/bench runs into one table (when the tools or scenarios of one
benchmark were run as separate invocations, e.g. side by side on a busy machine).

    python -m bench.merge OUT_DIR RESULTS.json [RESULTS.json ...]

Rows of the same scenario are put together (a later file's row of the same tool and phase wins); writes
OUT_DIR/results.json, results.md and time-vs-services.png, and prints the table.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import report


def merge(documents: list[dict]) -> dict:
    results: dict[str, dict] = {}
    for document in documents:
        for result in document["results"]:
            merged = results.setdefault(
                result["scenario"], {key: value for key, value in result.items() if key != "rows"}
            )
            for key in ("resources", "realistic", "unsupported", "note"):
                if result.get(key) is not None:
                    merged[key] = result[key]
            for tool, phases in result.get("rows", {}).items():
                merged.setdefault("rows", {}).setdefault(tool, {}).update(phases)
    ordered = sorted(results.values(), key=lambda r: (r["scenario"] != "dev", r["services"], r.get("accounts", 1)))
    for result in ordered:
        result.setdefault("rows", {})
    return {
        "command": " + ".join(document["command"] for document in documents),
        "started": min(document["started"] for document in documents),
        "checkout": ", ".join(sorted({document["checkout"] for document in documents})),
        "minutes": max(document.get("minutes", 0) for document in documents),
        "load_average": max((document.get("load_average", [0, 0, 0]) for document in documents), key=lambda x: x[0]),
        "results": ordered,
        "targets": [
            {"scenario": r["scenario"], **v} for r in ordered if "unsupported" not in r for v in report.judge(r)
        ],
    }


def main(argv: list[str]) -> int:
    from bench.__main__ import DEFAULT_PLOT_PYTHON, plot_results

    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    document = merge([json.loads(Path(name).read_text()) for name in argv[1:]])
    (out / "results.json").write_text(json.dumps(document, indent=1))
    (out / "results.md").write_text(
        f"Commands: `{document['command']}` (checkout {document['checkout']}, from {document['started']}, "
        f"load average up to {document['load_average'][0]:.1f})\n\n{report.markdown_table(document['results'])}\n"
    )
    print(report.text_table(document["results"]))
    plot_results(DEFAULT_PLOT_PYTHON, out / "results.json", out / "time-vs-services.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
