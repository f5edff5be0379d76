"""Fixtures for the tests of the collection as users run it (build, install, site.yml)."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 90

# Loopback only: no proxy from the environment may see this traffic.
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """URL of a fresh local AWS endpoint (tools/local-aws --port 0) for one test module."""
    log_dir = tmp_path_factory.mktemp("endpoint")
    stderr = (log_dir / "stderr").open("w")
    proc = subprocess.Popen(
        [str(REPO / "tools" / "local-aws"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), f"unexpected first line from tools/local-aws: {url!r}"
        while True:
            try:
                with _NO_PROXY.open(url + "/_local/config", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        stderr.close()
