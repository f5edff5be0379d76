"""Fixes to moto's KMS where it is not faithful to AWS and our playbooks notice.

AWS's EnableKey, DisableKey, ScheduleKeyDeletion and CancelKeyDeletion take a key ID or a key ARN.
moto looks the value up as a raw key ID, so a key ARN (which amazon.aws.kms_key sends when it removes
or restores a key) fails with an HTML 500 (KeyError). ``install()`` resolves ARNs to IDs first; it
patches moto's backend class in place (the venv is never edited) and is idempotent.
"""

from __future__ import annotations

import functools

_INSTALLED = "_local_aws_kms_fidelity"
KEY_ID_METHODS = ("enable_key", "disable_key", "schedule_key_deletion", "cancel_key_deletion")


def install() -> None:
    from moto.kms.models import KmsBackend

    if getattr(KmsBackend, _INSTALLED, False):
        return
    setattr(KmsBackend, _INSTALLED, True)
    for name in KEY_ID_METHODS:
        setattr(KmsBackend, name, _accepting_key_arns(getattr(KmsBackend, name)))


def _accepting_key_arns(method):
    @functools.wraps(method)
    def wrapper(self, key_id, *args, **kwargs):
        return method(self, self.get_key_id(key_id), *args, **kwargs)

    return wrapper
