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

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
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


def lattice_retry_decorator(retries=RETRIES, delay=RETRY_DELAY, max_delay=RETRY_MAX_DELAY):
    """The retry decorator every Lattice call goes through."""
    return AWSRetry.jittered_backoff(
        retries=retries,
        delay=delay,
        max_delay=max_delay,
        catch_extra_error_codes=list(RETRYABLE_ERROR_CODES),
    )


lattice_retry = lattice_retry_decorator()

# Merged under the module's aws_config option, so a user can still choose botocore's retries.
SINGLE_ATTEMPT_CONFIG = {"retries": {"mode": "standard", "total_max_attempts": 1}}


def lattice_client(module, retry_decorator=None):
    """The one vpc-lattice client of a module; call its methods with ``aws_retry=True``."""
    return module.client(
        "vpc-lattice", retry_decorator=retry_decorator or lattice_retry, config=SINGLE_ATTEMPT_CONFIG
    )


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


def call(description, func, *args, missing=None, denied=None, **kwargs):
    """Run one (already retrying) client call, turning botocore errors into AnsibleLatticeError.

    ``missing``: a callable whose result is returned when AWS answers ResourceNotFoundException
    (for example ``lambda: None`` for a Get, ``lambda: False`` for a Delete); without it, NotFound is
    an error like any other. ``denied``: likewise for AccessDeniedException (a resource of another account
    that this one may see but not read in full, such as the tags of a service network shared with it).

    This function catches exceptions, so it must never be wrapped by a retry decorator itself:
    the retry happens inside ``func`` (a client method called with ``aws_retry=True``).
    """
    try:
        return func(*args, **kwargs)
    except is_boto3_error_code(NOT_FOUND) as e:
        if missing is None:
            raise AnsibleLatticeError(message=f"Failed to {description}", exception=e) from e
        return missing()
    except is_boto3_error_code(ACCESS_DENIED) as e:  # pylint: disable=duplicate-except
        if denied is None:
            raise AnsibleLatticeError(message=f"Failed to {description}", exception=e) from e
        return denied()
    except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
        raise AnsibleLatticeError(message=f"Failed to {description}", exception=e) from e


@lattice_retry
def _paginate(client, operation, params):
    # No exception handling here: the decorator retries throttling and transient errors.
    paginator = client.get_paginator(operation)
    return paginator.paginate(**params).build_full_result()


def paginate(client, operation, description, result_key="items", **params):
    """All items of a paginated List* operation (every Lattice List* but ListTagsForResource)."""
    result = call(description, _paginate, client, operation, params)
    return result.get(result_key) or []
