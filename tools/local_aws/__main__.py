"""tools/local-aws: start the local AWS endpoint on 127.0.0.1."""

from __future__ import annotations

import argparse

from local_aws.config import CONFIG, PROFILES

FAULT_SETTINGS = {"throttle": "throttle_rate", "error": "error_rate", "lag": "lag_reads"}


def parse_faults(text: str) -> dict:
    """'throttle=0.2,error=0.05,lag=2' -> {'throttle_rate': 0.2, 'error_rate': 0.05, 'lag_reads': 2}."""
    settings = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, dummy, value = item.partition("=")
        if name not in FAULT_SETTINGS or not value:
            raise argparse.ArgumentTypeError(
                f"--faults: '{item}' is not NAME=VALUE with NAME one of {', '.join(FAULT_SETTINGS)}")
        try:
            settings[FAULT_SETTINGS[name]] = int(value) if name == "lag" else float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"--faults: {name} needs a number, not '{value}'") from None
    for name in ("throttle_rate", "error_rate"):
        if not 0 <= settings.get(name, 0) <= 1:
            raise argparse.ArgumentTypeError(f"--faults: {name.removesuffix('_rate')} is a rate between 0 and 1")
    return settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tools/local-aws", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--profile", choices=PROFILES, default="instant",
                        help="instant: async resources ACTIVE at once; realistic: they pass through *_IN_PROGRESS")
    parser.add_argument("--transition-seconds", type=float, default=CONFIG.transition_seconds,
                        help="how long a realistic transition lasts (default: %(default)s)")
    parser.add_argument("--faults", type=parse_faults, default={},
                        help="throttle=RATE,error=RATE,lag=READS (e.g. throttle=0.2,error=0.05,lag=2)")
    parser.add_argument("--seed", type=int, default=0, help="seed for fault injection (default: 0)")
    parser.add_argument("--request-log", help="also append each request as a JSON line to this file")
    parser.add_argument("--verbose", action="store_true", help="print an access line per request on stderr")
    args = parser.parse_args(argv)

    CONFIG.update({"profile": args.profile, "transition_seconds": args.transition_seconds,
                   "seed": args.seed, **args.faults})
    from local_aws.server import serve

    serve(args.port, args.request_log, args.verbose)


if __name__ == "__main__":
    main()
