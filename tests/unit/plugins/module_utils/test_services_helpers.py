import pytest

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import services
from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import FakeClient, Scripted

SVC_ID = "svc-0123456789abcdefg"
CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-4567-89ef-0123-456789abcdef"
OTHER_CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/89abcdef-0123-4567-89ab-cdef01234567"
# What GetService answers for a service created with nothing but a name: no customDomainName, no certificateArn.
MINIMAL = {"id": SVC_ID, "name": "orders", "status": "ACTIVE", "authType": "NONE", "idleTimeoutSeconds": 60}


class TestWithDefaults:
    def test_fills_what_aws_leaves_out(self):
        answer = {"id": SVC_ID, "name": "orders", "status": "ACTIVE"}
        assert services.service_with_defaults(answer) == {
            "id": SVC_ID,
            "name": "orders",
            "status": "ACTIVE",
            "authType": "NONE",
            "idleTimeoutSeconds": 60,
            "customDomainName": None,
            "certificateArn": None,
        }
        assert answer == {"id": SVC_ID, "name": "orders", "status": "ACTIVE"}, "the answer itself was changed"

    def test_keeps_what_aws_says(self):
        answer = dict(MINIMAL, authType="AWS_IAM", idleTimeoutSeconds=300, customDomainName="a.example.com")
        answer["certificateArn"] = CERT
        assert services.service_with_defaults(answer) == answer

    def test_an_empty_certificate_is_none(self):
        assert services.service_with_defaults(dict(MINIMAL, certificateArn=""))["certificateArn"] is None

    def test_no_service(self):
        assert services.service_with_defaults(None) is None


class TestUpdates:
    def test_nothing_requested(self):
        assert services.service_updates(MINIMAL) == {}

    def test_defaults_match_an_answer_without_them(self):
        answer = {"id": SVC_ID, "name": "orders"}
        assert services.service_updates(answer, auth_type="NONE", idle_timeout_seconds=60, certificate_arn="") == {}

    def test_changed_settings(self):
        updates = services.service_updates(MINIMAL, auth_type="AWS_IAM", idle_timeout_seconds=120, certificate_arn=CERT)
        assert updates == {"authType": "AWS_IAM", "idleTimeoutSeconds": 120, "certificateArn": CERT}

    def test_same_certificate(self):
        assert services.service_updates(dict(MINIMAL, certificateArn=CERT), certificate_arn=CERT) == {}

    def test_other_certificate(self):
        current = dict(MINIMAL, certificateArn=CERT)
        assert services.service_updates(current, certificate_arn=OTHER_CERT) == {"certificateArn": OTHER_CERT}

    def test_removing_the_certificate(self):
        current = dict(MINIMAL, certificateArn=CERT)
        assert services.service_updates(current, certificate_arn="") == {"certificateArn": ""}

    def test_removing_a_certificate_there_is_not(self):
        assert services.service_updates(MINIMAL, certificate_arn="") == {}
        assert services.service_updates(dict(MINIMAL, certificateArn=""), certificate_arn="") == {}


class TestCustomDomainNameChange:
    def test_not_requested(self):
        assert services.custom_domain_name_change(dict(MINIMAL, customDomainName="a.example.com"), None) == []

    @pytest.mark.parametrize("requested", ["a.example.com", "A.Example.COM", "a.example.com."])
    def test_same_name(self, requested):
        assert services.custom_domain_name_change(dict(MINIMAL, customDomainName="a.example.com"), requested) == []

    def test_other_name(self):
        current = dict(MINIMAL, customDomainName="a.example.com")
        assert services.custom_domain_name_change(current, "b.example.com") == [
            ("customDomainName", "a.example.com", "b.example.com")
        ]

    def test_a_name_for_a_service_without_one(self):
        assert services.custom_domain_name_change(MINIMAL, "b.example.com") == [
            ("customDomainName", None, "b.example.com")
        ]


class TestValidate:
    def test_nothing_set(self):
        assert services.validate_service_settings() is None

    @pytest.mark.parametrize("seconds", [60, 600])
    def test_idle_timeout_limits(self, seconds):
        assert services.validate_service_settings(idle_timeout_seconds=seconds) is None

    @pytest.mark.parametrize("seconds", [0, 59, 601])
    def test_idle_timeout_out_of_range(self, seconds):
        message = services.validate_service_settings(idle_timeout_seconds=seconds)
        assert message.startswith(f"idle_timeout_seconds: {seconds} is out of range")
        assert "from 60 to 600" in message

    @pytest.mark.parametrize("name", ["orders.example.com", "Orders.Example.com", "a-b.example.com.", "x.io"])
    def test_domain_names(self, name):
        assert services.validate_service_settings(custom_domain_name=name) is None

    @pytest.mark.parametrize(
        "name", ["example", "-a.example.com", "a-.example.com", "a..example.com", "a b.example.com", "*.example.com"]
    )
    def test_invalid_domain_names(self, name):
        message = services.validate_service_settings(custom_domain_name=name)
        assert message.startswith(f"custom_domain_name: '{name}' is not a valid domain name")

    def test_domain_name_too_long(self):
        name = ".".join(["a" * 63] * 4) + ".com"
        assert services.validate_service_settings(custom_domain_name=name).startswith("custom_domain_name:")

    @pytest.mark.parametrize("arn", [CERT, "", "arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc-1"])
    def test_certificates(self, arn):
        assert services.validate_service_settings(certificate_arn=arn) is None

    @pytest.mark.parametrize("arn", ["arn:aws:iam::123456789012:role/x", "certificate/abc", CERT.upper()])
    def test_invalid_certificates(self, arn):
        message = services.validate_service_settings(certificate_arn=arn)
        assert message.startswith(f"certificate_arn: '{arn}' is not the ARN of an ACM certificate")


class TestBlockers:
    def _client(self, status, associations):
        client = FakeClient(get_service=Scripted(dict(MINIMAL, status=status)))
        client.pages["list_service_network_service_associations"] = [associations]
        return client

    def test_networks_are_named_and_deletions_in_progress_are_temporary(self):
        client = self._client(
            "ACTIVE",
            [
                {"serviceNetworkName": "payments", "serviceNetworkId": "sn-1", "status": "ACTIVE"},
                {"serviceNetworkId": "sn-2", "status": "CREATE_IN_PROGRESS"},
                {"serviceNetworkName": "old", "serviceNetworkId": "sn-3", "status": "DELETE_IN_PROGRESS"},
            ],
        )
        blockers = services.service_blockers(client, SVC_ID)
        assert [(blocker.category, blocker.name, blocker.in_progress) for blocker in blockers] == [
            ("service network association", "payments (sn-1)", False),
            ("service network association", "sn-2", False),
            ("service network association", "old (sn-3)", True),
        ]
        assert client.paginate_calls == [{"serviceIdentifier": SVC_ID}]

    def test_a_service_being_created_blocks_for_a_while(self):
        blockers = services.service_blockers(self._client("CREATE_IN_PROGRESS", []), SVC_ID)
        assert [(blocker.category, blocker.in_progress) for blocker in blockers] == [("service", True)]

    def test_nothing_blocks(self):
        assert services.service_blockers(self._client("ACTIVE", []), SVC_ID) == []
