"""Limits from lattice-api-notes.md that botocore's model does not express."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from factory import auth_policy_document, error_of


def test_auth_policy_with_newlines_is_rejected(lattice, make):
    svc = make.service(authType="AWS_IAM")
    doc = auth_policy_document().replace(",", ",\n")
    with pytest.raises(ClientError) as exc:
        lattice.put_auth_policy(resourceIdentifier=svc["id"], policy=doc)
    assert error_of(exc)[:2] == (400, "ValidationException")


def test_auth_policy_that_is_not_json_is_rejected(lattice, make):
    svc = make.service(authType="AWS_IAM")
    with pytest.raises(ClientError) as exc:
        lattice.put_auth_policy(resourceIdentifier=svc["id"], policy="allow everything")
    assert error_of(exc)[:2] == (400, "ValidationException")


@pytest.mark.parametrize("code", [404, 500])
def test_fixed_response_404_and_500_are_supported(make, code):
    svc = make.service()
    lst = make.c.create_listener(serviceIdentifier=svc["id"], name="web", protocol="HTTP",
                                 defaultAction=make.fixed(code))
    assert lst["defaultAction"] == {"fixedResponse": {"statusCode": code}}


def test_fixed_response_other_than_404_or_500_is_rejected(lattice, make):
    svc = make.service()
    with pytest.raises(ClientError) as exc:
        lattice.create_listener(serviceIdentifier=svc["id"], name="web", protocol="HTTP",
                                defaultAction=make.fixed(200))
    assert error_of(exc)[:2] == (400, "ValidationException")


def test_third_listener_exceeds_quota(lattice, make):
    svc = make.service()
    make.listener(svc["id"], port=80)
    make.listener(svc["id"], port=8080)
    with pytest.raises(ClientError) as exc:
        make.listener(svc["id"], port=8081)
    status, code, resp = error_of(exc)
    assert (status, code) == (402, "ServiceQuotaExceededException")
    assert resp["resourceType"] and resp["serviceCode"] and resp["quotaCode"]
    assert len(lattice.list_listeners(serviceIdentifier=svc["id"])["items"]) == 2


def test_eleventh_rule_exceeds_quota(lattice, make):
    svc = make.service()
    lst = make.listener(svc["id"])
    for p in range(1, 11):
        make.rule(svc["id"], lst["id"], priority=p, path=f"/{p}")
    with pytest.raises(ClientError) as exc:
        make.rule(svc["id"], lst["id"], priority=11, path="/11")
    assert error_of(exc)[:2] == (402, "ServiceQuotaExceededException")


def test_more_than_five_header_matches_is_rejected(lattice_raw, make):
    svc = make.service()
    lst = make.listener(svc["id"])
    headers = [{"name": f"x-h{i}", "match": {"exact": "v"}} for i in range(6)]
    with pytest.raises(ClientError) as exc:
        lattice_raw.create_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], name="many",
                                match={"httpMatch": {"headerMatches": headers}}, priority=1, action=make.fixed(404))
    assert error_of(exc)[:2] == (400, "ValidationException")


def test_lambda_target_group_holds_one_target(lattice, make):
    tg = make.target_group(type="LAMBDA")
    fn1 = "arn:aws:lambda:us-east-1:123456789012:function:one"
    fn2 = "arn:aws:lambda:us-east-1:123456789012:function:two"
    lattice.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": fn1}])
    try:
        out = lattice.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": fn2}])
    except ClientError as exc:
        assert error_of(exc)[0] in (400, 402, 409)
    else:
        assert [u["id"] for u in out.get("unsuccessful", [])] == [fn2]
    assert [i["id"] for i in lattice.list_targets(targetGroupIdentifier=tg["id"])["items"]] == [fn1]


def test_lambda_target_group_with_port_is_rejected(lattice):
    with pytest.raises(ClientError) as exc:
        lattice.create_target_group(name="fn-with-port", type="LAMBDA", config={"port": 80})
    assert error_of(exc)[:2] == (400, "ValidationException")


def test_forward_weights_are_kept(lattice, make):
    svc = make.service()
    tg1, tg2 = make.target_group(), make.target_group()
    action = {"forward": {"targetGroups": [{"targetGroupIdentifier": tg1["id"], "weight": 90},
                                           {"targetGroupIdentifier": tg2["id"], "weight": 10}]}}
    lst = lattice.create_listener(serviceIdentifier=svc["id"], name="web", protocol="HTTP", defaultAction=action)
    got = lattice.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])["defaultAction"]
    assert sorted((t["targetGroupIdentifier"], t["weight"]) for t in got["forward"]["targetGroups"]) == sorted(
        [(tg1["id"], 90), (tg2["id"], 10)])
