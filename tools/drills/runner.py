"""Run site.yml and playbooks/teardown.yml from the checkout against a local endpoint, with an env directory."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def playbook_env(endpoint) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_"))}
    env.update(endpoint.aws_env())
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")  # fmt: skip
    return env


def playbook_command(playbook: str, env_name: str, inventories: Path, outputs: Path, *extra: str) -> list[str]:
    return [str(BIN / "ansible-playbook"), playbook, "-e", f"env={env_name}",
            "-e", f"lattice_inventories_dir={inventories}", "-e", f"lattice_outputs_dir={outputs}", *extra]  # fmt: skip


@dataclass
class Run:
    returncode: int
    stdout: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def recap(self) -> dict[str, int]:
        """The PLAY RECAP counts, summed over hosts."""
        totals: dict[str, int] = {}
        for line in self.stdout.splitlines():
            if re.match(r"^\S+\s+: ok=", line):
                for key, value in re.findall(r"(\w+)=(\d+)", line):
                    totals[key] = totals.get(key, 0) + int(value)
        return totals

    def failure(self, size: int = 6000) -> str:
        """The failed tasks of the output (or its tail)."""
        lines = self.stdout.splitlines()
        picked = [i for i, line in enumerate(lines) if line.startswith(("fatal:", "failed:"))]
        if not picked:
            return self.stdout[-size:]
        return "\n".join("\n".join(lines[max(0, i - 2): i + 25]) for i in picked)[-size:]


def run_playbook(endpoint, playbook: str, env_name: str, inventories: Path, outputs: Path, *extra: str,
                 timeout: float = 1800) -> Run:  # fmt: skip
    """Run a playbook; one still running after ``timeout`` seconds is killed and counts as failed (rc 124), so
    that a drill reports it as one failed run and goes on with the others."""
    start = time.monotonic()
    try:
        result = subprocess.run(playbook_command(playbook, env_name, inventories, outputs, *extra), cwd=REPO,
                                env=playbook_env(endpoint), capture_output=True, text=True, timeout=timeout,
                                check=False)  # fmt: skip
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode(errors="replace") if isinstance(expired.stdout, bytes) else expired.stdout
        return Run(124, f"{output or ''}\n{playbook} timed out after {timeout:.0f} s", time.monotonic() - start)
    return Run(result.returncode, result.stdout + result.stderr, time.monotonic() - start)


def site(endpoint, env_name, inventories, outputs, *extra, **kwargs) -> Run:
    return run_playbook(endpoint, "site.yml", env_name, inventories, outputs, *extra, **kwargs)


def teardown(endpoint, env_name, inventories, outputs, *extra, **kwargs) -> Run:
    return run_playbook(endpoint, "playbooks/teardown.yml", env_name, inventories, outputs, *extra, **kwargs)


def site_killed_at(endpoint, env_name, inventories, outputs, *, after_requests: int | None = None,
                   after_seconds: float | None = None, timeout: float = 1800) -> tuple[str, int, float]:
    """Start site.yml and SIGKILL its whole process group once the endpoint has logged ``after_requests``
    requests (counted from now) or ``after_seconds`` have passed. Returns (how it ended, requests at the
    kill, seconds): how is "killed" or "finished" (the run ended before the point was reached)."""
    endpoint.clear_requests()
    start = time.monotonic()
    process = subprocess.Popen(playbook_command("site.yml", env_name, inventories, outputs), cwd=REPO,
                               env=playbook_env(endpoint), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # fmt: skip
    try:
        while process.poll() is None:
            elapsed = time.monotonic() - start
            count = len(endpoint.requests()) if after_requests is not None else 0
            if (after_requests is not None and count >= after_requests) or (
                    after_seconds is not None and elapsed >= after_seconds):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return "killed", len(endpoint.requests()), elapsed
            if elapsed > timeout:
                raise TimeoutError(f"site.yml still running after {timeout}s")
            time.sleep(0.05)
        return "finished", len(endpoint.requests()), time.monotonic() - start
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def seeds_of(text: str) -> list[int]:
    """'1-3,7' -> [1, 2, 3, 7]: the seeds a drill's --seeds option names."""
    seeds = []
    for part in text.split(","):
        low, dummy, high = part.partition("-")
        seeds.extend(range(int(low), int(high or low) + 1))
    return seeds


def in_parallel(tasks: list, jobs: int, endpoint_args: tuple[str, ...], work):
    """Run ``work(endpoint, task)`` for every task on ``jobs`` threads, each thread with an endpoint of its own
    (port 0) so that runs never share state; yield the results as they complete. The runs are playbooks that
    mostly sleep in retry back-off, so threads are enough."""
    from local_aws.process import EndpointProcess

    pending: queue.Queue = queue.Queue()
    for task in tasks:
        pending.put(task)
    results: queue.Queue = queue.Queue()

    def worker():
        try:
            with EndpointProcess(*endpoint_args) as endpoint:
                while True:
                    try:
                        task = pending.get_nowait()
                    except queue.Empty:
                        return
                    results.put(("result", work(endpoint, task)))
        except BaseException as error:  # handed to the caller, which re-raises it
            results.put(("error", error))
        finally:
            results.put(("done", None))

    threads = [threading.Thread(target=worker, daemon=True) for dummy in range(max(1, min(jobs, len(tasks))))]
    for thread in threads:
        thread.start()
    running = len(threads)
    while running:
        kind, value = results.get()
        if kind == "done":
            running -= 1
        elif kind == "error":
            raise value
        else:
            yield value
