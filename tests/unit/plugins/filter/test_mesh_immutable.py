"""mesh_immutable_problems: declared changes to fields VPC Lattice cannot change in place, found before any change."""

from ansible_collections.lattice.mesh.plugins.filter.mesh import mesh_immutable_problems, mesh_plan

MESH = {
    "vpcs": [{"name": "app", "cidr": "10.0.0.0/16", "subnets": [{"cidr": "10.0.1.0/24"}]}],
    "services": [
        {
            "name": "api",
            "vpc": "app",
            "target_groups": [{"name": "api-tg", "type": "IP", "protocol": "HTTPS"}],
            "listeners": [
                {"name": "web", "protocol": "HTTPS", "default_action": {"forward": [{"target_group": "api-tg"}]}}
            ],
        }
    ],
}
PLAN = mesh_plan(MESH, "dev")


def deployed_group(**config):
    return {"name": "dev-api-tg", "type": "IP", "config": {"port": 443, "protocol": "HTTPS", **config}}


def deployed_listeners(**fields):
    return {"dev-api": [{"name": "dev-api-web", "protocol": "HTTPS", "port": 443, **fields}]}


def test_nothing_deployed_or_nothing_changed_is_no_problem():
    assert mesh_immutable_problems(PLAN, [], {}) == []
    # the declared port is unset: HTTPS means 443, as AWS fills it in
    assert mesh_immutable_problems(PLAN, [deployed_group()], deployed_listeners()) == []


def test_a_target_group_port_change_names_the_field_and_the_way_out():
    (problem,) = mesh_immutable_problems(PLAN, [deployed_group(port=8443)], deployed_listeners())
    assert problem.startswith("dev: services[api].target_groups[api-tg].port: the deployed target group 'dev-api-tg'")
    assert "has port 8443, the declaration 443" in problem and "new name" in problem


def test_type_and_protocol_changes_are_each_reported():
    group = {"name": "dev-api-tg", "type": "INSTANCE", "config": {"port": 443, "protocol": "HTTP"}}
    problems = mesh_immutable_problems(PLAN, [group], {})
    assert [problem.split(":")[1].strip() for problem in problems] == [
        "services[api].target_groups[api-tg].type",
        "services[api].target_groups[api-tg].protocol",
    ]


def test_a_listener_protocol_or_port_change_is_reported():
    problems = mesh_immutable_problems(PLAN, [], deployed_listeners(protocol="HTTP", port=80))
    assert [problem.split(":")[1].strip() for problem in problems] == [
        "services[api].listeners[web].protocol",
        "services[api].listeners[web].port",
    ]


def test_resources_of_other_meshes_are_ignored():
    other = {"name": "prod-api-tg", "type": "LAMBDA", "config": {}}
    assert mesh_immutable_problems(PLAN, [other], {"prod-api": [{"name": "x", "port": 1}]}) == []
