"""clientToken: a retried create returns the same resource; a reused token with other input is a conflict."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError
from factory import error_of, unique


def _token() -> str:
    return uuid.uuid4().hex


def _cases(make):
    """kind -> (create(alt, **kw) -> response, list() -> ids).

    ``alt=True`` builds a request that differs from ``alt=False`` and would succeed on its own (other name,
    other VPC, ...), so only the reused clientToken can make it fail.
    """
    c = make.c
    sn = make.network()
    svc, svc2 = make.service(), make.service()
    tg = make.target_group()
    lst = make.listener(svc["id"], tg["id"])
    vpc, vpc2 = make.vpc(), make.vpc("10.1.0.0/16")
    sg, sg2 = make.security_group(vpc), make.security_group(vpc2)
    dest, dest2 = make.log_group_arn(), make.bucket_arn()
    names = {k: (unique(k[:3]), unique(k[:3])) for k in ("network", "service", "target_group", "listener", "rule")}
    return {
        "network": (
            lambda alt, **kw: c.create_service_network(name=names["network"][alt], **kw),
            lambda: [i["id"] for i in c.list_service_networks()["items"]],
        ),
        "service": (
            lambda alt, **kw: c.create_service(name=names["service"][alt], **kw),
            lambda: [i["id"] for i in c.list_services()["items"]],
        ),
        "target_group": (
            lambda alt, **kw: c.create_target_group(name=names["target_group"][alt], type="IP", config={
                "port": 80, "protocol": "HTTP", "vpcIdentifier": vpc}, **kw),
            lambda: [i["id"] for i in c.list_target_groups()["items"]],
        ),
        "listener": (
            # On svc2: svc already has lst, and a service takes two listeners.
            lambda alt, **kw: c.create_listener(serviceIdentifier=svc2["id"], name=names["listener"][alt],
                                                protocol="HTTP", port=8081 if alt else 8080,
                                                defaultAction=make.fixed(404), **kw),
            lambda: [i["id"] for i in c.list_listeners(serviceIdentifier=svc2["id"])["items"]],
        ),
        "rule": (
            lambda alt, **kw: c.create_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"],
                                            name=names["rule"][alt], match=make.path_match("/b" if alt else "/a"),
                                            priority=6 if alt else 5, action=make.fixed(404), **kw),
            lambda: [i["id"] for i in c.list_rules(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])["items"]
                     if not i.get("isDefault")],
        ),
        "service_association": (
            lambda alt, **kw: c.create_service_network_service_association(
                serviceNetworkIdentifier=sn["id"], serviceIdentifier=svc2["id"] if alt else svc["id"], **kw),
            lambda: [i["id"] for i in c.list_service_network_service_associations(
                serviceNetworkIdentifier=sn["id"])["items"]],
        ),
        "vpc_association": (
            lambda alt, **kw: c.create_service_network_vpc_association(
                serviceNetworkIdentifier=sn["id"], vpcIdentifier=vpc2 if alt else vpc,
                securityGroupIds=[sg2 if alt else sg], **kw),
            lambda: [i["id"] for i in c.list_service_network_vpc_associations(
                serviceNetworkIdentifier=sn["id"])["items"]],
        ),
        "access_log_subscription": (
            lambda alt, **kw: c.create_access_log_subscription(resourceIdentifier=sn["id"],
                                                               destinationArn=dest2 if alt else dest, **kw),
            lambda: [i["id"] for i in c.list_access_log_subscriptions(resourceIdentifier=sn["id"])["items"]],
        ),
    }


KINDS = ["network", "service", "target_group", "listener", "rule", "service_association", "vpc_association",
         "access_log_subscription"]


@pytest.mark.parametrize("kind", KINDS)
def test_same_client_token_and_request_returns_the_same_resource(make, kind):
    create, list_ids = _cases(make)[kind]
    before = list_ids()
    token = _token()
    first = create(False, clientToken=token)
    second = create(False, clientToken=token)
    assert second["id"] == first["id"] and second["arn"] == first["arn"]
    after = list_ids()
    assert after.count(first["id"]) == 1
    assert len(after) == len(before) + 1


@pytest.mark.parametrize("kind", KINDS)
def test_same_client_token_with_different_request_is_conflict(make, kind):
    create, list_ids = _cases(make)[kind]
    token = _token()
    first = create(False, clientToken=token)
    before = list_ids()
    with pytest.raises(ClientError) as exc:
        create(True, clientToken=token)
    status, code, dummy = error_of(exc)
    assert (status, code) == (409, "ConflictException")
    assert list_ids() == before and first["id"] in before


def test_client_tokens_are_scoped_to_the_operation(lattice, make):
    token = _token()
    sn = lattice.create_service_network(name=unique("sn"), clientToken=token)
    svc = lattice.create_service(name=unique("s"), clientToken=token)
    assert sn["id"].startswith("sn-") and svc["id"].startswith("svc-")


@pytest.mark.parametrize("kind", KINDS)
def test_different_request_without_reused_token_succeeds(make, kind):
    # Control for the conflict test above: the alternative request is valid on its own.
    create, list_ids = _cases(make)[kind]
    first = create(False, clientToken=_token())
    second = create(True, clientToken=_token())
    assert first["id"] != second["id"]
    assert {first["id"], second["id"]} <= set(list_ids())
