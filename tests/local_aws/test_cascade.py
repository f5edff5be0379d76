"""Deletes that take dependent resources with them."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from factory import auth_policy_document, error_of, resource_policy_document


def assert_not_found(fn, **kwargs):
    with pytest.raises(ClientError) as exc:
        fn(**kwargs)
    assert error_of(exc)[:2] == (404, "ResourceNotFoundException")


def test_deleting_service_deletes_its_listeners(lattice, make):
    svc, tg, lst = make.service_with_listener()
    lst2 = make.listener(svc["id"], port=8080, tags={"k": "v"})
    lattice.delete_service(serviceIdentifier=svc["id"])
    for listener in (lst, lst2):
        assert_not_found(lattice.get_listener, serviceIdentifier=svc["id"], listenerIdentifier=listener["id"])
        # the listener itself is gone, not only hidden behind its missing service
        assert_not_found(lattice.list_tags_for_resource, resourceArn=listener["arn"])
    assert_not_found(lattice.list_listeners, serviceIdentifier=svc["id"])


def test_deleting_service_deletes_its_rules(lattice, make):
    svc, tg, lst = make.service_with_listener()
    rule = make.rule(svc["id"], lst["id"], tg["id"])
    lattice.delete_service(serviceIdentifier=svc["id"])
    assert_not_found(lattice.get_rule, serviceIdentifier=svc["id"], listenerIdentifier=lst["id"],
                     ruleIdentifier=rule["id"])
    assert_not_found(lattice.list_tags_for_resource, resourceArn=rule["arn"])


def test_deleting_service_frees_its_target_groups(lattice, make):
    svc, tg, lst = make.service_with_listener()
    make.rule(svc["id"], lst["id"], tg["id"])
    lattice.delete_service(serviceIdentifier=svc["id"])
    assert lattice.get_target_group(targetGroupIdentifier=tg["id"]).get("serviceArns", []) == []
    lattice.delete_target_group(targetGroupIdentifier=tg["id"])
    assert_not_found(lattice.get_target_group, targetGroupIdentifier=tg["id"])


def test_deleting_service_deletes_its_auth_policy(lattice, make):
    svc = make.service(authType="AWS_IAM")
    lattice.put_auth_policy(resourceIdentifier=svc["id"], policy=auth_policy_document())
    lattice.delete_service(serviceIdentifier=svc["id"])
    assert_not_found(lattice.get_auth_policy, resourceIdentifier=svc["id"])


def test_deleting_service_deletes_its_resource_policy(lattice, make):
    svc = make.service()
    lattice.put_resource_policy(resourceArn=svc["arn"],
                                policy=resource_policy_document(svc["arn"], "vpc-lattice:GetService"))
    lattice.delete_service(serviceIdentifier=svc["id"])
    assert_not_found(lattice.get_resource_policy, resourceArn=svc["arn"])


def test_deleting_service_deletes_its_access_log_subscriptions(lattice, make):
    svc = make.service()
    als = make.access_log(svc["id"])
    lattice.delete_service(serviceIdentifier=svc["id"])
    assert_not_found(lattice.get_access_log_subscription, accessLogSubscriptionIdentifier=als["id"])
    assert_not_found(lattice.list_tags_for_resource, resourceArn=als["arn"])


def test_deleting_service_deletes_its_tags(lattice, make):
    svc = make.service(tags={"team": "a"})
    lattice.delete_service(serviceIdentifier=svc["id"])
    assert_not_found(lattice.list_tags_for_resource, resourceArn=svc["arn"])


def test_recreated_service_with_same_name_starts_clean(lattice, make):
    svc = make.service(tags={"team": "a"})
    make.listener(svc["id"])
    lattice.delete_service(serviceIdentifier=svc["id"])
    again = make.service(name=svc["name"])
    assert again["id"] != svc["id"]
    assert lattice.list_listeners(serviceIdentifier=again["id"])["items"] == []
    assert lattice.list_tags_for_resource(resourceArn=again["arn"]).get("tags", {}) == {}


def test_deleting_listener_deletes_its_rules(lattice, make):
    svc, tg, lst = make.service_with_listener()
    rules = [make.rule(svc["id"], lst["id"], tg["id"], priority=p, path=f"/{p}") for p in (1, 2)]
    lattice.delete_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    for rule in rules:
        assert_not_found(lattice.get_rule, serviceIdentifier=svc["id"], listenerIdentifier=lst["id"],
                         ruleIdentifier=rule["id"])
    # and the target group is free again
    lattice.delete_target_group(targetGroupIdentifier=tg["id"])


def test_deleting_listener_deletes_rule_tags(lattice, make):
    svc, tg, lst = make.service_with_listener()
    rule = make.rule(svc["id"], lst["id"], tg["id"], tags={"k": "v"})
    lattice.delete_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    assert_not_found(lattice.list_tags_for_resource, resourceArn=rule["arn"])


def test_deleting_network_deletes_its_auth_policy(lattice, make):
    sn = make.network(authType="AWS_IAM")
    lattice.put_auth_policy(resourceIdentifier=sn["id"], policy=auth_policy_document())
    lattice.delete_service_network(serviceNetworkIdentifier=sn["id"])
    assert_not_found(lattice.get_auth_policy, resourceIdentifier=sn["id"])


def test_deleting_network_deletes_its_resource_policy(lattice, make):
    sn = make.network()
    lattice.put_resource_policy(resourceArn=sn["arn"],
                                policy=resource_policy_document(sn["arn"], "vpc-lattice:GetServiceNetwork"))
    lattice.delete_service_network(serviceNetworkIdentifier=sn["id"])
    assert_not_found(lattice.get_resource_policy, resourceArn=sn["arn"])


def test_deleting_network_deletes_its_access_log_subscriptions(lattice, make):
    sn = make.network()
    als = [make.access_log(sn["id"], make.log_group_arn()), make.access_log(sn["id"], make.bucket_arn())]
    lattice.delete_service_network(serviceNetworkIdentifier=sn["id"])
    for a in als:
        assert_not_found(lattice.get_access_log_subscription, accessLogSubscriptionIdentifier=a["id"])


def test_deleting_association_leaves_network_and_service(lattice, make):
    sn, svc = make.network(), make.service()
    a = make.sn_service(sn["id"], svc["id"])
    lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
    assert lattice.get_service(serviceIdentifier=svc["id"])["id"] == svc["id"]
    got = lattice.get_service_network(serviceNetworkIdentifier=sn["id"])
    assert got["numberOfAssociatedServices"] == 0
