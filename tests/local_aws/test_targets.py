"""RegisterTargets / DeregisterTargets / ListTargets."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from factory import error_of


def listed(lattice, tg_id: str) -> dict[tuple[str, int | None], dict]:
    items = lattice.list_targets(targetGroupIdentifier=tg_id)["items"]
    return {(i["id"], i.get("port")): i for i in items}


def test_register_targets_reports_each_as_successful(lattice, make):
    tg = make.target_group(port=8080)
    out = lattice.register_targets(targetGroupIdentifier=tg["id"],
                                   targets=[{"id": "10.0.0.1", "port": 80}, {"id": "10.0.0.2", "port": 81}])
    assert sorted((t["id"], t["port"]) for t in out["successful"]) == [("10.0.0.1", 80), ("10.0.0.2", 81)]
    assert out.get("unsuccessful", []) == []


def test_registered_targets_are_listed(lattice, make):
    tg = make.target_group()
    lattice.register_targets(targetGroupIdentifier=tg["id"],
                             targets=[{"id": "10.0.0.1", "port": 80}, {"id": "10.0.0.2", "port": 80}])
    assert sorted(listed(lattice, tg["id"])) == [("10.0.0.1", 80), ("10.0.0.2", 80)]


def test_target_port_defaults_to_target_group_port(lattice, make):
    tg = make.target_group(port=8443)
    out = lattice.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.0.0.7"}])
    assert out["successful"][0]["port"] == 8443
    assert list(listed(lattice, tg["id"])) == [("10.0.0.7", 8443)]


def test_registering_a_target_twice_lists_it_once(lattice, make):
    tg = make.target_group()
    for dummy in range(2):
        lattice.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.0.0.1", "port": 80}])
    assert list(listed(lattice, tg["id"])) == [("10.0.0.1", 80)]


def test_deregister_removes_target_under_instant_profile(lattice, make):
    tg = make.target_group()
    lattice.register_targets(targetGroupIdentifier=tg["id"],
                             targets=[{"id": "10.0.0.1", "port": 80}, {"id": "10.0.0.2", "port": 80}])
    out = lattice.deregister_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.0.0.1", "port": 80}])
    assert [(t["id"], t["port"]) for t in out["successful"]] == [("10.0.0.1", 80)]
    assert list(listed(lattice, tg["id"])) == [("10.0.0.2", 80)]


def test_targets_of_unused_target_group_are_unused(lattice, make):
    tg = make.target_group()
    lattice.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.0.0.1", "port": 80}])
    assert listed(lattice, tg["id"])[("10.0.0.1", 80)]["status"] == "UNUSED"


def test_targets_of_target_group_in_use_are_healthy_under_instant_profile(lattice, make):
    dummy, tg, dummy = make.service_with_listener()
    lattice.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.0.0.1", "port": 80}])
    assert listed(lattice, tg["id"])[("10.0.0.1", 80)]["status"] == "HEALTHY"


def test_list_targets_filters_by_target(lattice, make):
    tg = make.target_group()
    lattice.register_targets(targetGroupIdentifier=tg["id"],
                             targets=[{"id": "10.0.0.1", "port": 80}, {"id": "10.0.0.2", "port": 80}])
    items = lattice.list_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.0.0.2", "port": 80}])["items"]
    assert [(i["id"], i["port"]) for i in items] == [("10.0.0.2", 80)]


def test_lambda_target_group_takes_a_function_arn(lattice, make):
    tg = make.target_group(type="LAMBDA")
    fn = "arn:aws:lambda:us-east-1:123456789012:function:handler"
    out = lattice.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": fn}])
    assert [t["id"] for t in out["successful"]] == [fn]
    items = lattice.list_targets(targetGroupIdentifier=tg["id"])["items"]
    assert [i["id"] for i in items] == [fn] and "port" not in items[0]


def test_register_targets_by_target_group_arn(lattice, make):
    tg = make.target_group()
    lattice.register_targets(targetGroupIdentifier=tg["arn"], targets=[{"id": "10.0.0.1", "port": 80}])
    assert list(listed(lattice, tg["arn"])) == [("10.0.0.1", 80)]


def test_register_targets_on_unknown_target_group_is_not_found(lattice):
    with pytest.raises(ClientError) as exc:
        lattice.register_targets(targetGroupIdentifier="tg-0123456789abcdefg", targets=[{"id": "10.0.0.1"}])
    assert error_of(exc)[:2] == (404, "ResourceNotFoundException")
