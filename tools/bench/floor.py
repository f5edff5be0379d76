"""The floor: one plain boto3 process making only the calls the topology needs, its waits overlapping.

    python -m bench.floor deploy|check|teardown --plan PLAN.json --state STATE.json

PLAN.json is the mesh_plan of the environment; deploy writes the IDs it made to STATE.json (as a hand-written
script would keep them), check and teardown read them. One client per service, made once.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import boto3
import botocore.config
from botocore.exceptions import ClientError

from bench import plan as steps_of

NOT_FOUND = {"ResourceNotFoundException", "NoSuchEntity", "NoSuchEntityException", "NotFoundException"}
PHASES = {"deploy": steps_of.deploy_steps, "check": steps_of.check_steps, "teardown": steps_of.teardown_steps}


def caller(region: str):
    session = boto3.session.Session(region_name=region)
    config = botocore.config.Config(retries={"mode": "standard", "max_attempts": 10})
    clients: dict = {}

    def call(service: str, operation: str, params: dict) -> dict:
        if service not in clients:
            clients[service] = session.client(service, config=config)
        client = clients[service]
        try:
            return client._make_api_call(operation, params)  # noqa: SLF001 (the API's own operation name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in NOT_FOUND:
                raise steps_of.NotFound(operation) from error
            raise

    return call


def run(phase: str, plan_file: Path, state_file: Path, region: str, *, call=None, overlap: bool = True) -> dict:
    """Carry out one phase; the state file is written after it, even when it failed half-way."""
    plan = json.loads(plan_file.read_text())
    state = json.loads(state_file.read_text()) if phase != "deploy" and state_file.exists() else {}
    steps = PHASES[phase](plan, region) if phase == "deploy" else PHASES[phase](plan)
    try:
        steps_of.run_steps(steps, call or caller(region), state, overlap=overlap)
    finally:
        if phase == "deploy":
            state_file.write_text(json.dumps(state, indent=1, default=str))
    return state


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("phase", choices=sorted(PHASES))
    parser.add_argument("--plan", type=Path, required=True, help="mesh_plan of the environment (JSON)")
    parser.add_argument("--state", type=Path, required=True, help="IDs made by deploy (JSON)")
    parser.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    return parser.parse_args()


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    run(args.phase, args.plan, args.state, args.region)


if __name__ == "__main__":
    main()
