import boto3
import pytest

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import associations
from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice.common import LatticeResourceFailed
from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import (
    FakeClient,
    Scripted,
    client_error,
)

SN_ID = "sn-0123456789abcdefg"
SN_ARN = f"arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/{SN_ID}"
OTHER_SN_ID = "sn-99999999999999999"
SVC_ID = "svc-0123456789abcdefg"
VPC_ID = "vpc-0123456789abcdef0"
NOT_FOUND = client_error("ResourceNotFoundException")


def summary(association_id, status="ACTIVE", network_id=SN_ID, **extra):
    return dict(id=association_id, status=status, serviceNetworkId=network_id, **extra)


@pytest.fixture(autouse=True)
def _instant_waits(monkeypatch):
    from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import waiters

    monkeypatch.setattr(waiters.time, "sleep", lambda seconds: None)


class TestValidation:
    @pytest.mark.parametrize("value", ["vpc-0123abcd", VPC_ID])
    def test_vpc_ids(self, value):
        assert associations.validate_vpc_id(value) is None

    @pytest.mark.parametrize("value", ["vpc-0123", "VPC-0123abcd", "sg-0123abcd", "vpc-0123456789ABCDEF0", ""])
    def test_bad_vpc_ids_name_the_option(self, value):
        assert associations.validate_vpc_id(value).startswith("vpc_id: ")

    def test_security_groups(self):
        assert associations.validate_security_group_ids(None) is None
        assert associations.validate_security_group_ids([]) is None
        assert associations.validate_security_group_ids(["sg-0123abcd", "sg-0123456789abcdef0"]) is None

    def test_bad_security_groups(self):
        message = associations.validate_security_group_ids(["sg-0123abcd", "vpc-0123abcd", "sg-x"])
        assert message.startswith("security_group_ids: 'vpc-0123abcd', 'sg-x' are not security group IDs")
        assert "more than once" in associations.validate_security_group_ids(["sg-0123abcd", "sg-0123abcd"])
        six = [f"sg-0000000{n}" for n in range(6)]
        assert "at most 5 security groups, not 6" in associations.validate_security_group_ids(six)

    def test_dns_options(self):
        specified = {"private_dns_preference": "SPECIFIED_DOMAINS_ONLY", "private_dns_specified_domains": ["a.example"]}
        assert associations.validate_dns_options(None, False) is None
        assert associations.validate_dns_options({"private_dns_preference": "ALL_DOMAINS"}, None) is None
        assert associations.validate_dns_options(specified, True) is None

    @pytest.mark.parametrize(
        "options, private_dns, fragment",
        [
            ({"private_dns_preference": "ALL_DOMAINS"}, False, "set private_dns_enabled to true"),
            ({"private_dns_preference": "SPECIFIED_DOMAINS_ONLY"}, True, "needs private_dns_specified_domains"),
            (
                {"private_dns_preference": "ALL_DOMAINS", "private_dns_specified_domains": ["a.example"]},
                None,
                "not ALL_DOMAINS",
            ),
            (
                {
                    "private_dns_preference": "SPECIFIED_DOMAINS_ONLY",
                    "private_dns_specified_domains": [f"d{n}.example" for n in range(11)],
                },
                True,
                "at most 10",
            ),
        ],
    )
    def test_bad_dns_options(self, options, private_dns, fragment):
        message = associations.validate_dns_options(options, private_dns)
        assert message.startswith("dns_options: ") and fragment in message


class TestComparison:
    def test_security_groups_compare_as_sets(self):
        assert not associations.security_groups_differ(["sg-1", "sg-2"], ["sg-2", "sg-1"])
        assert not associations.security_groups_differ(["sg-1"], None)
        assert not associations.security_groups_differ(None, [])
        assert associations.security_groups_differ(["sg-1"], [])
        assert associations.security_groups_differ(["sg-1"], ["sg-1", "sg-2"])

    def test_dns_options(self):
        wanted = associations.dns_options_to_api(
            {"private_dns_preference": "SPECIFIED_DOMAINS_ONLY", "private_dns_specified_domains": ["b", "a"]}
        )
        assert wanted == {"privateDnsPreference": "SPECIFIED_DOMAINS_ONLY", "privateDnsSpecifiedDomains": ["b", "a"]}
        current = {"privateDnsPreference": "SPECIFIED_DOMAINS_ONLY", "privateDnsSpecifiedDomains": ["a", "b"]}
        assert not associations.dns_options_differ(current, wanted)
        assert not associations.dns_options_differ(current, None)
        assert associations.dns_options_differ(None, wanted)
        only_verified = associations.dns_options_to_api({"private_dns_preference": "VERIFIED_DOMAINS_ONLY"})
        assert only_verified == {"privateDnsPreference": "VERIFIED_DOMAINS_ONLY"}
        assert associations.dns_options_differ(current, only_verified)
        assert not associations.dns_options_differ({"privateDnsPreference": "VERIFIED_DOMAINS_ONLY"}, only_verified)


def test_unsupported_request_fields_reads_botocore_model():
    client = boto3.client(
        "vpc-lattice", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    fields = {"private_dns_enabled": "privateDnsEnabled", "made_up": "notAMember"}
    assert associations.unsupported_request_fields(client, "CreateServiceNetworkVpcAssociation", fields) == ["made_up"]
    assert associations.unsupported_request_fields(
        client, "CreateServiceNetworkServiceAssociation", {"private_dns_enabled": "privateDnsEnabled"}
    ) == ["private_dns_enabled"]


class TestFindServiceAssociation:
    def test_lists_with_both_filters_and_gets_the_match(self):
        full = dict(summary("snsa-1", serviceId=SVC_ID), failureCode=None)
        client = FakeClient(get_service_network_service_association=Scripted(full))
        client.pages["list_service_network_service_associations"] = [[summary("snsa-1", serviceId=SVC_ID)]]
        assert associations.find_service_association(client, SN_ARN, SVC_ID) == full
        assert client.paginate_calls == [{"serviceNetworkIdentifier": SN_ARN, "serviceIdentifier": SVC_ID}]

    def test_ignores_associations_of_other_pairs(self):
        client = FakeClient()
        client.pages["list_service_network_service_associations"] = [
            [summary("snsa-1", network_id=OTHER_SN_ID, serviceId=SVC_ID), summary("snsa-2", serviceId="svc-other")]
        ]
        assert associations.find_service_association(client, SN_ID, SVC_ID) is None

    def test_prefers_the_live_association_and_retries_read_lag(self):
        live = summary("snsa-new", serviceId=SVC_ID, status="CREATE_FAILED")
        get = Scripted(NOT_FOUND, dict(live, failureCode="X"))
        client = FakeClient(get_service_network_service_association=get)
        client.pages["list_service_network_service_associations"] = [
            [summary("snsa-old", status="DELETE_IN_PROGRESS", serviceId=SVC_ID), live]
        ]
        assert associations.find_service_association(client, SN_ID, SVC_ID)["failureCode"] == "X"
        assert [call["serviceNetworkServiceAssociationIdentifier"] for call in get.calls] == ["snsa-new"] * 2

    def test_one_being_deleted_that_is_gone_is_none(self):
        client = FakeClient(get_service_network_service_association=Scripted(NOT_FOUND))
        client.pages["list_service_network_service_associations"] = [
            [summary("snsa-old", status="DELETE_IN_PROGRESS", serviceId=SVC_ID)]
        ]
        assert associations.find_service_association(client, SN_ID, SVC_ID) is None


class TestFindVpcAssociation:
    def test_ours_and_elsewhere(self):
        ours = summary("snva-1", vpcId=VPC_ID)
        client = FakeClient(get_service_network_vpc_association=Scripted(dict(ours)))
        client.pages["list_service_network_vpc_associations"] = [[ours]]
        assert associations.find_vpc_association(client, SN_ARN, VPC_ID) == (ours, [])
        assert client.paginate_calls == [{"vpcIdentifier": VPC_ID}]

    def test_another_network_keeps_the_vpc_unless_leaving_it(self):
        elsewhere = summary("snva-2", network_id=OTHER_SN_ID, vpcId=VPC_ID, serviceNetworkName="other")
        leaving = summary("snva-3", network_id=OTHER_SN_ID, vpcId=VPC_ID, status="DELETE_IN_PROGRESS")
        client = FakeClient()
        client.pages["list_service_network_vpc_associations"] = [[elsewhere, leaving]]
        assert associations.find_vpc_association(client, SN_ID, VPC_ID) == (None, [elsewhere])
        assert associations.describe_network_of(elsewhere) == f"'other' ({OTHER_SN_ID})"


class TestBlockers:
    def test_service_association_create_blockers(self):
        service = {"id": SVC_ID, "name": "orders", "status": "CREATE_IN_PROGRESS"}
        client = FakeClient(get_service=Scripted(service))
        client.pages["list_service_network_service_associations"] = [
            [summary("snsa-1", status="DELETE_IN_PROGRESS", serviceNetworkName="payments")]
        ]
        blockers = associations.service_association_create_blockers(client, SN_ID, SVC_ID)
        assert [(b.name, b.in_progress) for b in blockers] == [
            ("orders (CREATE_IN_PROGRESS)", True),
            ("payments (DELETE_IN_PROGRESS)", True),
        ]

    def test_vpc_association_create_blockers(self):
        client = FakeClient()
        client.pages["list_service_network_vpc_associations"] = [
            [summary("snva-1", network_id=OTHER_SN_ID, serviceNetworkName="other")]
        ]
        (blocker,) = associations.vpc_association_create_blockers(client, VPC_ID)
        assert blocker.name == f"'other' ({OTHER_SN_ID}) (ACTIVE)" and not blocker.in_progress
        assert client.paginate_calls == [{"vpcIdentifier": VPC_ID}]


def test_fail_if_failed():
    associations.fail_if_failed("association", summary("snva-1"), "VPC x")
    failed = summary("snva-1", status="CREATE_FAILED", failureCode="CODE", failureMessage="why")
    with pytest.raises(LatticeResourceFailed) as raised:
        associations.fail_if_failed("association", failed, "VPC x")
    assert "association snva-1 of VPC x is CREATE_FAILED (CODE: why); delete it (state: absent)" in str(
        raised.value.message
    )


def test_an_association_being_deleted_counts_as_absent_and_has_no_tags():
    client = FakeClient(list_tags_for_resource=Scripted({"tags": {"team": "mesh"}}))
    live = summary("snva-1", arn="arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetworkvpcassociation/snva-1")
    leaving = dict(live, status="DELETE_IN_PROGRESS")
    assert associations.absent_or_leaving(None) and associations.absent_or_leaving(leaving)
    assert not associations.absent_or_leaving(live)
    assert associations.with_tags(client, None) == (None, None)
    assert associations.with_tags(client, leaving) == (leaving, None)
    assert associations.with_tags(client, live) == (live, {"team": "mesh"})
    assert client.list_tags_for_resource.calls == [{"resourceArn": live["arn"], "aws_retry": True}]


class TestFindAssociationNetwork:
    """A network another account shares is named by ARN; once it is unreadable, removal still finds the association."""

    DENIED = client_error("AccessDeniedException")

    def test_a_readable_network_is_the_get_answer(self):
        network = {"id": SN_ID, "arn": SN_ARN, "name": "mesh"}
        client = FakeClient(get_service_network=Scripted(dict(network)))
        assert associations.find_association_network(client, SN_ARN, "present") == network

    def test_an_unreadable_network_stands_in_by_its_arn_for_removal(self):
        client = FakeClient(get_service_network=Scripted(self.DENIED))
        found = associations.find_association_network(client, SN_ARN, "absent")
        assert found == {"id": SN_ID, "arn": SN_ARN, "name": SN_ARN}

    def test_an_unreadable_network_fails_when_present(self):
        client = FakeClient(get_service_network=Scripted(self.DENIED))
        with pytest.raises(associations.AnsibleLatticeError, match="Failed to get service network"):
            associations.find_association_network(client, SN_ARN, "present")

    def test_other_errors_fail_even_for_removal(self):
        client = FakeClient(get_service_network=Scripted(client_error("ValidationException")))
        with pytest.raises(associations.AnsibleLatticeError):
            associations.find_association_network(client, SN_ARN, "absent")
