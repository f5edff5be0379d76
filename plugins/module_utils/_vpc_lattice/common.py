# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Errors, retries and the client factory shared by every Lattice helper.

Private: modules import these names from ``plugins/module_utils/vpc_lattice.py``.
"""

import uuid

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore/boto3.

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# Lattice answers throttling with ThrottlingException (HTTP 429) and transient server
# faults with InternalServerException (HTTP 500); neither is in AWSRetry's default list.
RETRYABLE_ERROR_CODES = (
    "ThrottlingException",
    "InternalServerException",
    "ServiceUnavailableException",
)

# botocore 1.44 retries a throttled call only a few times on its own; this decorator
# retries the whole call (paginations included) ten times with jittered backoff.
# It is the only retry layer of the Lattice client: botocore makes one attempt per call
# (whatever AWS_MAX_ATTEMPTS says), so a call throttled every time is sent 1 + RETRIES
# times rather than RETRIES x botocore's attempts.
RETRIES = 10
RETRY_DELAY = 2
RETRY_MAX_DELAY = 30

NOT_FOUND = "ResourceNotFoundException"
ACCESS_DENIED = "AccessDeniedException"
CONFLICT = "ConflictException"


def jittered_retry(error_codes, retries=RETRIES, delay=RETRY_DELAY, max_delay=RETRY_MAX_DELAY):
    """The jittered-backoff decorator of one API's client, retrying also its throttling/transient ``error_codes``."""
    return AWSRetry.jittered_backoff(
        retries=retries,
        delay=delay,
        max_delay=max_delay,
        catch_extra_error_codes=list(error_codes),
    )


def lattice_retry_decorator(retries=RETRIES, delay=RETRY_DELAY, max_delay=RETRY_MAX_DELAY):
    """The retry decorator every Lattice call goes through."""
    return jittered_retry(RETRYABLE_ERROR_CODES, retries=retries, delay=delay, max_delay=max_delay)


lattice_retry = lattice_retry_decorator()

# Merged under the module's aws_config option, so a user can still choose botocore's retries.
SINGLE_ATTEMPT_CONFIG = {"retries": {"mode": "standard", "total_max_attempts": 1}}


def lattice_client(module, retry_decorator=None):
    """The one vpc-lattice client of a module; call its methods with ``aws_retry=True``."""
    return module.client("vpc-lattice", retry_decorator=retry_decorator or lattice_retry, config=SINGLE_ATTEMPT_CONFIG)


def new_client_token():
    """A fresh idempotency token: generate one per logical create and reuse it for every retry."""
    return str(uuid.uuid4())


class AnsibleLatticeError(AnsibleAWSError):
    """Raised by every helper; a module catches it once and calls ``module.fail_json_aws_error(e)``."""


class LatticeConflictError(AnsibleLatticeError):
    """A ConflictException that waiting does not resolve (something else still depends on the resource)."""


class LatticeWaitTimeout(AnsibleLatticeError):
    """A waiter ran out of time."""


class LatticeResourceFailed(AnsibleLatticeError):
    """A resource reached a ``*_FAILED`` status or disappeared while being waited for."""


def error_code(exception):
    """The AWS error code of a ClientError, else None."""
    response = getattr(exception, "response", None) or {}
    return (response.get("Error") or {}).get("Code")


def call_with_fallbacks(description, func, args, kwargs, fallbacks):
    """``func(*args, **kwargs)`` with botocore errors raised as AnsibleLatticeError, except for the error codes of
    ``fallbacks`` (code: callable or None) whose callable's result is returned instead.

    This function catches exceptions, so it must never be wrapped by a retry decorator itself:
    the retry happens inside ``func`` (a client method called with ``aws_retry=True``).
    """
    try:
        return func(*args, **kwargs)
    except ClientError as e:
        fallback = fallbacks.get(error_code(e))
        if fallback is None:
            raise AnsibleLatticeError(message=f"Failed to {description}", exception=e) from e
        return fallback()
    except BotoCoreError as e:
        raise AnsibleLatticeError(message=f"Failed to {description}", exception=e) from e


def call(description, func, *args, missing=None, denied=None, **kwargs):
    """Run one (already retrying) client call, turning botocore errors into AnsibleLatticeError.

    ``missing``: a callable whose result is returned when AWS answers ResourceNotFoundException
    (for example ``lambda: None`` for a Get, ``lambda: False`` for a Delete); without it, NotFound is
    an error like any other. ``denied``: likewise for AccessDeniedException (a resource of another account
    that this one may see but not read in full, such as the tags of a service network shared with it).
    Never wrap this in a retry decorator (see ``call_with_fallbacks``).
    """
    return call_with_fallbacks(description, func, args, kwargs, {NOT_FOUND: missing, ACCESS_DENIED: denied})


def full_pages(client, operation, params):
    """Every page of a List* operation, merged. No exception handling: each API wraps it in its retry decorator,
    so that the retry covers the whole pagination."""
    return client.get_paginator(operation).paginate(**params).build_full_result()


_paginate = lattice_retry(full_pages)


def paginate(client, operation, description, result_key="items", **params):
    """All items of a paginated List* operation (every Lattice List* but ListTagsForResource)."""
    result = call(description, _paginate, client, operation, params)
    return result.get(result_key) or []
