"""Runtime settings of the local endpoint, shared by the middleware and the backends.

One process serves one endpoint, so a module-level object is the single source of
truth; the control API (``POST /_local/config``) changes it while the server runs.
"""

from __future__ import annotations

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
