import pytest

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import waiters
from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice.common import (
    LatticeConflictError,
    LatticeResourceFailed,
    LatticeWaitTimeout,
)
from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import Scripted, client_error


def wait(get, clock, **options):
    options.setdefault("timeout", 60)
    return waiters.wait_for_resource(get, "service svc-1", sleep=clock.sleep, clock=clock, **options)


class TestWaitForStatus:
    def test_returns_once_target_status_is_reached(self, clock):
        get = Scripted(
            {"id": "svc-1", "status": "CREATE_IN_PROGRESS"},
            {"id": "svc-1", "status": "CREATE_IN_PROGRESS"},
            {"id": "svc-1", "status": "ACTIVE"},
        )
        assert wait(get, clock, target_statuses=["ACTIVE"]) == {"id": "svc-1", "status": "ACTIVE"}
        assert len(get.calls) == 3
        assert len(clock.sleeps) == 2

    def test_not_found_right_after_create_is_retried(self, clock):
        get = Scripted(None, None, {"id": "svc-1", "status": "ACTIVE"})
        assert wait(get, clock, target_statuses=["ACTIVE"])["status"] == "ACTIVE"
        assert len(get.calls) == 3

    def test_disappearing_after_being_seen_fails(self, clock):
        get = Scripted({"status": "CREATE_IN_PROGRESS"}, None)
        with pytest.raises(LatticeResourceFailed, match="disappeared .* ACTIVE .*last status CREATE_IN_PROGRESS"):
            wait(get, clock, target_statuses=["ACTIVE"])

    def test_failed_status_reports_aws_reason(self, clock):
        get = Scripted(
            {"status": "CREATE_IN_PROGRESS"},
            {"status": "CREATE_FAILED", "failureCode": "ValidationError", "failureMessage": "bad certificate"},
        )
        with pytest.raises(LatticeResourceFailed) as excinfo:
            wait(get, clock, target_statuses=["ACTIVE"])
        assert excinfo.value.message == "service svc-1 is CREATE_FAILED: ValidationError: bad certificate"

    def test_failed_status_without_reason(self, clock):
        with pytest.raises(LatticeResourceFailed, match="UPDATE_FAILED .AWS gave no reason"):
            wait(Scripted({"status": "UPDATE_FAILED"}), clock, target_statuses=["ACTIVE"])

    def test_failed_status_can_be_a_target(self, clock):
        assert wait(Scripted({"status": "CREATE_FAILED"}), clock, target_statuses=["CREATE_FAILED"])

    def test_timeout_names_the_last_status(self, clock):
        get = Scripted({"status": "CREATE_IN_PROGRESS"})
        with pytest.raises(LatticeWaitTimeout) as excinfo:
            wait(get, clock, target_statuses=["ACTIVE"], timeout=30)
        assert excinfo.value.message == (
            "Timed out after 30 seconds waiting for service svc-1 to become ACTIVE (last status CREATE_IN_PROGRESS)"
        )
        assert clock.now == pytest.approx(30)

    def test_timeout_zero_polls_once(self, clock):
        get = Scripted({"status": "CREATE_IN_PROGRESS"})
        with pytest.raises(LatticeWaitTimeout):
            wait(get, clock, target_statuses=["ACTIVE"], timeout=0)
        assert len(get.calls) == 1
        assert clock.sleeps == []

    def test_backoff_grows_to_the_cap_and_stops_at_the_deadline(self, clock):
        get = Scripted({"status": "CREATE_IN_PROGRESS"})
        with pytest.raises(LatticeWaitTimeout):
            wait(get, clock, target_statuses=["ACTIVE"], timeout=40, delay=2, backoff=2, max_delay=10)
        assert clock.sleeps == [2, 4, 8, 10, 10, 6]


class TestWaitForOtherGoals:
    def test_absent_returns_none_once_gone(self, clock):
        get = Scripted({"status": "DELETE_IN_PROGRESS"}, {"status": "DELETE_IN_PROGRESS"}, None)
        assert wait(get, clock, absent=True) is None
        assert len(get.calls) == 3

    def test_absent_fails_on_delete_failed(self, clock):
        get = Scripted({"status": "DELETE_IN_PROGRESS"}, {"status": "DELETE_FAILED", "failureMessage": "in use"})
        with pytest.raises(LatticeResourceFailed, match="DELETE_FAILED: in use"):
            wait(get, clock, absent=True)

    def test_absent_timeout(self, clock):
        with pytest.raises(LatticeWaitTimeout, match="to be deleted .last status DELETE_IN_PROGRESS"):
            wait(Scripted({"status": "DELETE_IN_PROGRESS"}), clock, absent=True, timeout=5)

    def test_visible_without_status(self, clock):
        get = Scripted(None, None, {"id": "sn-1"})
        assert wait(get, clock) == {"id": "sn-1"}

    def test_visible_timeout(self, clock):
        with pytest.raises(LatticeWaitTimeout, match="to become visible .not found yet"):
            wait(Scripted(None), clock, timeout=5)

    def test_visible_still_fails_on_failed_status(self, clock):
        with pytest.raises(LatticeResourceFailed):
            wait(Scripted({"status": "CREATE_FAILED"}), clock)


def conflict(resource_type="SERVICE_NETWORK", resource_id="sn-1"):
    return client_error("ConflictException", "resource is in use", resourceType=resource_type, resourceId=resource_id)


def retry_conflicts(operation, clock, blockers=None, **options):
    options.setdefault("timeout", 60)
    return waiters.call_with_conflict_wait(
        operation,
        "delete service network sn-1",
        "service network 'net' (sn-1)",
        describe_blockers=blockers,
        sleep=clock.sleep,
        clock=clock,
        **options,
    )


class TestConflicts:
    def test_success_without_conflict(self, clock):
        assert retry_conflicts(Scripted("done"), clock) == "done"
        assert clock.sleeps == []

    def test_operations_in_progress_are_waited_out(self, clock):
        operation = Scripted(conflict(), conflict(), "done")
        blockers = Scripted([waiters.Blocker("VPC association", "vpc-1", True)])
        assert retry_conflicts(operation, clock, blockers) == "done"
        assert len(operation.calls) == 3
        assert len(clock.sleeps) == 2

    def test_lasting_blockers_fail_with_a_list(self, clock):
        operation = Scripted(conflict())
        blockers = Scripted(
            [
                waiters.Blocker("VPC association", "vpc-1", False),
                waiters.Blocker("VPC association", "vpc-2", False),
                waiters.Blocker("VPC association", "vpc-3", True),
                waiters.Blocker("service association", "orders (svc-1)", False),
            ]
        )
        with pytest.raises(LatticeConflictError) as excinfo:
            retry_conflicts(operation, clock, blockers)
        assert excinfo.value.message == (
            "Cannot delete service network sn-1: service network 'net' (sn-1) still has "
            "2 VPC associations: vpc-1, vpc-2 and 1 service association: orders (svc-1)"
        )
        assert len(operation.calls) == 1

    def test_unexplained_conflicts_are_retried_a_few_times(self, clock):
        operation = Scripted(conflict())
        with pytest.raises(LatticeConflictError) as excinfo:
            retry_conflicts(operation, clock, blockers=None, unexplained_attempts=3)
        assert len(operation.calls) == 3
        assert "resource is in use (SERVICE_NETWORK sn-1)" in excinfo.value.message

    def test_unexplained_conflict_then_success(self, clock):
        assert retry_conflicts(Scripted(conflict(), "done"), clock, blockers=Scripted([])) == "done"

    def test_waiting_times_out(self, clock):
        operation = Scripted(conflict())
        blockers = Scripted([waiters.Blocker("VPC association", "vpc-1", True)])
        with pytest.raises(LatticeWaitTimeout, match="timed out after 10 seconds; .* 1 VPC association: vpc-1"):
            retry_conflicts(operation, clock, blockers, timeout=10)

    def test_other_errors_propagate(self, clock):
        error = client_error("AccessDeniedException")
        with pytest.raises(type(error)) as excinfo:
            retry_conflicts(Scripted(error), clock, blockers=Scripted([]))
        assert excinfo.value is error


class TestFormatting:
    def test_single_category(self):
        blockers = [waiters.Blocker("VPC association", "vpc-1", False)]
        assert waiters.format_blockers("service network x", blockers) == (
            "service network x still has 1 VPC association: vpc-1"
        )

    def test_three_categories(self):
        blockers = [
            waiters.Blocker("VPC association", "vpc-1", False),
            waiters.Blocker("service association", "a", False),
            waiters.Blocker("service association", "b", False),
            waiters.Blocker("resource configuration association", "c", False),
        ]
        assert waiters.format_blockers("n", blockers) == (
            "n still has 1 VPC association: vpc-1, 2 service associations: a, b"
            " and 1 resource configuration association: c"
        )

    def test_failure_reason(self):
        assert waiters.failure_reason({"failureCode": "X", "failureMessage": "y"}) == "X: y"
        assert waiters.failure_reason({"failureMessage": "y"}) == "y"
        assert waiters.failure_reason(None) == ""

    def test_status_in_progress(self):
        assert waiters.status_in_progress("UPDATE_IN_PROGRESS")
        assert not waiters.status_in_progress("ACTIVE")
        assert not waiters.status_in_progress(None)
