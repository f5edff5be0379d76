import json

import pytest

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import policies
from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice.common import AnsibleLatticeError
from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import (
    FakeClient,
    Scripted,
    client_error,
)

SN_ID = "sn-0123456789abcdefg"
SN_ARN = f"arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/{SN_ID}"
SVC_ID = "svc-0123456789abcdefg"
SVC_ARN = f"arn:aws:vpc-lattice:eu-west-1:123456789012:service/{SVC_ID}"
NETWORK = {"id": SN_ID, "arn": SN_ARN, "name": "payments", "authType": "AWS_IAM"}
SERVICE = {"id": SVC_ID, "arn": SVC_ARN, "name": "payments", "authType": "NONE"}
NOT_FOUND = client_error("ResourceNotFoundException")
NO_STATEMENT = "policy: a policy needs a Statement: an object or a non-empty list of objects."
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/lattice/access"


@pytest.fixture(autouse=True)
def _instant_waits(monkeypatch):
    from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import waiters

    monkeypatch.setattr(waiters.time, "sleep", lambda seconds: None)


class TestPolicyResource:
    @pytest.mark.parametrize(
        "identifier, resource_type, expected",
        [
            ("payments", None, ("service_network", "service")),
            ("payments", "service", ("service",)),
            (SN_ID, None, ("service_network",)),
            (SVC_ARN, None, ("service",)),
        ],
    )
    def test_kinds(self, identifier, resource_type, expected):
        assert policies.policy_resource_kinds(identifier, resource_type) == expected

    @pytest.mark.parametrize("identifier", ["payments", SN_ID, SN_ARN, SVC_ID, SVC_ARN, "a" * 60])
    def test_valid(self, identifier):
        assert policies.validate_policy_resource(identifier) is None

    def test_a_name_too_long_for_a_service(self):
        problem = policies.validate_policy_resource("a" * 60, "service")
        assert problem.startswith("resource: 'aaaa") and "not a valid service name" in problem

    def test_an_invalid_name(self):
        problem = policies.validate_policy_resource("Payments_Net")
        assert problem.startswith("resource: 'Payments_Net' is not a valid service network name")

    def test_an_arn_of_another_kind(self):
        arn = "arn:aws:vpc-lattice:eu-west-1:123456789012:targetgroup/tg-0123456789abcdefg"
        assert policies.validate_policy_resource(arn) == (
            f"resource: {arn} is not the ARN of a service network or service."
        )
        assert "is not the ARN of a service network or service" in policies.validate_policy_resource(
            "arn:aws:s3:::bucket"
        )

    def test_an_arn_contradicting_resource_type(self):
        problem = policies.validate_policy_resource(SVC_ARN, "service_network")
        assert problem.startswith(f"resource: {SVC_ARN} is the ARN of a service, but resource_type is service_network")

    def test_required(self):
        assert policies.validate_policy_resource("") == (
            "resource: the name, ID or ARN of a service network or service is required."
        )


class TestFindPolicyResource:
    def test_a_name_is_looked_up_among_networks_and_services(self):
        client = FakeClient(get_service_network=Scripted(dict(NETWORK)))
        client.pages["list_service_networks"] = [[{"id": SN_ID, "name": "payments"}]]
        client.pages["list_services"] = [[{"id": "svc-other", "name": "other"}]]
        assert policies.find_policy_resource(client, "payments") == ("service_network", NETWORK)

    def test_a_name_both_have_is_ambiguous(self):
        client = FakeClient(get_service_network=Scripted(dict(NETWORK)), get_service=Scripted(dict(SERVICE)))
        client.pages["list_service_networks"] = [[{"id": SN_ID, "name": "payments"}]]
        client.pages["list_services"] = [[{"id": SVC_ID, "name": "payments"}]]
        with pytest.raises(
            AnsibleLatticeError, match=r"^resource: both a service network and a service .*set resource_type"
        ):
            policies.find_policy_resource(client, "payments")

    def test_resource_type_settles_it(self):
        client = FakeClient(get_service=Scripted(dict(SERVICE)))
        client.pages["list_services"] = [[{"id": SVC_ID, "name": "payments"}]]
        assert policies.find_policy_resource(client, "payments", "service") == ("service", SERVICE)
        assert client.paginate_calls == [{}]

    def test_an_id_is_got_directly(self):
        client = FakeClient(get_service=Scripted(dict(SERVICE)))
        assert policies.find_policy_resource(client, SVC_ID) == ("service", SERVICE)
        assert client.get_service.calls == [{"serviceIdentifier": SVC_ID, "aws_retry": True}]

    def test_nothing(self):
        client = FakeClient(get_service_network=Scripted(NOT_FOUND))
        assert policies.find_policy_resource(client, SN_ARN) == (None, None)
        assert str(policies.missing_policy_resource(SN_ARN)) == (
            f"resource: there is no service network '{SN_ARN}'; create it first"
        )


class TestPolicyDocuments:
    def test_load(self):
        assert policies.load_policy(json.dumps(POLICY, indent=2)) == POLICY
        assert policies.load_policy(POLICY) is POLICY
        assert policies.load_policy(None) is None
        assert policies.load_policy("") is None

    def test_render_is_compact_without_newlines(self):
        document = {"Statement": [{"Sid": "line\nbreak", "Effect": "Allow"}]}
        text = policies.render_policy(document)
        assert text == '{"Statement":[{"Sid":"line\\nbreak","Effect":"Allow"}]}'
        assert "\n" not in text and json.loads(text) == document

    def test_valid(self):
        assert policies.validate_policy(POLICY) is None
        assert policies.validate_policy(json.dumps(POLICY)) is None
        assert policies.validate_policy({"Statement": {"Effect": "Allow"}}) is None

    def test_malformed_json_names_the_option_and_position(self):
        assert policies.validate_policy('{\n  "Statement": [}') == (
            "policy: not valid JSON: Expecting value: line 2 column 17 (char 18)."
        )

    @pytest.mark.parametrize(
        "value, message",
        [
            ('["a"]', "policy: a policy must be a JSON object (with Version and Statement), not list."),
            (
                {"Version": "2012-10-17"},
                "policy: a policy needs a Statement: an object or a non-empty list of objects.",
            ),
            ({"Statement": []}, NO_STATEMENT),
            ({"Statement": ["Allow"]}, NO_STATEMENT),
        ],
    )
    def test_not_a_policy(self, value, message):
        assert policies.validate_policy(value) == message

    def test_size_is_measured_on_the_compact_utf8_text(self):
        document = {"Statement": {"Sid": "é" * 10}}
        size = len(policies.render_policy(document).encode("utf-8"))
        assert policies.validate_policy(json.dumps(document, indent=8), max_bytes=size) is None
        assert policies.validate_policy(document, max_bytes=size - 1) == (
            f"policy: the policy is {size} bytes as compact JSON; the quota is {size - 1} bytes."
        )
        chars = len(policies.render_policy(document))
        assert policies.validate_policy(document, max_chars=chars) is None
        assert "at most 10 are allowed" in policies.validate_policy(document, field="policy", max_chars=10)


class TestPolicies:
    def test_get_parses_the_document(self):
        client = FakeClient(get_auth_policy=Scripted({"policy": json.dumps(POLICY), "state": "Active"}))
        assert policies.get_policy(client, "auth_policy", NETWORK) == {"policy": POLICY, "state": "Active"}
        assert client.get_auth_policy.calls == [{"resourceIdentifier": SN_ID, "aws_retry": True}]

    @pytest.mark.parametrize("answer", [NOT_FOUND, {}, {"policy": ""}])
    def test_get_without_a_policy(self, answer):
        client = FakeClient(get_resource_policy=Scripted(answer))
        assert policies.get_policy(client, "resource_policy", NETWORK) is None

    def test_resource_policies_take_the_arn(self):
        client = FakeClient(put_resource_policy=Scripted({}))
        policies.put_policy(client, "resource_policy", SERVICE, POLICY)
        assert client.put_resource_policy.calls == [
            {"resourceArn": SVC_ARN, "policy": policies.render_policy(POLICY), "aws_retry": True}
        ]

    def test_delete(self):
        client = FakeClient(delete_auth_policy=Scripted({}, NOT_FOUND))
        assert policies.delete_policy(client, "auth_policy", NETWORK) is True
        assert policies.delete_policy(client, "auth_policy", NETWORK) is False

    def test_ensure_the_same_document_puts_nothing(self):
        client = FakeClient(put_auth_policy=Scripted(AssertionError("no put expected")))
        current = {"policy": {"Statement": POLICY["Statement"][0], "Version": "2012-10-17"}, "state": "Active"}
        changed, result = policies.ensure_policy(
            client, "auth_policy", "service_network", NETWORK, current, POLICY, False
        )
        assert changed is False
        assert result == {
            "policy": current["policy"],
            "state": "Active",
            "resource_id": SN_ID,
            "resource_arn": SN_ARN,
            "resource_type": "service_network",
        }

    def test_ensure_in_check_mode_predicts(self):
        client = FakeClient(put_auth_policy=Scripted(AssertionError("no put expected")))
        changed, result = policies.ensure_policy(client, "auth_policy", "service", SERVICE, None, POLICY, True)
        assert changed is True
        assert result["policy"] == POLICY and result["state"] == "Inactive"

    def test_ensure_puts_and_reads_back(self):
        stored = {"policy": policies.render_policy(POLICY), "state": "Active", "createdAt": "now"}
        client = FakeClient(put_auth_policy=Scripted(dict(stored)), get_auth_policy=Scripted(NOT_FOUND, dict(stored)))
        changed, result = policies.ensure_policy(client, "auth_policy", "service_network", NETWORK, None, POLICY, False)
        assert changed is True
        assert result["policy"] == POLICY and result["created_at"] == "now"
        assert len(client.put_auth_policy.calls) == 1 and len(client.get_auth_policy.calls) == 2

    def test_remove(self):
        client = FakeClient(delete_auth_policy=Scripted(AssertionError("no delete expected")))
        assert policies.remove_policy(client, "auth_policy", NETWORK, None, False) is False
        assert policies.remove_policy(client, "auth_policy", NETWORK, {"policy": POLICY}, True) is True


class TestAccessLogDestinations:
    @pytest.mark.parametrize(
        "arn, destination_type",
        [
            (LOG_GROUP, "logs"),
            (LOG_GROUP + ":*", "logs"),
            ("arn:aws:s3:::my-log-bucket", "s3"),
            ("arn:aws:s3:::my.log.bucket/lattice/", "s3"),
            ("arn:aws-us-gov:firehose:us-gov-west-1:123456789012:deliverystream/lattice_1", "firehose"),
        ],
    )
    def test_valid(self, arn, destination_type):
        assert policies.validate_destination_arn(arn) is None
        assert policies.access_log_destination_type(arn) == destination_type

    def test_another_service(self):
        problem = policies.validate_destination_arn("arn:aws:sqs:eu-west-1:123456789012:queue")
        assert problem.startswith(
            "destination_arn: 'arn:aws:sqs:eu-west-1:123456789012:queue' is not the ARN of an access log destination;"
        )
        assert "S3 bucket (arn:aws:s3:::my-bucket)" in problem
        assert policies.access_log_destination_type("not an arn") is None

    @pytest.mark.parametrize(
        "arn, label",
        [
            ("arn:aws:logs:eu-west-1:log-group:x", "CloudWatch Logs log group"),
            ("arn:aws:s3:::My_Bucket", "S3 bucket"),
            ("arn:aws:firehose:eu-west-1:123456789012:stream/x", "Kinesis Data Firehose delivery stream"),
        ],
    )
    def test_malformed(self, arn, label):
        problem = policies.validate_destination_arn(arn)
        assert problem.startswith(f"destination_arn: '{arn}' is not a valid {label} ARN; expected for example arn:")

    def test_same_destination(self):
        assert policies.same_destination(LOG_GROUP, LOG_GROUP + ":*")
        assert not policies.same_destination(LOG_GROUP, LOG_GROUP + "-2")
        assert not policies.same_destination("arn:aws:s3:::a:*", "arn:aws:s3:::a")
        assert not policies.same_destination(None, LOG_GROUP)

    def test_effective_log_type(self):
        assert policies.effective_log_type("service_network", None) == "SERVICE"
        assert policies.effective_log_type("service_network", "RESOURCE") == "RESOURCE"
        assert policies.effective_log_type("service", None) is None


class TestFindAccessLogSubscription:
    def items(self, *items):
        client = FakeClient()
        client.pages["list_access_log_subscriptions"] = [list(items)]
        return client

    def test_by_destination_type_and_log_type(self):
        logs_service = {"id": "als-1", "destinationArn": LOG_GROUP, "serviceNetworkLogType": "SERVICE"}
        logs_resource = {"id": "als-2", "destinationArn": LOG_GROUP, "serviceNetworkLogType": "RESOURCE"}
        s3 = {"id": "als-3", "destinationArn": "arn:aws:s3:::bucket"}
        client = self.items(logs_service, logs_resource, s3)
        assert policies.find_access_log_subscription(client, "service_network", NETWORK, "logs", "SERVICE") == (
            logs_service
        )
        assert policies.find_access_log_subscription(client, "service_network", NETWORK, "logs", "RESOURCE") == (
            logs_resource
        )
        # A network's subscription AWS reports without a log type logs SERVICE traffic.
        assert policies.find_access_log_subscription(client, "service_network", NETWORK, "s3", "SERVICE") == s3
        assert policies.find_access_log_subscription(client, "service_network", NETWORK, "firehose", "SERVICE") is None
        assert client.paginate_calls[0] == {"resourceIdentifier": SN_ID}

    def test_several_ask_for_the_id(self):
        client = self.items({"id": "als-1", "destinationArn": LOG_GROUP}, {"id": "als-2", "destinationArn": LOG_GROUP})
        with pytest.raises(AnsibleLatticeError, match=r"has 2 access log subscriptions .*\(als-1, als-2\).* by its id"):
            policies.find_access_log_subscription(client, "service", SERVICE, "logs", None)


class TestInvokePolicies:
    OTHER_ARN = "arn:aws:vpc-lattice:eu-west-1:210987654321:service/svc-0fedcba9876543210"
    ROLE = "arn:aws:iam::123456789012:role/dev-web-role"

    def test_services_scope_names_each_service_and_its_paths_once(self):
        assert policies.invoke_resources([SVC_ARN, self.OTHER_ARN, SVC_ARN]) == [
            SVC_ARN,
            self.OTHER_ARN,
            SVC_ARN + "/*",
            self.OTHER_ARN + "/*",
        ]

    def test_accounts_scope_names_every_service_of_each_account_once(self):
        second = SVC_ARN.replace(SVC_ID, "svc-0aaaaaaaaaaaaaaaa")
        assert policies.invoke_resources([SVC_ARN, second, self.OTHER_ARN], "accounts") == [
            "arn:aws:vpc-lattice:eu-west-1:123456789012:service/*",
            "arn:aws:vpc-lattice:eu-west-1:210987654321:service/*",
        ]

    def test_a_network_policy_has_one_statement_per_grant_with_principals(self):
        grants = [
            {"principals": [self.ROLE, self.ROLE], "services": [SVC_ARN]},
            {"principals": [], "services": [self.OTHER_ARN]},
        ]
        assert policies.network_auth_policy(grants) == {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": [self.ROLE]},
                    "Action": "vpc-lattice-svcs:Invoke",
                    "Resource": [SVC_ARN, SVC_ARN + "/*"],
                }
            ],
        }

    def test_a_network_policy_without_principals_is_none(self):
        assert policies.network_auth_policy([{"principals": [], "services": [SVC_ARN]}]) is None
        assert policies.network_auth_policy([]) is None

    def test_a_service_policy_admits_exactly_its_principals(self):
        document = policies.service_auth_policy(SVC_ARN, [self.ROLE])
        assert document["Statement"][0]["Principal"] == {"AWS": [self.ROLE]}
        assert document["Statement"][0]["Resource"] == [SVC_ARN, SVC_ARN + "/*"]
