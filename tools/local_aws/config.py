"""Runtime settings of the local endpoint, shared by the middleware and the backends.

One process serves one endpoint, so a module-level object is the single source of
truth; the control API (``POST /_local/config``) changes it while the server runs.
"""

from __future__ import annotations

import fnmatch
from dataclasses import asdict, dataclass, fields

PROFILES = ("instant", "realistic")


@dataclass
class EndpointConfig:
    # instant: every async resource is ACTIVE at once; realistic: resources pass
    # through *_IN_PROGRESS for transition_seconds and targets go INITIAL -> HEALTHY.
    profile: str = "instant"
    transition_seconds: float = 2.0
    # Fault injection, deterministic for a given seed and request sequence.
    throttle_rate: float = 0.0
    error_rate: float = 0.0
    # Read-after-create lag: the first lag_reads Get* calls on a new resource get NotFound.
    lag_reads: int = 0
    seed: int = 0
    # Comma-separated fnmatch patterns: an async resource whose failure subject (the name of a service or
    # target group, the service name of a service association, the VPC ID of a VPC association) matches
    # one of them ends its creation in CREATE_FAILED, with a failureCode and failureMessage.
    fail_creates: str = ""

    def update(self, values: dict) -> None:
        known = {f.name for f in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown setting(s) {sorted(unknown)}; known: {sorted(known)}")
        for name, value in values.items():
            setattr(self, name, type(getattr(self, name))(value))
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}, not {self.profile!r}")

    def as_dict(self) -> dict:
        return asdict(self)


CONFIG = EndpointConfig()


def transition_delay() -> float:
    """Seconds an async resource spends in a *_IN_PROGRESS state under the current profile."""
    return CONFIG.transition_seconds if CONFIG.profile == "realistic" else 0.0


def create_fails(subject: str | None) -> bool:
    """Whether a resource created now with this failure subject is to end in CREATE_FAILED."""
    patterns = [pattern.strip() for pattern in CONFIG.fail_creates.split(",") if pattern.strip()]
    return bool(subject) and any(fnmatch.fnmatchcase(subject, pattern) for pattern in patterns)
