"""Run ``tools/local-aws`` as a separate process and talk to its control API.

The one launcher for everything that needs an endpoint of its own: the test suites, benchmarks and drills.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from local_aws.config import EndpointConfig

REPO = Path(__file__).resolve().parents[2]
DEFAULT_LAUNCHER = REPO / "tools" / "local-aws"
REGION = "us-east-1"
# What reset() restores: the endpoint's own defaults.
DEFAULT_SETTINGS = EndpointConfig().as_dict()

# Loopback only: no proxy from the environment may see this traffic.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class EndpointError(RuntimeError):
    pass


class EndpointProcess:
    """``with EndpointProcess() as endpoint:`` starts ``tools/local-aws --port 0`` and stops it after."""

    def __init__(self, *args: str, launcher: Path | str | None = None, startup_timeout: float = 90.0):
        self.args = args
        self.launcher = Path(launcher or os.environ.get("LOCAL_AWS_LAUNCHER") or DEFAULT_LAUNCHER)
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.stderr_path: Path | None = None
        self.url = ""

    def __enter__(self) -> EndpointProcess:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> EndpointProcess:
        if not self.launcher.exists():
            raise EndpointError(f"{self.launcher} does not exist: the endpoint launcher is missing")
        env = dict(os.environ, PYTHONFAULTHANDLER="1")  # a fatal error leaves a traceback on stderr
        env.pop("MOTO_IAM_LOAD_MANAGED_POLICIES", None)  # the endpoint must set up moto by itself
        fd, stderr_name = tempfile.mkstemp(prefix="local-aws-stderr-", suffix=".log")
        self.stderr_path = Path(stderr_name)
        with os.fdopen(fd, "wb") as stderr:
            self.process = subprocess.Popen(
                [str(self.launcher), "--port", "0", *self.args], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=stderr, start_new_session=True,
            )  # fmt: skip
        self.url = self._first_line()
        self._wait_until_answering()
        return self

    def _first_line(self) -> str:
        lines: queue.Queue = queue.Queue()

        def drain():
            for raw in iter(self.process.stdout.readline, b""):
                lines.put(raw.decode(errors="replace").strip())
            lines.put(None)

        threading.Thread(target=drain, daemon=True).start()
        try:
            url = lines.get(timeout=self.startup_timeout)
        except queue.Empty:
            self._fail(f"no URL on stdout within {self.startup_timeout}s")
        if url is None:
            self._fail(f"exited with code {self.process.wait()} before printing a URL")
        if not url.startswith("http://127.0.0.1:"):
            self._fail(f"first stdout line is {url!r}, expected http://127.0.0.1:PORT")
        return url

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while True:
            try:
                self.get_config()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                if self.process.poll() is not None:
                    self._fail(f"exited with code {self.process.returncode} after printing {self.url}")
                if time.monotonic() > deadline:
                    self._fail(f"printed {self.url} but does not answer: {error}")
                time.sleep(0.1)

    def _fail(self, why: str):
        tail = self.stderr_tail()
        self.stop()
        raise EndpointError(f"{self.launcher} --port 0 failed: {why}\n--- stderr ---\n{tail}")

    def stop(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)  # its own process group (start_new_session)
                process.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if self.stderr_path and not self.died_unexpectedly:
            self.stderr_path.unlink(missing_ok=True)  # keep the log of an endpoint that died under us

    @property
    def died_unexpectedly(self) -> bool:
        return self.process is not None and self.process.returncode not in (None, -signal.SIGTERM)

    def stderr_tail(self, size: int = 4000) -> str:
        if not self.stderr_path or not self.stderr_path.exists():
            return ""
        return self.stderr_path.read_text(errors="replace")[-size:]

    def death(self) -> str | None:
        """Why the process is no longer running (None while it runs): for failure messages."""
        if self.process is None or self.process.poll() is None:
            return None
        code = self.process.returncode
        how = f"killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return f"the endpoint process {self.process.pid} {how}; its stderr ({self.stderr_path}) ends with:\n" + (
            self.stderr_tail())

    # ---- control API --------------------------------------------------------------------------------------------

    def http(self, method: str, path: str, body=None) -> tuple[int, object]:
        """(status, decoded JSON or raw bytes) of a plain HTTP request to the endpoint."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with _OPENER.open(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (urllib.error.URLError, ConnectionError) as error:
            death = self.death()
            if death:
                raise EndpointError(death) from error
            raise
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw

    def _ok(self, method: str, path: str, body=None):
        status, out = self.http(method, path, body)
        if not 200 <= status < 300:
            raise EndpointError(f"{method} {path} -> {status}: {out!r}")
        return out

    def reset(self) -> None:
        """Empty every backend, restore the default settings and clear the request log."""
        self._ok("POST", "/moto-api/reset")
        self.set_config(**DEFAULT_SETTINGS)
        self.clear_requests()

    def set_config(self, **settings) -> dict:
        return self._ok("POST", "/_local/config", settings)

    def get_config(self) -> dict:
        return self._ok("GET", "/_local/config")

    def requests(self) -> list[dict]:
        return self._ok("GET", "/_local/requests")["requests"]

    def clear_requests(self) -> None:
        self._ok("DELETE", "/_local/requests")

    def aws_env(self) -> dict[str, str]:
        """Environment for a process (ansible-playbook, boto3) that must reach this endpoint and nothing else."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
