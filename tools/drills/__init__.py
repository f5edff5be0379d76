"""Reliability drills (issue 7): faults, interruptions and the generated mesh they deploy. Run with scripts/drills."""
