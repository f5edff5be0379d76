import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import resources, service_networks
from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice.common import (
    AnsibleLatticeError,
    LatticeConflictError,
    lattice_retry,
)
from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import (
    FakeClient,
    Scripted,
    client_error,
)

SN_ID = "sn-0123456789abcdefg"
SN_ARN = f"arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/{SN_ID}"
OTHER_ARN = "arn:aws:vpc-lattice:eu-west-1:210987654321:servicenetwork/sn-99999999999999999"
NETWORK = {"id": SN_ID, "arn": SN_ARN, "name": "payments", "authType": "NONE"}
NOT_FOUND = client_error("ResourceNotFoundException")


@pytest.fixture(autouse=True)
def _instant_waits(monkeypatch):
    from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import waiters

    monkeypatch.setattr(waiters.time, "sleep", lambda seconds: None)


class TestFind:
    def test_by_arn_uses_get(self):
        client = FakeClient(get_service_network=Scripted(dict(NETWORK)))
        assert resources.find_resource(client, "service_network", SN_ARN) == NETWORK
        assert client.get_service_network.calls == [{"serviceNetworkIdentifier": SN_ARN, "aws_retry": True}]
        assert client.paginate_calls == []

    def test_by_arn_not_found(self):
        client = FakeClient(get_service_network=Scripted(NOT_FOUND))
        assert resources.find_resource(client, "service_network", SN_ARN) is None

    def test_by_name_lists_every_page_then_gets_by_id(self):
        client = FakeClient(get_service_network=Scripted(dict(NETWORK)))
        client.pages["list_service_networks"] = [
            [{"id": "sn-other", "name": "other"}],
            [{"id": SN_ID, "name": "payments"}],
        ]
        assert resources.find_resource(client, "service_network", "payments") == NETWORK
        assert client.get_service_network.calls == [{"serviceNetworkIdentifier": SN_ID, "aws_retry": True}]

    def test_by_name_waits_for_a_listed_network_to_be_visible(self):
        client = FakeClient(get_service_network=Scripted(NOT_FOUND, dict(NETWORK)))
        client.pages["list_service_networks"] = [[{"id": SN_ID, "name": "payments"}]]
        assert resources.find_resource(client, "service_network", "payments") == NETWORK

    def test_by_name_not_found(self):
        client = FakeClient()
        client.pages["list_service_networks"] = [[{"id": "sn-other", "name": "other"}]]
        assert resources.find_resource(client, "service_network", "payments") is None

    def test_ambiguous_name(self):
        client = FakeClient()
        client.pages["list_service_networks"] = [
            [{"id": SN_ID, "arn": SN_ARN, "name": "payments"}, {"id": "x", "arn": OTHER_ARN, "name": "payments"}]
        ]
        with pytest.raises(AnsibleLatticeError, match="2 service networks are named 'payments'.*by its ARN"):
            resources.find_resource(client, "service_network", "payments")

    def test_by_name_gets_a_listed_network_by_its_arn(self):
        # A network another account shares is listed too, and AWS finds another account's network by ARN only.
        shared = dict(NETWORK, arn=OTHER_ARN)
        client = FakeClient(get_service_network=Scripted(shared))
        client.pages["list_service_networks"] = [[{"id": SN_ID, "arn": OTHER_ARN, "name": "payments"}]]
        assert resources.find_resource(client, "service_network", "payments") == shared
        assert client.get_service_network.calls == [{"serviceNetworkIdentifier": OTHER_ARN, "aws_retry": True}]

    def test_describe_leaves_out_the_tags_of_a_shared_network(self):
        shared = dict(NETWORK, arn=OTHER_ARN)
        client = FakeClient(
            get_service_network=Scripted(shared),
            list_tags_for_resource=Scripted(client_error("AccessDeniedException")),
        )
        assert resources.describe_resource(client, "service_network", OTHER_ARN) == (shared, None)

    def test_describe_listed_gets_by_arn_and_tolerates_denied_tags(self):
        shared = dict(NETWORK, arn=OTHER_ARN)
        client = FakeClient(
            get_service_network=Scripted(shared),
            list_tags_for_resource=Scripted(client_error("AccessDeniedException")),
        )
        summary = {"id": SN_ID, "arn": OTHER_ARN, "name": "payments"}
        assert resources.describe_listed_resource(client, "service_network", summary) == (shared, None)
        assert client.get_service_network.calls == [{"serviceNetworkIdentifier": OTHER_ARN, "aws_retry": True}]

    def test_other_tag_reads_still_fail_when_denied(self):
        client = FakeClient(list_tags_for_resource=Scripted(client_error("AccessDeniedException")))
        with pytest.raises(AnsibleLatticeError, match="list tags of"):
            resources.get_tags_when_visible(client, OTHER_ARN)

    def test_id_shaped_name_falls_back_to_the_name(self):
        named_like_an_id = dict(NETWORK, id="sn-aaaaaaaaaaaaaaaaa", name=SN_ID)
        client = FakeClient(get_service_network=Scripted(NOT_FOUND, named_like_an_id))
        client.pages["list_service_networks"] = [[{"id": "sn-aaaaaaaaaaaaaaaaa", "name": SN_ID}]]
        assert resources.find_resource(client, "service_network", SN_ID) == named_like_an_id

    def test_nested_kind_lists_within_its_parent(self):
        listener = {"id": "listener-0123456789abcdefg", "name": "http"}
        client = FakeClient(get_listener=Scripted(dict(listener)))
        client.pages["list_listeners"] = [[listener]]
        found = resources.find_resource(client, "listener", "http", parents={"service": "svc-0123456789abcdefg"})
        assert found == listener
        assert client.paginate_calls == [{"serviceIdentifier": "svc-0123456789abcdefg"}]
        assert client.get_listener.calls[0]["serviceIdentifier"] == "svc-0123456789abcdefg"

    def test_describe_adds_tags(self):
        client = FakeClient(
            get_service_network=Scripted(dict(NETWORK)), list_tags_for_resource=Scripted({"tags": {"a": "1"}})
        )
        assert resources.describe_resource(client, "service_network", SN_ID) == (NETWORK, {"a": "1"})

    def test_read_back_retries_lagging_reads(self):
        client = FakeClient(
            get_service_network=Scripted(NOT_FOUND, NOT_FOUND, dict(NETWORK)),
            list_tags_for_resource=Scripted(NOT_FOUND, {"tags": {}}),
        )
        assert resources.read_back(client, "service_network", SN_ID) == (NETWORK, {})

    def test_read_back_returns_the_tags_just_set_without_reading_them(self):
        # No list_tags_for_resource: reading the tags would fail the test.
        client = FakeClient(get_service_network=Scripted(dict(NETWORK)))
        assert resources.read_back(client, "service_network", SN_ID, tags={"a": "1"}) == (NETWORK, {"a": "1"})


class TestCreate:
    def test_client_token_is_reused_across_retries(self):
        fake = FakeClient(create_service_network=Scripted(client_error("ThrottlingException"), {"id": SN_ID}))
        client = RetryingBotoClientWrapper(fake, lattice_retry)
        assert resources.create_resource(client, "service_network", name="payments", authType=None) == {"id": SN_ID}
        first, second = fake.create_service_network.calls
        assert first == second
        assert first["clientToken"]
        assert "authType" not in first

    def test_explicit_token(self):
        client = FakeClient(create_service_network=Scripted({"id": SN_ID}))
        resources.create_resource(client, "service_network", client_token="tok", name="payments")
        assert client.create_service_network.calls[0]["clientToken"] == "tok"

    def test_conflict_fails_without_blockers(self):
        client = FakeClient(create_service_network=Scripted(client_error("ConflictException", "name taken")))
        with pytest.raises(AnsibleLatticeError, match="Failed to create service network"):
            resources.create_resource(client, "service_network", name="payments")
        assert len(client.create_service_network.calls) == 1

    def test_conflict_in_progress_is_waited_out_with_the_same_token(self):
        client = FakeClient(create_service=Scripted(client_error("ConflictException"), {"id": "svc-1"}))
        blockers = Scripted([resources.Blocker("service network", "x (UPDATE_IN_PROGRESS)", True)])
        assert resources.create_resource(client, "service", describe_blockers=blockers, name="orders") == {
            "id": "svc-1"
        }
        first, second = client.create_service.calls
        assert first["clientToken"] == second["clientToken"]


class TestDelete:
    def test_deleted(self):
        client = FakeClient(delete_service_network=Scripted({}))
        assert resources.delete_resource(client, "service_network", SN_ID) is True

    def test_already_gone(self):
        client = FakeClient(delete_service_network=Scripted(NOT_FOUND))
        assert resources.delete_resource(client, "service_network", SN_ID) is False

    def test_blocked_by_associations(self):
        client = FakeClient(delete_service_network=Scripted(client_error("ConflictException")))
        client.pages["list_service_network_vpc_associations"] = [
            [{"vpcId": "vpc-0aaa", "status": "ACTIVE"}, {"vpcId": "vpc-0bbb", "status": "CREATE_IN_PROGRESS"}]
        ]
        client.pages["list_service_network_service_associations"] = [[]]
        client.pages["list_service_network_resource_associations"] = [[]]
        with pytest.raises(LatticeConflictError) as excinfo:
            resources.delete_resource(
                client,
                "service_network",
                SN_ID,
                describe_blockers=lambda: service_networks.service_network_blockers(client, SN_ID),
                subject=f"service network 'payments' ({SN_ID})",
            )
        assert excinfo.value.message == (
            f"Cannot delete service network {SN_ID}: service network 'payments' ({SN_ID}) still has "
            "2 VPC associations: vpc-0aaa, vpc-0bbb"
        )
        assert client.paginate_calls[0] == {"serviceNetworkIdentifier": SN_ID}

    def test_associations_being_deleted_are_waited_out(self):
        client = FakeClient(delete_service_network=Scripted(client_error("ConflictException"), {}))
        client.pages["list_service_network_vpc_associations"] = [
            [{"vpcId": "vpc-0aaa", "status": "DELETE_IN_PROGRESS"}]
        ]
        client.pages["list_service_network_service_associations"] = [[]]
        client.pages["list_service_network_resource_associations"] = [[]]
        assert resources.delete_resource(
            client,
            "service_network",
            SN_ID,
            describe_blockers=lambda: service_networks.service_network_blockers(client, SN_ID),
        )
        assert len(client.delete_service_network.calls) == 2


class TestWaitHelpers:
    def test_wait_for_status(self):
        client = FakeClient(
            get_service=Scripted({"id": "svc-1", "status": "CREATE_IN_PROGRESS"}, {"id": "svc-1", "status": "ACTIVE"})
        )
        assert resources.wait_for_status(client, "service", "svc-1", timeout=30)["status"] == "ACTIVE"
        assert client.get_service.calls[0] == {"serviceIdentifier": "svc-1", "aws_retry": True}

    def test_wait_for_status_failure(self):
        client = FakeClient(get_service=Scripted({"status": "CREATE_FAILED", "failureMessage": "no capacity"}))
        with pytest.raises(AnsibleLatticeError, match="service svc-1 is CREATE_FAILED: no capacity"):
            resources.wait_for_status(client, "service", "svc-1", timeout=30)

    def test_wait_for_deletion(self):
        client = FakeClient(get_target_group=Scripted({"status": "DELETE_IN_PROGRESS"}, NOT_FOUND))
        assert resources.wait_for_deletion(client, "target_group", "tg-1", timeout=30) is None


class TestBlockers:
    def test_service_network_blockers_name_what_blocks(self):
        client = FakeClient()
        client.pages["list_service_network_vpc_associations"] = [[{"vpcId": "vpc-1", "status": "ACTIVE"}]]
        client.pages["list_service_network_service_associations"] = [
            [{"serviceName": "orders", "serviceId": "svc-1", "status": "DELETE_IN_PROGRESS"}]
        ]
        client.pages["list_service_network_resource_associations"] = [[{"resourceConfigurationId": "rcfg-1"}]]
        assert service_networks.service_network_blockers(client, SN_ID) == [
            resources.Blocker("VPC association", "vpc-1", False),
            resources.Blocker("service association", "orders (svc-1)", True),
            resources.Blocker("resource configuration association", "rcfg-1", False),
        ]

    def test_a_listing_that_fails_does_not_hide_the_others(self):
        client = FakeClient()
        client.pages["list_service_network_vpc_associations"] = [[{"vpcId": "vpc-1", "status": "ACTIVE"}]]
        client.pages["list_service_network_service_associations"] = [[]]
        # no pages for resource associations: the fake paginator raises, like an API we may not call
        original = client.get_paginator

        def get_paginator(operation):
            if operation == "list_service_network_resource_associations":
                raise client_error("AccessDeniedException")
            return original(operation)

        client.get_paginator = get_paginator
        assert service_networks.service_network_blockers(client, SN_ID) == [
            resources.Blocker("VPC association", "vpc-1", False)
        ]

    def test_status_blocker(self):
        assert resources.status_blocker("target_group", {"name": "blue", "status": "CREATE_IN_PROGRESS"}) == [
            resources.Blocker("target group", "blue (CREATE_IN_PROGRESS)", True)
        ]
        assert resources.status_blocker("target_group", {"status": "ACTIVE"}) == []

    def test_own_status_blockers_wait_out_a_target_group_being_created(self):
        tg_id = "tg-0123456789abcdefg"
        client = FakeClient(
            delete_target_group=Scripted(
                client_error("ConflictException"), {"id": tg_id, "status": "DELETE_IN_PROGRESS"}
            ),
            get_target_group=Scripted({"id": tg_id, "name": "blue", "status": "CREATE_IN_PROGRESS"}),
        )

        def blockers():
            return resources.own_status_blockers(client, "target_group", tg_id)

        assert resources.delete_resource(client, "target_group", tg_id, describe_blockers=blockers) is True
        assert len(client.delete_target_group.calls) == 2

    def test_service_network_defaults(self):
        assert service_networks.with_defaults({"id": SN_ID, "sharingConfig": {}}) == {
            "id": SN_ID,
            "authType": "NONE",
            "sharingConfig": {"enabled": True},
        }
        assert service_networks.with_defaults(None) is None
