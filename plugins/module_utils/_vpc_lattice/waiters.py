# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one polling mechanism of the collection (botocore ships no Lattice waiters), and the handling
of ConflictException (wait out operations in progress, report what else blocks).

Both take the function they poll or call as an argument, plus ``sleep`` and ``clock``, so they are
tested without AWS and without waiting.
"""

import time
from collections import namedtuple

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from .common import CONFLICT, LatticeConflictError, LatticeResourceFailed, LatticeWaitTimeout

DEFAULT_TIMEOUT = 600
DEFAULT_DELAY = 2
DEFAULT_BACKOFF = 1.5
DEFAULT_MAX_DELAY = 15

# How long a resource that was just created (or just listed) may stay invisible to Get.
VISIBILITY_TIMEOUT = 60

IN_PROGRESS_SUFFIX = "_IN_PROGRESS"
FAILED_SUFFIX = "_FAILED"


class _Delays:
    """Sleep durations: ``delay``, then multiplied by ``backoff`` up to ``max_delay``, never past the deadline."""

    def __init__(self, clock, timeout, delay, backoff, max_delay):
        self.clock = clock
        self.deadline = clock() + max(timeout, 0)
        self.delay = delay
        self.backoff = backoff
        self.max_delay = max_delay

    def remaining(self):
        return self.deadline - self.clock()

    def next(self):
        value = min(self.delay, self.max_delay, max(self.remaining(), 0))
        self.delay = min(self.delay * self.backoff, self.max_delay)
        return value


def failure_reason(resource):
    """``"code: message"`` from a resource's ``failureCode``/``failureMessage``, if it has any."""
    code = (resource or {}).get("failureCode")
    message = (resource or {}).get("failureMessage")
    return ": ".join(part for part in (code, message) if part)


def wait_for_resource(
    get_resource,
    description,
    target_statuses=None,
    absent=False,
    timeout=DEFAULT_TIMEOUT,
    delay=DEFAULT_DELAY,
    backoff=DEFAULT_BACKOFF,
    max_delay=DEFAULT_MAX_DELAY,
    sleep=None,
    clock=None,
):
    """Poll ``get_resource()`` (which returns the resource dict, or None when AWS answers NotFound).

    - ``absent=True``: until the resource is gone; returns None.
    - ``target_statuses`` (e.g. ``("ACTIVE",)``): until its ``status`` is one of them; returns it.
    - neither: until it is visible at all (synchronous resources right after create); returns it.

    NotFound before the resource was ever seen means "not visible yet" and is retried; NotFound after
    it was seen, while waiting for a status, is a failure. A ``*_FAILED`` status that is not a target
    fails at once with AWS's ``failureCode``/``failureMessage``. Running out of ``timeout`` seconds
    raises LatticeWaitTimeout naming the last status. ``timeout=0`` polls once.
    """
    sleep = sleep or time.sleep
    delays = _Delays(clock or time.monotonic, timeout, delay, backoff, max_delay)
    targets = tuple(target_statuses or ())
    seen = False
    last_status = None
    while True:
        resource = get_resource()
        if resource is None:
            if absent:
                return None
            if seen and targets:
                raise LatticeResourceFailed(
                    message=f"{description} disappeared while waiting for it to become {' or '.join(targets)}"
                    f" (last status {last_status})"
                )
        else:
            seen = True
            status = resource.get("status")
            last_status = status or last_status
            if status and status.endswith(FAILED_SUFFIX) and status not in targets:
                reason = failure_reason(resource)
                raise LatticeResourceFailed(
                    message=f"{description} is {status}" + (f": {reason}" if reason else " (AWS gave no reason)")
                )
            if not absent and (not targets or status in targets):
                return resource
        if delays.remaining() <= 0:
            if absent:
                goal = "to be deleted"
            elif targets:
                goal = f"to become {' or '.join(targets)}"
            else:
                goal = "to become visible"
            state = f"last status {last_status}" if last_status else ("not found yet" if not seen else "no status")
            raise LatticeWaitTimeout(
                message=f"Timed out after {timeout} seconds waiting for {description} {goal} ({state})"
            )
        sleep(delays.next())


class Blocker(namedtuple("Blocker", ["category", "name", "in_progress"])):
    """Something that keeps an operation from succeeding.

    ``category``: singular noun, e.g. "VPC association"; ``name``: what to show, e.g. "vpc-0abc";
    ``in_progress``: True when it goes away on its own (e.g. an association in DELETE_IN_PROGRESS,
    or the resource itself in CREATE_IN_PROGRESS), so waiting is the answer.
    """

    __slots__ = ()


def status_in_progress(status):
    return bool(status) and status.endswith(IN_PROGRESS_SUFFIX)


def format_blockers(subject, blockers):
    """``"service network 'x' still has 2 VPC associations: vpc-1, vpc-2 and 1 service association: svc-a"``."""
    groups = []
    for blocker in blockers:
        for group in groups:
            if group[0] == blocker.category:
                group[1].append(blocker.name)
                break
        else:
            groups.append((blocker.category, [blocker.name]))
    parts = [
        f"{len(names)} {category}{'' if len(names) == 1 else 's'}: {', '.join(names)}" for category, names in groups
    ]
    if len(parts) > 1:
        listing = ", ".join(parts[:-1]) + " and " + parts[-1]
    else:
        listing = parts[0] if parts else "nothing we can name"
    return f"{subject} still has {listing}"


def conflict_details(exception):
    """What AWS's ConflictException names: ``"<message> (<resourceType> <resourceId>)"``."""
    response = getattr(exception, "response", None) or {}
    error = response.get("Error") or {}
    message = error.get("Message") or response.get("message") or str(exception)
    resource_type = response.get("resourceType") or error.get("resourceType")
    resource_id = response.get("resourceId") or error.get("resourceId")
    if resource_type or resource_id:
        message += f" ({' '.join(part for part in (resource_type, resource_id) if part)})"
    return message


def call_with_conflict_wait(
    operation,
    description,
    subject,
    describe_blockers=None,
    timeout=DEFAULT_TIMEOUT,
    unexplained_attempts=3,
    delay=DEFAULT_DELAY,
    backoff=DEFAULT_BACKOFF,
    max_delay=DEFAULT_MAX_DELAY,
    sleep=None,
    clock=None,
):
    """Run ``operation()``; on ConflictException ask ``describe_blockers()`` (a list of Blocker) why.

    - something blocks that will not go away by itself: raise LatticeConflictError listing it
      ("<subject> still has 2 VPC associations: ...");
    - only operations in progress block: wait (with backoff) and try again, up to ``timeout``;
    - nothing can be named (or no ``describe_blockers``): try again ``unexplained_attempts`` times,
      as the conflict is usually an operation in progress AWS does not show, then fail with AWS's words.

    Other errors propagate unchanged (``operation`` uses the client's retrying methods; the caller
    turns errors into AnsibleLatticeError). This function catches only ConflictException and is
    itself never wrapped by a retry decorator.
    """
    sleep = sleep or time.sleep
    delays = _Delays(clock or time.monotonic, timeout, delay, backoff, max_delay)
    unexplained = 0
    while True:
        try:
            return operation()
        except is_boto3_error_code(CONFLICT) as e:
            conflict = e
        blockers = list(describe_blockers() if describe_blockers else [])
        lasting = [blocker for blocker in blockers if not blocker.in_progress]
        if lasting:
            raise LatticeConflictError(
                message=f"Cannot {description}: {format_blockers(subject, lasting)}", exception=conflict
            )
        if not blockers:
            unexplained += 1
            if unexplained >= unexplained_attempts:
                raise LatticeConflictError(
                    message=f"Cannot {description}: {conflict_details(conflict)}", exception=conflict
                )
        if delays.remaining() <= 0:
            waiting_for = format_blockers(subject, blockers) if blockers else conflict_details(conflict)
            raise LatticeWaitTimeout(
                message=f"Cannot {description}: timed out after {timeout} seconds; {waiting_for}",
                exception=conflict,
            )
        sleep(delays.next())


__all__ = [
    "Blocker",
    "call_with_conflict_wait",
    "conflict_details",
    "failure_reason",
    "format_blockers",
    "status_in_progress",
    "wait_for_resource",
]
