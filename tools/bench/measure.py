"""Wall time and peak memory of a command's whole process tree; API calls counted at the endpoint."""

from __future__ import annotations

import os
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measured:
    returncode: int
    output: str
    seconds: float
    peak_rss: int  # bytes, the largest sum over the tree at one sample

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _children() -> dict[int, list[int]]:
    """parent pid -> child pids, from /proc/<pid>/stat."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # the command name (in parentheses) may hold spaces: the fields after its closing parenthesis
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def tree_rss(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, in bytes."""
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue  # ended between the listing and the read
    return total


def run_measured(
    command: list[str],
    *,
    env: dict,
    cwd: Path,
    timeout: float,
    sample_seconds: float = 0.05,
    output_file: Path | None = None,
) -> Measured:
    """Run ``command``, sampling the RSS of its process tree; its output goes to ``output_file`` (and is returned)."""
    output_file = output_file or Path(os.devnull)
    with open(output_file, "w+b") as out:
        start = time.monotonic()
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        peak = 0
        try:
            while process.poll() is None:
                peak = max(peak, tree_rss(process.pid))
                if time.monotonic() - start > timeout:
                    process.kill()
                    process.wait()
                    raise TimeoutError(f"{command[:3]} still running after {timeout}s")
                time.sleep(sample_seconds)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        seconds = time.monotonic() - start
        out.seek(0)
        text = out.read().decode(errors="replace") if output_file != Path(os.devnull) else ""
    return Measured(process.returncode, text, seconds, peak)


def count_calls(requests: list[dict]) -> dict:
    """The request log as {"mutating": n, "read": n, "by_operation": {"service:Operation": n}}."""
    by_operation = Counter(f"{request['service']}:{request['operation']}" for request in requests)
    mutating = sum(1 for request in requests if request["mutating"])
    return {
        "mutating": mutating,
        "read": len(requests) - mutating,
        "total": len(requests),
        "by_operation": dict(sorted(by_operation.items())),
    }
