"""KMS behaviour where moto differs from AWS and the endpoint restores AWS's (tools/local_aws/kms_fidelity.py):
the key-state operations accept a key ARN as well as a key ID."""

from __future__ import annotations

import pytest
from clients import make_client


@pytest.fixture
def kms(endpoint_url):
    return make_client(endpoint_url, "kms")


@pytest.fixture
def key(kms) -> dict:
    return kms.create_key(Description="fidelity")["KeyMetadata"]


def _state(kms, key):
    return kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"]


@pytest.mark.parametrize("reference", ["KeyId", "Arn"])
def test_schedule_and_cancel_key_deletion_accept_id_or_arn(kms, key, reference):
    kms.schedule_key_deletion(KeyId=key[reference], PendingWindowInDays=7)
    assert _state(kms, key) == "PendingDeletion"
    kms.cancel_key_deletion(KeyId=key[reference])
    assert _state(kms, key) == "Disabled"


@pytest.mark.parametrize("reference", ["KeyId", "Arn"])
def test_disable_and_enable_key_accept_id_or_arn(kms, key, reference):
    kms.disable_key(KeyId=key[reference])
    assert _state(kms, key) == "Disabled"
    kms.enable_key(KeyId=key[reference])
    assert _state(kms, key) == "Enabled"
