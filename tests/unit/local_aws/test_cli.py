"""The --faults option of tools/local-aws."""

import argparse

import pytest

from local_aws.__main__ import parse_faults


def test_parses_every_fault_setting():
    assert parse_faults("throttle=0.2,error=0.05,lag=2") == {"throttle_rate": 0.2, "error_rate": 0.05, "lag_reads": 2}


def test_empty_means_no_faults():
    assert parse_faults("") == {}


@pytest.mark.parametrize("text", ["throttle", "slow=1", "lag=x", "throttle=1.5", "error=-0.1"])
def test_rejects_malformed_settings(text):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_faults(text)
