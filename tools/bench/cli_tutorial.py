"""The AWS CLI sequence of AWS's getting-started tutorial: one ``aws`` process per call, waiting after each
asynchronous create or delete by polling its ``get-*`` until it is ACTIVE or gone, as the tutorial does.

    python -m bench.cli_tutorial deploy|check|teardown --plan PLAN.json --state STATE.json [--aws PATH]

The calls and their parameters are the floor's (``bench.plan``), passed as ``--cli-input-json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

from botocore import xform_name

from bench import floor
from bench import plan as steps_of

NOT_FOUND_MARKERS = ("(ResourceNotFoundException)", "(NoSuchEntity)", "NotFound)")


def caller(aws: str):
    def call(service: str, operation: str, params: dict) -> dict:
        command = [aws, service, xform_name(operation, "-"), "--cli-input-json", json.dumps(params), "--output", "json"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            if any(marker in result.stderr for marker in NOT_FOUND_MARKERS):
                raise steps_of.NotFound(operation)
            raise steps_of.StepFailed(f"aws {service} {xform_name(operation, '-')}: {result.stderr.strip()[-2000:]}")
        return json.loads(result.stdout) if result.stdout.strip() else {}

    return call


def main() -> None:
    args = floor.arguments(__doc__.splitlines()[0])
    aws = os.environ.get("BENCH_AWS_CLI") or shutil.which("aws")
    if not aws:
        raise SystemExit("cli_tutorial: no aws command (scripts/bench installs one into .venv-bench)")
    floor.run(args.phase, args.plan, args.state, args.region, call=caller(aws), overlap=False)


if __name__ == "__main__":
    main()
