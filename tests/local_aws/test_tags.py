"""Tags on every taggable Lattice resource: at create time and via Tag/Untag/ListTagsForResource."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from factory import error_of

KINDS = ["network", "service", "target_group", "listener", "rule", "service_association", "vpc_association",
         "access_log_subscription"]


def create(make, kind: str, tags: dict | None = None) -> dict:
    kw = {"tags": tags} if tags is not None else {}
    if kind == "network":
        return make.network(**kw)
    if kind == "service":
        return make.service(**kw)
    if kind == "target_group":
        return make.target_group(**kw)
    if kind == "listener":
        return make.listener(make.service()["id"], **kw)
    if kind == "rule":
        svc = make.service()
        lst = make.listener(svc["id"])
        return make.rule(svc["id"], lst["id"], **kw)
    if kind == "service_association":
        return make.sn_service(make.network()["id"], make.service()["id"], **kw)
    if kind == "vpc_association":
        return make.sn_vpc(make.network()["id"], **kw)
    if kind == "access_log_subscription":
        return make.access_log(make.service()["id"], **kw)
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_tags_given_at_create_are_listed(lattice, make, kind):
    res = create(make, kind, {"team": "net", "env": "test"})
    assert lattice.list_tags_for_resource(resourceArn=res["arn"])["tags"] == {"team": "net", "env": "test"}


@pytest.mark.parametrize("kind", KINDS)
def test_tag_resource_adds_and_overwrites(lattice, make, kind):
    res = create(make, kind, {"team": "net"})
    lattice.tag_resource(resourceArn=res["arn"], tags={"team": "platform", "cost": "42"})
    assert lattice.list_tags_for_resource(resourceArn=res["arn"])["tags"] == {"team": "platform", "cost": "42"}


@pytest.mark.parametrize("kind", KINDS)
def test_untag_resource_removes_only_named_keys(lattice, make, kind):
    res = create(make, kind, {"a": "1", "b": "2", "c": "3"})
    lattice.untag_resource(resourceArn=res["arn"], tagKeys=["a", "c", "absent"])
    assert lattice.list_tags_for_resource(resourceArn=res["arn"])["tags"] == {"b": "2"}


def test_resource_without_tags_lists_empty_map(lattice, make):
    sn = make.network()
    assert lattice.list_tags_for_resource(resourceArn=sn["arn"]).get("tags", {}) == {}


def test_tags_are_per_resource(lattice, make):
    a, b = make.network(tags={"who": "a"}), make.network(tags={"who": "b"})
    lattice.tag_resource(resourceArn=a["arn"], tags={"extra": "x"})
    assert lattice.list_tags_for_resource(resourceArn=b["arn"])["tags"] == {"who": "b"}


def test_tagging_unknown_resource_is_not_found(lattice):
    arn = "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdefg"
    with pytest.raises(ClientError) as exc:
        lattice.tag_resource(resourceArn=arn, tags={"k": "v"})
    assert error_of(exc)[:2] == (404, "ResourceNotFoundException")
