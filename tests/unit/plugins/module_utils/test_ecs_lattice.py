import pytest

from ansible_collections.lattice.mesh.plugins.module_utils import ecs_lattice

ROLE = "arn:aws:iam::123456789012:role/ecs-lattice"
TG_A = "arn:aws:vpc-lattice:eu-west-1:123456789012:targetgroup/tg-0123456789abcdefa"
TG_B = "arn:aws:vpc-lattice:eu-west-1:123456789012:targetgroup/tg-0123456789abcdefb"


def option(target_group="web-tg", port_name="http", role_arn=ROLE):
    return {"target_group": target_group, "port_name": port_name, "role_arn": role_arn}


def api(target_group_arn, port_name="http", role_arn=ROLE):
    return {"roleArn": role_arn, "targetGroupArn": target_group_arn, "portName": port_name}


class TestValidation:
    def test_unset_and_empty_are_fine(self):
        assert ecs_lattice.validate_configurations(None) is None
        assert ecs_lattice.validate_configurations([]) is None

    @pytest.mark.parametrize("target_group", ["web-tg", "tg-0123456789abcdefa", TG_A])
    def test_target_groups_by_name_id_or_arn(self, target_group):
        assert ecs_lattice.validate_configurations([option(target_group)]) is None

    @pytest.mark.parametrize(
        "item, expected",
        [
            (option(target_group="Web_TG"), "vpc_lattice_configurations[0].target_group: 'Web_TG' is not a valid"),
            (option(port_name="-http"), "vpc_lattice_configurations[0].port_name: '-http' is not a port mapping"),
            (option(role_arn="ecs-lattice"), "vpc_lattice_configurations[0].role_arn: 'ecs-lattice' is not an IAM"),
            (option(role_arn="arn:aws:iam::123456789012:user/bob"), "is not an IAM role ARN"),
        ],
    )
    def test_bad_items_name_the_field(self, item, expected):
        assert expected in ecs_lattice.validate_configurations([item])

    def test_the_same_group_and_port_twice_is_refused(self):
        problem = ecs_lattice.validate_configurations([option(), option(role_arn=ROLE + "-2")])
        assert problem == "vpc_lattice_configurations[1]: target group web-tg with port name http is listed twice"


class TestConfigurations:
    def test_current_configurations_come_from_the_primary_deployment(self):
        service = {
            "deployments": [
                {"status": "ACTIVE", "vpcLatticeConfigurations": [api(TG_B)]},
                {"status": "PRIMARY", "vpcLatticeConfigurations": [dict(api(TG_A), advancedConfiguration={})]},
            ]
        }
        assert ecs_lattice.current_configurations(service) == [api(TG_A)]
        assert ecs_lattice.current_configurations({"deployments": [{"status": "PRIMARY"}]}) == []
        assert ecs_lattice.current_configurations({}) == []

    def test_purge_makes_the_wanted_ones_exact(self):
        assert ecs_lattice.desired_configurations([api(TG_A)], [api(TG_B, "admin")], purge=True) == [api(TG_B, "admin")]
        assert ecs_lattice.desired_configurations([api(TG_A)], [], purge=True) == []

    def test_without_purge_the_wanted_ones_are_added(self):
        desired = ecs_lattice.desired_configurations([api(TG_B, "admin")], [api(TG_A)], purge=False)
        assert desired == [api(TG_A), api(TG_B, "admin")]
        assert ecs_lattice.desired_configurations([api(TG_A)], [api(TG_A)], purge=False) == [api(TG_A)]

    def test_order_does_not_count_as_a_difference(self):
        assert not ecs_lattice.configurations_differ([api(TG_A), api(TG_B)], [api(TG_B), api(TG_A)])
        assert ecs_lattice.configurations_differ([api(TG_A)], [api(TG_A, role_arn=ROLE + "-2")])
        assert ecs_lattice.configurations_differ([], [api(TG_A)])

    def test_result_is_snake_cased_and_sorted(self):
        assert ecs_lattice.configurations_result([api(TG_B), api(TG_A)]) == [
            {"target_group_arn": TG_A, "port_name": "http", "role_arn": ROLE},
            {"target_group_arn": TG_B, "port_name": "http", "role_arn": ROLE},
        ]
