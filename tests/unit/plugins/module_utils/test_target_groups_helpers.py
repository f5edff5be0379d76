import pytest

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import target_groups
from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice.common import (
    AnsibleLatticeError,
    LatticeWaitTimeout,
)
from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import (
    FakeClient,
    Scripted,
    client_error,
)

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:thumbnails"
ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef"
VPC = "vpc-0123456789abcdef0"


def http_config(**extra):
    return dict({"protocol": "HTTP", "vpc": VPC}, **extra)


class TestRequests:
    def test_config_request_maps_options_and_drops_unset_ones(self):
        config = {
            "port": 8080,
            "protocol": "HTTP",
            "protocol_version": None,
            "vpc": VPC,
            "health_check": {
                "path": "/health",
                "interval_seconds": 10,
                "enabled": None,
                "matcher": {"http_code": "200"},
            },
        }
        assert target_groups.target_group_config_request(config) == {
            "port": 8080,
            "protocol": "HTTP",
            "vpcIdentifier": VPC,
            "healthCheck": {"path": "/health", "healthCheckIntervalSeconds": 10, "matcher": {"httpCode": "200"}},
        }

    def test_unset_config_is_none(self):
        assert target_groups.target_group_config_request(None) is None

    def test_false_is_kept(self):
        assert target_groups.health_check_request({"enabled": False}) == {"enabled": False}


class TestPredictedConfig:
    def test_http_ip_group_gets_aws_defaults(self):
        predicted = target_groups.predicted_target_group_config(
            "IP", {"protocol": "HTTPS", "vpcIdentifier": VPC, "healthCheck": {"path": "/ok"}}
        )
        assert predicted["port"] == 443
        assert predicted["protocolVersion"] == "HTTP1"
        assert predicted["ipAddressType"] == "IPV4"
        assert predicted["healthCheck"]["protocol"] == "HTTPS"
        assert predicted["healthCheck"]["enabled"] is True
        assert predicted["healthCheck"]["path"] == "/ok"
        assert predicted["healthCheck"]["healthyThresholdCount"] == 5

    def test_health_checks_are_off_by_default_for_http2(self):
        predicted = target_groups.predicted_target_group_config(
            "INSTANCE", {"protocol": "HTTP", "protocolVersion": "HTTP2", "vpcIdentifier": VPC}
        )
        assert predicted["healthCheck"]["enabled"] is False
        assert "ipAddressType" not in predicted

    def test_tcp_has_no_default_port_nor_protocol_version(self):
        predicted = target_groups.predicted_target_group_config("IP", {"protocol": "TCP", "port": 9000})
        assert predicted["port"] == 9000
        assert "protocolVersion" not in predicted
        assert predicted["healthCheck"]["protocol"] == "HTTP"

    def test_lambda_and_alb_have_no_health_check(self):
        assert target_groups.predicted_target_group_config("LAMBDA", None) == {"lambdaEventStructureVersion": "V1"}
        assert "healthCheck" not in target_groups.predicted_target_group_config("ALB", {"protocol": "HTTP"})


class TestValidate:
    def test_valid_ip_group(self):
        targets = [{"id": "10.0.0.1", "port": None}, {"id": "10.0.0.1", "port": 81}]
        assert target_groups.validate_target_group("IP", http_config(port=80), targets, creating=True) is None

    def test_lambda_takes_no_port_protocol_vpc_or_health_check(self):
        config = {"port": 80, "protocol": "HTTP", "vpc": VPC, "health_check": {"path": "/"}}
        problem = target_groups.validate_target_group("LAMBDA", config, None)
        for option in ("port", "protocol", "vpc", "health_check"):
            assert f"config.{option}: a LAMBDA target group takes no {option}" in problem

    def test_lambda_holds_one_function_without_port(self):
        targets = [{"id": LAMBDA_ARN, "port": 80}, {"id": "10.0.0.1", "port": None}]
        problem = target_groups.validate_target_group("LAMBDA", None, targets)
        assert "targets[0].port: a Lambda target takes no port" in problem
        assert "targets[1].id: '10.0.0.1' is not valid" in problem
        assert "holds one target" in problem

    def test_creating_requires_protocol_and_vpc_and_a_tcp_port(self):
        problem = target_groups.validate_target_group("INSTANCE", {}, None, creating=True)
        assert "config.protocol: required" in problem and "config.vpc: required" in problem
        problem = target_groups.validate_target_group("IP", {"protocol": "TCP", "vpc": VPC}, None, creating=True)
        assert "config.port: required to create a TCP target group" in problem
        # an existing group: unset means "leave alone"
        assert target_groups.validate_target_group("INSTANCE", {}, None) is None

    def test_alb_rules(self):
        config = http_config(protocol="TCP", health_check={"path": "/"})
        problem = target_groups.validate_target_group("ALB", config, [{"id": "i-0123456789abcdef0", "port": None}])
        assert "config.protocol: an ALB target group forwards HTTP or HTTPS" in problem
        assert "config.health_check: VPC Lattice runs no health checks for ALB" in problem
        assert "Application Load Balancer ARNs" in problem
        assert target_groups.validate_target_group("ALB", http_config(), [{"id": ALB_ARN, "port": None}]) is None

    def test_type_specific_options(self):
        problem = target_groups.validate_target_group(
            "INSTANCE", http_config(ip_address_type="IPV6", lambda_event_structure_version="V2"), None
        )
        assert "config.ip_address_type: only IP target groups" in problem
        assert "config.lambda_event_structure_version: only LAMBDA" in problem

    def test_ip_version_follows_the_group(self):
        ipv6_target = [{"id": "2001:db8::1", "port": None}]
        assert "IPv4 addresses" in target_groups.validate_target_group("IP", http_config(), ipv6_target)
        assert target_groups.validate_target_group("IP", http_config(ip_address_type="IPV6"), ipv6_target) is None
        # an existing group's IP version, when the options leave it out
        assert target_groups.validate_target_group("IP", None, ipv6_target, ip_address_type="IPV6") is None

    def test_ranges_and_patterns(self):
        config = http_config(
            port=0,
            vpc="vpc-nope",
            health_check={
                "interval_seconds": 0,
                "timeout_seconds": 121,
                "healthy_threshold_count": 1,
                "unhealthy_threshold_count": 11,
                "port": 70000,
                "path": "health",
                "matcher": {"http_code": "2xx"},
            },
        )
        targets = [{"id": "10.0.0.1", "port": 65536}]
        problem = target_groups.validate_target_group(None, config, targets)
        for expected in (
            "config.port: 0 is out of range; use a value from 1 to 65535",
            "config.vpc: 'vpc-nope' is not a VPC ID",
            "config.health_check.interval_seconds: 0 is out of range; use a value from 5 to 300",
            "config.health_check.timeout_seconds: 121",
            "config.health_check.healthy_threshold_count: 1",
            "config.health_check.unhealthy_threshold_count: 11",
            "config.health_check.port: 70000",
            "config.health_check.path: 'health' must begin with '/'",
            "config.health_check.matcher.http_code: '2xx'",
            "targets[0].port: 65536",
        ):
            assert expected in problem

    def test_duplicate_targets(self):
        targets = [{"id": "10.0.0.1", "port": 80}, {"id": "10.0.0.1", "port": 80}]
        assert "targets[1]: 10.0.0.1 (port 80) is listed twice" in target_groups.validate_target_group(
            "IP", None, targets
        )

    @pytest.mark.parametrize("code", ["200", "200,202", "200-299"])
    def test_http_codes(self, code):
        assert (
            target_groups.validate_target_group(None, {"health_check": {"matcher": {"http_code": code}}}, None) is None
        )


class TestTargetChanges:
    def test_register_missing_and_purge_unlisted(self):
        current = [
            {"id": "10.0.0.1", "port": 80, "status": "HEALTHY"},
            {"id": "10.0.0.2", "port": 80, "status": "HEALTHY"},
        ]
        desired = target_groups.desired_targets("IP", [{"id": "10.0.0.1"}, {"id": "10.0.0.3", "port": 81}], 80)
        assert target_groups.target_changes("IP", current, desired) == (
            [{"id": "10.0.0.3", "port": 81}],
            [{"id": "10.0.0.2", "port": 80}],
        )
        assert target_groups.target_changes("IP", current, desired, purge=False) == (
            [{"id": "10.0.0.3", "port": 81}],
            [],
        )

    def test_same_target_on_another_port_is_another_target(self):
        current = [{"id": "i-0123456789abcdef0", "port": 80, "status": "HEALTHY"}]
        desired = target_groups.desired_targets("INSTANCE", [{"id": "i-0123456789abcdef0", "port": 8080}], 80)
        assert target_groups.target_changes("INSTANCE", current, desired) == (
            [{"id": "i-0123456789abcdef0", "port": 8080}],
            [{"id": "i-0123456789abcdef0", "port": 80}],
        )

    def test_lambda_targets_compare_without_port(self):
        # AWS may report a port of 0 (or none) for a Lambda target: no perpetual change.
        desired = target_groups.desired_targets("LAMBDA", [{"id": LAMBDA_ARN}], None)
        for reported in ({"id": LAMBDA_ARN, "status": "UNUSED"}, {"id": LAMBDA_ARN, "port": 0, "status": "UNUSED"}):
            assert target_groups.target_changes("LAMBDA", [reported], desired) == ([], [])

    def test_draining_targets_are_registered_again_or_left_alone(self):
        current = [
            {"id": "10.0.0.1", "port": 80, "status": "DRAINING"},
            {"id": "10.0.0.2", "port": 80, "status": "DRAINING"},
        ]
        desired = target_groups.desired_targets("IP", [{"id": "10.0.0.1"}], 80)
        assert target_groups.target_changes("IP", current, desired) == ([{"id": "10.0.0.1", "port": 80}], [])

    def test_predicted_targets(self):
        current = [
            {"id": "10.0.0.2", "port": 80, "status": "HEALTHY"},
            {"id": "10.0.0.1", "port": 80, "status": "UNUSED"},
        ]
        predicted = target_groups.predicted_targets(
            "IP", current, [{"id": "10.0.0.3", "port": 80}], [{"id": "10.0.0.2", "port": 80}]
        )
        assert predicted == [
            {"id": "10.0.0.1", "port": 80, "status": "UNUSED", "reason_code": None},
            {"id": "10.0.0.3", "port": 80, "status": None, "reason_code": None},
        ]

    def test_unsettled_targets(self):
        items = [
            {"id": "10.0.0.1", "port": 80, "status": "HEALTHY"},
            {"id": "10.0.0.2", "port": 80, "status": "UNHEALTHY", "reasonCode": "HealthCheckFailed"},
            {"id": "10.0.0.3", "port": 80, "status": "DRAINING"},
            {"id": "10.0.0.4", "port": 80, "status": "UNAVAILABLE"},
        ]
        assert target_groups.unsettled_targets("IP", items) == ["10.0.0.2:80 UNHEALTHY (HealthCheckFailed)"]
        wanted = [{"id": "10.0.0.1", "port": 80}, {"id": "10.0.0.5", "port": 80}]
        assert target_groups.unsettled_targets("IP", items, wanted) == ["10.0.0.5:80 not listed yet"]


def list_targets_client(*pages_per_call):
    client = FakeClient()
    answers = list(pages_per_call)

    def get_paginator(operation):
        assert operation == "list_targets"
        client.pages["list_targets"] = answers.pop(0) if len(answers) > 1 else answers[0]
        return FakeClient.get_paginator(client, operation)

    client.get_paginator = get_paginator
    return client


class TestAwsCalls:
    def test_wait_for_targets_until_healthy(self, clock):
        client = list_targets_client(
            [[{"id": "10.0.0.1", "port": 80, "status": "INITIAL"}]],
            [[{"id": "10.0.0.1", "port": 80, "status": "HEALTHY"}]],
        )
        items = target_groups.wait_for_targets(client, "tg-1", "IP", sleep=clock.sleep, clock=clock, timeout=60)
        assert items == [{"id": "10.0.0.1", "port": 80, "status": "HEALTHY"}]
        assert len(clock.sleeps) == 1

    def test_wait_for_targets_times_out_naming_them(self, clock):
        client = list_targets_client([[{"id": "10.0.0.1", "port": 80, "status": "UNHEALTHY", "reasonCode": "Timeout"}]])
        with pytest.raises(LatticeWaitTimeout) as excinfo:
            target_groups.wait_for_targets(client, "tg-1", "IP", sleep=clock.sleep, clock=clock, timeout=30)
        assert excinfo.value.message == (
            "Timed out after 30 seconds waiting for the targets of target group tg-1 to become HEALTHY"
            " (last status 10.0.0.1:80 UNHEALTHY (Timeout))"
        )

    def test_list_targets_of_a_missing_group_is_none(self):
        client = FakeClient()
        client.get_paginator = Scripted(client_error("ResourceNotFoundException"))
        assert target_groups.list_targets(client, "tg-1") is None

    def test_refused_targets_fail_with_aws_reasons(self):
        client = FakeClient(
            deregister_targets=Scripted({"successful": [], "unsuccessful": []}),
            register_targets=Scripted(
                {
                    "successful": [{"id": "10.0.0.1", "port": 80}],
                    "unsuccessful": [
                        {"id": "10.0.0.2", "port": 80, "failureCode": "InvalidTarget", "failureMessage": "not in VPC"}
                    ],
                }
            ),
        )
        targets = [{"id": "10.0.0.1", "port": 80}, {"id": "10.0.0.2", "port": 80}]
        with pytest.raises(AnsibleLatticeError) as excinfo:
            target_groups.change_targets(client, "tg-1", targets, [])
        assert excinfo.value.message == (
            "Failed to register 1 target(s) of target group tg-1: 10.0.0.2:80 InvalidTarget: not in VPC"
        )
        assert client.register_targets.calls == [
            {"targetGroupIdentifier": "tg-1", "targets": targets, "aws_retry": True}
        ]
        assert client.deregister_targets.calls == []

    def test_targets_go_in_batches_of_100(self):
        client = FakeClient(register_targets=Scripted({"successful": [], "unsuccessful": []}))
        targets = [{"id": f"10.0.{n // 250}.{n % 250}", "port": 80} for n in range(250)]
        target_groups.change_targets(client, "tg-1", targets, [])
        assert [len(call["targets"]) for call in client.register_targets.calls] == [100, 100, 50]

    def test_blockers_name_the_services_and_wait_out_creation(self):
        service_arn = "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0"
        client = FakeClient(get_service=Scripted({"id": "svc-0123456789abcdef0", "name": "orders"}))
        blockers = target_groups.target_group_blockers(
            client, "tg-1", {"id": "tg-1", "name": "web", "status": "CREATE_IN_PROGRESS", "serviceArns": [service_arn]}
        )
        assert [(blocker.category, blocker.name, blocker.in_progress) for blocker in blockers] == [
            ("target group", "web (CREATE_IN_PROGRESS)", True),
            ("dependent service", "orders (svc-0123456789abcdef0)", False),
        ]


class TestChangesToADeployedGroup:
    """What the target_group module (and mesh_services_in_sync) finds different in a deployed group."""

    DEPLOYED = {
        "type": "IP",
        "config": {
            "port": 443,
            "protocol": "HTTPS",
            "protocolVersion": "HTTP1",
            "ipAddressType": "IPV4",
            "vpcIdentifier": VPC,
            "healthCheck": {"enabled": True, "path": "/health", "matcher": {"httpCode": "200"}},
        },
    }

    def test_unset_or_defaulted_settings_are_no_change(self):
        assert target_groups.target_group_immutable_changes(self.DEPLOYED, None, None) == []
        same = {"protocol": "HTTPS", "port": 443, "vpc": VPC, "health_check": {"path": "/health"}}
        assert target_groups.target_group_immutable_changes(self.DEPLOYED, "IP", same) == []
        assert target_groups.health_check_updates(self.DEPLOYED, same) == {}

    def test_type_port_and_vpc_cannot_change_in_place(self):
        changes = target_groups.target_group_immutable_changes(
            self.DEPLOYED, "INSTANCE", {"port": 8443, "vpc": "vpc-0ffffffffffffffff"}
        )
        assert sorted(field for field, dummy, dummy2 in changes) == ["port", "type", "vpcIdentifier"]

    def test_health_check_changes_are_the_fields_that_differ(self):
        config = {"health_check": {"path": "/ready", "matcher": {"http_code": "200"}}}
        assert target_groups.target_group_immutable_changes(self.DEPLOYED, "IP", config) == []
        assert target_groups.health_check_updates(self.DEPLOYED, config) == {"path": "/ready"}
