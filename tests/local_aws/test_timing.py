"""Timing profiles: `realistic` passes through *_IN_PROGRESS states; `instant` does not."""

from __future__ import annotations

import time
from functools import partial

import pytest
from botocore.exceptions import ClientError
from factory import is_not_found, status_is

TRANSITION = 1.0


@pytest.fixture
def realistic(endpoint, lattice):
    def switch():
        # The first AWS call after a reset is slow (moto rebuilds backends): make it before the clock starts.
        lattice.list_service_networks()
        cfg = endpoint.set_config(profile="realistic", transition_seconds=TRANSITION)
        assert cfg["profile"] == "realistic" and cfg["transition_seconds"] == TRANSITION
    return switch


def _in_progress_then(make, get, first_status: str, final, started: float):
    """Observe first_status on an immediate Get, then poll until final(result)."""
    now = get()
    assert now["status"] == first_status, f"{now} after {time.monotonic() - started:.2f}s"
    return make.wait_for(get, final, timeout=TRANSITION * 10)


# --------------------------------------------------------------------------- create transitions


def test_service_goes_create_in_progress_then_active(lattice, make, realistic):
    realistic()
    started = time.monotonic()
    svc = make.service()
    assert svc["status"] == "CREATE_IN_PROGRESS"
    get = partial(lattice.get_service, serviceIdentifier=svc["id"])
    _in_progress_then(make, get, "CREATE_IN_PROGRESS", status_is("ACTIVE"), started)
    assert time.monotonic() - started >= TRANSITION * 0.9


def test_target_group_goes_create_in_progress_then_active(lattice, make, realistic):
    vpc = make.vpc()
    realistic()
    started = time.monotonic()
    tg = make.target_group(vpc_id=vpc)
    assert tg["status"] == "CREATE_IN_PROGRESS"
    get = partial(lattice.get_target_group, targetGroupIdentifier=tg["id"])
    _in_progress_then(make, get, "CREATE_IN_PROGRESS", status_is("ACTIVE"), started)


def test_service_association_goes_create_in_progress_then_active(lattice, make, realistic):
    sn, svc = make.network(), make.service()
    realistic()
    started = time.monotonic()
    a = make.sn_service(sn["id"], svc["id"])
    assert a["status"] == "CREATE_IN_PROGRESS"
    get = partial(
        lattice.get_service_network_service_association, serviceNetworkServiceAssociationIdentifier=a["id"])
    _in_progress_then(make, get, "CREATE_IN_PROGRESS", status_is("ACTIVE"), started)


def test_vpc_association_goes_create_in_progress_then_active(lattice, make, realistic):
    sn = make.network()
    vpc = make.vpc()
    sg = make.security_group(vpc)
    realistic()
    started = time.monotonic()
    a = make.sn_vpc(sn["id"], vpc, securityGroupIds=[sg])
    assert a["status"] == "CREATE_IN_PROGRESS"
    get = partial(
        lattice.get_service_network_vpc_association, serviceNetworkVpcAssociationIdentifier=a["id"])
    _in_progress_then(make, get, "CREATE_IN_PROGRESS", status_is("ACTIVE"), started)


def test_list_shows_in_progress_status(lattice, make, realistic):
    realistic()
    svc = make.service()
    item = next(i for i in lattice.list_services()["items"] if i["id"] == svc["id"])
    assert item["status"] == "CREATE_IN_PROGRESS"


# --------------------------------------------------------------------------- delete transitions


def test_service_goes_delete_in_progress_then_gone(lattice, make, realistic):
    svc = make.service()
    realistic()
    started = time.monotonic()
    out = lattice.delete_service(serviceIdentifier=svc["id"])
    assert out["status"] == "DELETE_IN_PROGRESS"
    get = partial(lattice.get_service, serviceIdentifier=svc["id"])
    _in_progress_then(make, get, "DELETE_IN_PROGRESS", is_not_found, started)
    assert svc["id"] not in [i["id"] for i in lattice.list_services().get("items", [])]


def test_target_group_goes_delete_in_progress_then_gone(lattice, make, realistic):
    tg = make.target_group()
    realistic()
    started = time.monotonic()
    out = lattice.delete_target_group(targetGroupIdentifier=tg["id"])
    assert out["status"] == "DELETE_IN_PROGRESS"
    get = partial(lattice.get_target_group, targetGroupIdentifier=tg["id"])
    _in_progress_then(make, get, "DELETE_IN_PROGRESS", is_not_found, started)


def test_service_association_goes_delete_in_progress_then_gone(lattice, make, realistic):
    sn, svc = make.network(), make.service()
    a = make.sn_service(sn["id"], svc["id"])
    realistic()
    started = time.monotonic()
    out = lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
    assert out["status"] == "DELETE_IN_PROGRESS"
    get = partial(
        lattice.get_service_network_service_association, serviceNetworkServiceAssociationIdentifier=a["id"])
    _in_progress_then(make, get, "DELETE_IN_PROGRESS", is_not_found, started)


def test_vpc_association_goes_delete_in_progress_then_gone(lattice, make, realistic):
    sn = make.network()
    a = make.sn_vpc(sn["id"])
    realistic()
    started = time.monotonic()
    out = lattice.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=a["id"])
    assert out["status"] == "DELETE_IN_PROGRESS"
    get = partial(
        lattice.get_service_network_vpc_association, serviceNetworkVpcAssociationIdentifier=a["id"])
    _in_progress_then(make, get, "DELETE_IN_PROGRESS", is_not_found, started)


def test_network_can_be_deleted_once_association_deletion_finished(lattice, make, realistic):
    sn, svc = make.network(), make.service()
    a = make.sn_service(sn["id"], svc["id"])
    realistic()
    lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
    make.wait_for(lambda: lattice.get_service_network_service_association(
        serviceNetworkServiceAssociationIdentifier=a["id"]), is_not_found, timeout=TRANSITION * 10)
    lattice.delete_service_network(serviceNetworkIdentifier=sn["id"])


# --------------------------------------------------------------------------- update and targets


def test_vpc_association_update_passes_update_in_progress(lattice, make, realistic):
    sn = make.network()
    vpc = make.vpc()
    a = make.sn_vpc(sn["id"], vpc)
    sg = make.security_group(vpc)
    realistic()
    started = time.monotonic()
    out = lattice.update_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=a["id"],
                                                         securityGroupIds=[sg])
    assert out["status"] == "UPDATE_IN_PROGRESS"
    get = partial(
        lattice.get_service_network_vpc_association, serviceNetworkVpcAssociationIdentifier=a["id"])
    final = _in_progress_then(make, get, "UPDATE_IN_PROGRESS", status_is("ACTIVE"), started)
    assert final["securityGroupIds"] == [sg]


def test_targets_in_use_go_initial_then_healthy(lattice, make, realistic):
    dummy, tg, dummy = make.service_with_listener()
    realistic()
    started = time.monotonic()
    lattice.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.0.0.1", "port": 80}])

    def status():
        return {"status": lattice.list_targets(targetGroupIdentifier=tg["id"])["items"][0]["status"]}

    _in_progress_then(make, status, "INITIAL", status_is("HEALTHY"), started)


def test_deregistered_target_drains_then_disappears(lattice, make, realistic):
    dummy, tg, dummy = make.service_with_listener()
    lattice.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.0.0.1", "port": 80}])
    realistic()
    started = time.monotonic()
    lattice.deregister_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.0.0.1", "port": 80}])

    def status():
        items = lattice.list_targets(targetGroupIdentifier=tg["id"])["items"]
        return {"status": items[0]["status"] if items else "GONE"}

    _in_progress_then(make, status, "DRAINING", status_is("GONE"), started)


def test_transition_seconds_controls_the_delay(lattice, make, endpoint):
    # Past the default 2-s transition the service is still in progress: the setting took effect. A long setting
    # keeps the check out of a race with a loaded machine (each test starts from a reset endpoint).
    endpoint.set_config(profile="realistic", transition_seconds=60.0)
    svc = make.service()
    time.sleep(2.5)
    assert lattice.get_service(serviceIdentifier=svc["id"])["status"] == "CREATE_IN_PROGRESS"


# --------------------------------------------------------------------------- instant profile


def test_instant_profile_is_the_default(endpoint):
    assert endpoint.get_config()["profile"] == "instant"


def test_instant_everything_is_active_at_once(lattice, make):
    sn = make.network()
    svc, tg, dummy = make.service_with_listener()
    snsa = make.sn_service(sn["id"], svc["id"])
    snva = make.sn_vpc(sn["id"])
    assert (svc["status"], tg["status"], snsa["status"], snva["status"]) == ("ACTIVE",) * 4
    assert lattice.get_service(serviceIdentifier=svc["id"])["status"] == "ACTIVE"
    assert lattice.get_target_group(targetGroupIdentifier=tg["id"])["status"] == "ACTIVE"
    assert lattice.get_service_network_service_association(
        serviceNetworkServiceAssociationIdentifier=snsa["id"])["status"] == "ACTIVE"
    assert lattice.get_service_network_vpc_association(
        serviceNetworkVpcAssociationIdentifier=snva["id"])["status"] == "ACTIVE"


def test_instant_delete_is_gone_at_once(lattice, make):
    svc = make.service()
    lattice.delete_service(serviceIdentifier=svc["id"])
    with pytest.raises(ClientError) as exc:
        lattice.get_service(serviceIdentifier=svc["id"])
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_instant_vpc_association_update_is_active_at_once(lattice, make):
    sn = make.network()
    vpc = make.vpc()
    a = make.sn_vpc(sn["id"], vpc)
    out = lattice.update_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=a["id"],
                                                         securityGroupIds=[make.security_group(vpc)])
    assert out["status"] == "ACTIVE"
