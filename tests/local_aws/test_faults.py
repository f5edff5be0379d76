"""Fault injection: throttles, server errors and read-after-create lag, deterministic under a seed."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from factory import error_of, unique


def outcome(fn, **kwargs) -> str:
    try:
        fn(**kwargs)
    except ClientError as exc:
        return exc.response["Error"]["Code"]
    return "ok"


def test_throttle_rate_one_gives_429_throttling_exception(lattice_noretry, endpoint):
    endpoint.set_config(throttle_rate=1.0)
    with pytest.raises(ClientError) as exc:
        lattice_noretry.list_service_networks()
    status, code, resp = error_of(exc)
    assert (status, code) == (429, "ThrottlingException")
    assert resp["message"]


def test_error_rate_one_gives_500_internal_server_exception(lattice_noretry, endpoint):
    endpoint.set_config(error_rate=1.0)
    with pytest.raises(ClientError) as exc:
        lattice_noretry.list_services()
    status, code, resp = error_of(exc)
    assert (status, code) == (500, "InternalServerException")
    assert resp["message"]


def test_faulted_create_makes_nothing(lattice_noretry, lattice, endpoint):
    endpoint.set_config(error_rate=1.0)
    with pytest.raises(ClientError):
        lattice_noretry.create_service_network(name=unique("sn"))
    endpoint.set_config(error_rate=0.0)
    assert lattice.list_service_networks()["items"] == []


def _sequence(endpoint, client, seed: int, n: int = 30) -> list[str]:
    endpoint.reset()
    endpoint.set_config(seed=seed, throttle_rate=0.3, error_rate=0.2)
    seq = [outcome(client.list_service_networks) for dummy in range(n)]
    endpoint.set_config(throttle_rate=0.0, error_rate=0.0)
    return seq


def test_same_seed_gives_same_fault_sequence(lattice_noretry, endpoint):
    first = _sequence(endpoint, lattice_noretry, seed=1234)
    second = _sequence(endpoint, lattice_noretry, seed=1234)
    assert first == second
    # not vacuous: the rates produce every outcome
    assert {"ok", "ThrottlingException", "InternalServerException"} <= set(first), first


def test_different_seed_gives_different_fault_sequence(lattice_noretry, endpoint):
    assert _sequence(endpoint, lattice_noretry, seed=1) != _sequence(endpoint, lattice_noretry, seed=2)


def test_fault_rates_are_roughly_honoured(lattice_noretry, endpoint):
    endpoint.set_config(seed=99, throttle_rate=0.3)
    seq = [outcome(lattice_noretry.list_service_networks) for dummy in range(200)]
    assert 35 <= seq.count("ThrottlingException") <= 85, seq.count("ThrottlingException")


def _calls_until_a_throttle(call, endpoint, operation: str) -> list[int]:
    """Make retried calls (each must succeed) until the log shows an injected throttle; return the statuses."""
    for dummy in range(20):
        call()
        statuses = [r["status"] for r in endpoint.requests() if r["operation"] == operation]
        if 429 in statuses or 503 in statuses:
            return statuses
    raise AssertionError(f"no throttle injected in 20 calls at rate 0.5: {statuses}")


def test_botocore_retries_injected_throttles(lattice, endpoint):
    endpoint.set_config(seed=5, throttle_rate=0.5)
    statuses = _calls_until_a_throttle(lattice.list_service_networks, endpoint, "ListServiceNetworks")
    # every call succeeded in the end: one 200 per call, the 429s in between were retried by botocore
    assert statuses[-1] == 200 and set(statuses) == {200, 429}


def test_lag_reads_makes_first_gets_not_found(lattice_noretry, endpoint, make):
    endpoint.set_config(lag_reads=2)
    sn = make.network()
    outcomes = [outcome(lattice_noretry.get_service_network, serviceNetworkIdentifier=sn["id"]) for dummy in range(3)]
    assert outcomes == ["ResourceNotFoundException", "ResourceNotFoundException", "ok"]


def test_lag_reads_counts_per_resource(lattice_noretry, endpoint, make):
    endpoint.set_config(lag_reads=1)
    svc_a, svc_b = make.service(), make.service()
    assert outcome(lattice_noretry.get_service, serviceIdentifier=svc_a["id"]) == "ResourceNotFoundException"
    assert outcome(lattice_noretry.get_service, serviceIdentifier=svc_b["id"]) == "ResourceNotFoundException"
    assert outcome(lattice_noretry.get_service, serviceIdentifier=svc_a["id"]) == "ok"
    assert outcome(lattice_noretry.get_service, serviceIdentifier=svc_b["id"]) == "ok"


def test_lag_reads_applies_to_nested_resources(lattice_noretry, endpoint, make):
    svc = make.service()
    endpoint.set_config(lag_reads=1)
    lst = make.listener(svc["id"])
    kwargs = {"serviceIdentifier": svc["id"], "listenerIdentifier": lst["id"]}
    outcomes = [outcome(lattice_noretry.get_listener, **kwargs) for dummy in range(2)]
    assert outcomes == ["ResourceNotFoundException", "ok"]


def test_lag_does_not_affect_resources_created_before(lattice_noretry, endpoint, make):
    sn = make.network()
    endpoint.set_config(lag_reads=2)
    assert outcome(lattice_noretry.get_service_network, serviceNetworkIdentifier=sn["id"]) == "ok"


def test_control_endpoints_are_never_faulted(endpoint):
    endpoint.set_config(throttle_rate=1.0, error_rate=1.0)
    for method, path, body in (("GET", "/_local/config", None), ("POST", "/_local/config", {"seed": 3}),
                               ("GET", "/_local/requests", None), ("DELETE", "/_local/requests", None),
                               ("POST", "/moto-api/reset", None)):
        for dummy in range(5):
            status, out = endpoint.http(method, path, body)
            assert 200 <= status < 300, (method, path, status, out)


def test_ec2_calls_are_throttled_with_ec2_error(ec2_noretry, endpoint):
    endpoint.set_config(throttle_rate=1.0)
    with pytest.raises(ClientError) as exc:
        ec2_noretry.describe_vpcs()
    status, code, dummy = error_of(exc)
    assert code == "RequestLimitExceeded"
    assert status == 503


def test_iam_calls_are_throttled_with_query_protocol_error(iam_noretry, endpoint):
    endpoint.set_config(throttle_rate=1.0)
    with pytest.raises(ClientError) as exc:
        iam_noretry.list_roles()
    status, code, resp = error_of(exc)
    assert (status, code) == (400, "Throttling")
    assert resp["Error"]["Message"]


def test_ec2_server_errors_use_ec2_error_code(ec2_noretry, endpoint):
    endpoint.set_config(error_rate=1.0)
    with pytest.raises(ClientError) as exc:
        ec2_noretry.describe_vpcs()
    status, code, dummy = error_of(exc)
    assert (status, code) == (500, "InternalError")


def test_other_service_throttles_are_retried_by_botocore(ec2, endpoint):
    endpoint.set_config(seed=11, throttle_rate=0.5)
    statuses = _calls_until_a_throttle(ec2.describe_vpcs, endpoint, "DescribeVpcs")
    assert statuses[-1] == 200 and 200 in statuses and len(set(statuses)) == 2


def test_fail_creates_ends_matching_creations_in_create_failed(lattice, endpoint, make):
    endpoint.set_config(fail_creates="*-doomed, other")
    doomed = make.service(name=unique("s") + "-doomed")
    fine = make.service()
    failed = lattice.get_service(serviceIdentifier=doomed["id"])
    assert failed["status"] == "CREATE_FAILED"
    assert failed["failureCode"] and doomed["id"] in failed["failureMessage"]
    healthy = lattice.get_service(serviceIdentifier=fine["id"])
    assert healthy["status"] == "ACTIVE" and "failureCode" not in healthy


def test_fail_creates_waits_for_the_transition_under_realistic(lattice, endpoint, make):
    endpoint.set_config(fail_creates="*", profile="realistic", transition_seconds=30)
    group = make.target_group()
    assert lattice.get_target_group(targetGroupIdentifier=group["id"])["status"] == "CREATE_IN_PROGRESS"


def test_failed_creation_can_be_deleted(lattice, endpoint, make):
    endpoint.set_config(fail_creates="*")
    group = make.target_group()
    lattice.delete_target_group(targetGroupIdentifier=group["id"])
    assert lattice.list_target_groups()["items"] == []
