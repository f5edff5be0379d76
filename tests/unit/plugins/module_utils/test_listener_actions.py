import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import listeners
from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice.common import AnsibleLatticeError
from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import FakeClient, client_error

ACCOUNT_PREFIX = "arn:aws:vpc-lattice:us-east-1:123456789012"
TG_A = "tg-0123456789abcdef0"
TG_B = "tg-0123456789abcdef1"
SERVICE = "svc-0123456789abcdef0"
OTHER_SERVICE = "svc-0123456789abcdef1"


def target_group(tg_id, name, protocol="HTTP", services=()):
    return {
        "id": tg_id,
        "arn": f"{ACCOUNT_PREFIX}:targetgroup/{tg_id}",
        "name": name,
        "type": "INSTANCE",
        "config": {"protocol": protocol, "port": 80},
        "serviceArns": [f"{ACCOUNT_PREFIX}:service/{service}" for service in services],
    }


def forward(*entries):
    return {"forward": {"target_groups": [dict(entry) for entry in entries]}}


class TestValidateAction:
    @pytest.mark.parametrize(
        "action",
        [
            forward({"target_group": "a"}),
            forward({"target_group": "a", "weight": 0}, {"target_group": "b", "weight": 999}),
            {"fixed_response": {"status_code": 404}},
            {"fixed_response": {"status_code": 500}},
            None,
        ],
    )
    def test_valid(self, action):
        assert listeners.validate_action(action, "action") is None

    @pytest.mark.parametrize(
        "action, protocol, expected",
        [
            ({}, None, "action: set exactly one of forward and fixed_response."),
            (
                dict(forward({"target_group": "a"}), fixed_response={"status_code": 404}),
                None,
                "action: set exactly one",
            ),
            (forward(), None, "action.forward.target_groups: a forward action names 1 to 10 target groups, not 0"),
            (
                forward(*({"target_group": f"g{n}", "weight": 1} for n in range(11))),
                None,
                "names 1 to 10 target groups, not 11",
            ),
            (forward({"target_group": "a"}, {"target_group": "b", "weight": 1}), None, "target_groups[0].weight:"),
            (forward({"target_group": "a", "weight": 1000}), None, "target_groups[0].weight: 1000 is out of range"),
            (forward({"target_group": "a", "weight": -1}), None, "use 0 to 999"),
            (
                forward({"target_group": "a", "weight": 1}, {"target_group": "a", "weight": 2}),
                None,
                "each target group may appear once (a appears more than once)",
            ),
            ({"fixed_response": {"status_code": 403}}, None, "supports only 404 and 500, not 403"),
            ({"fixed_response": {"status_code": 404}}, "TLS_PASSTHROUGH", "a TLS_PASSTHROUGH listener can only"),
        ],
    )
    def test_invalid(self, action, protocol, expected):
        assert expected in listeners.validate_action(action, "action", protocol)


class TestValidateMatch:
    def test_valid(self):
        match = {
            "http_match": {
                "method": "POST",
                "path_match": {"prefix": "/api/v2?x=1&y=%20"},
                "header_matches": [{"name": "x-a", "contains": "b", "case_sensitive": True}],
            }
        }
        assert listeners.validate_match(match) is None
        assert listeners.validate_match(None) is None

    @pytest.mark.parametrize(
        "http_match, expected",
        [
            ({}, "match.http_match: set at least one of method, path_match and header_matches."),
            ({"method": "get"}, "match.http_match.method: 'get' is not an HTTP method"),
            ({"method": "A" * 17}, "is not an HTTP method"),
            ({"path_match": {}}, "match.http_match.path_match: set exactly one of exact and prefix."),
            ({"path_match": {"exact": "/a", "prefix": "/b"}}, "set exactly one of exact and prefix"),
            ({"path_match": {"exact": "api"}}, "match.http_match.path_match.exact: 'api' is not a valid path"),
            ({"path_match": {"prefix": "/a b"}}, "'/a b' is not a valid path"),
            ({"path_match": {"prefix": "/" + "a" * 200}}, "at most 200 characters"),
            ({"header_matches": []}, "a rule matches 1 to 5 headers, not 0"),
            ({"header_matches": [{"name": f"h{n}", "exact": "v"} for n in range(6)]}, "1 to 5 headers, not 6"),
            ({"header_matches": [{"name": "", "exact": "v"}]}, "header_matches[0].name: a header name is 1 to 100"),
            ({"header_matches": [{"name": "h", "exact": "v", "prefix": "v"}]}, "exact, prefix and contains"),
            ({"header_matches": [{"name": "h", "contains": ""}]}, "header_matches[0].contains: the value to match"),
        ],
    )
    def test_invalid(self, http_match, expected):
        assert expected in listeners.validate_match({"http_match": http_match})


def test_validate_range():
    assert listeners.validate_range(None, (1, 2000), "priority", "rule priority") is None
    assert listeners.validate_range(2000, (1, 2000), "priority", "rule priority") is None
    assert listeners.validate_range(0, (1, 2000), "priority", "rule priority") == (
        "priority: 0 is not a valid rule priority; use 1 to 2000."
    )


class TestMatchToApi:
    def test_full(self):
        match = {
            "http_match": {
                "method": "GET",
                "path_match": {"exact": "/a", "prefix": None, "case_sensitive": False},
                "header_matches": [
                    {"name": "x-a", "exact": None, "prefix": "p", "contains": None, "case_sensitive": None},
                ],
            }
        }
        assert listeners.match_to_api(match) == {
            "httpMatch": {
                "method": "GET",
                "pathMatch": {"match": {"exact": "/a"}, "caseSensitive": False},
                "headerMatches": [{"name": "x-a", "match": {"prefix": "p"}}],
            }
        }

    def test_unset_fields_left_out(self):
        match = {"http_match": {"method": None, "path_match": {"prefix": "/"}, "header_matches": None}}
        assert listeners.match_to_api(match) == {"httpMatch": {"pathMatch": {"match": {"prefix": "/"}}}}
        assert listeners.match_to_api(None) is None


class TestMatchesEqual:
    def test_aws_defaults_and_order_make_no_difference(self):
        current = {
            "httpMatch": {
                "pathMatch": {"match": {"prefix": "/api"}, "caseSensitive": True},
                "headerMatches": [
                    {"name": "X-Env", "match": {"exact": "prod"}, "caseSensitive": False},
                    {"name": "x-team", "match": {"contains": "mesh"}},
                ],
            }
        }
        desired = {
            "httpMatch": {
                "pathMatch": {"match": {"prefix": "/api"}},
                "headerMatches": [
                    {"name": "x-team", "match": {"contains": "mesh"}, "caseSensitive": False},
                    {"name": "x-env", "match": {"exact": "prod"}},
                ],
            }
        }
        assert listeners.matches_equal(current, desired)

    @pytest.mark.parametrize(
        "desired",
        [
            {"httpMatch": {"pathMatch": {"match": {"prefix": "/api"}, "caseSensitive": False}}},
            {"httpMatch": {"pathMatch": {"match": {"exact": "/api"}}}},
            {"httpMatch": {"method": "GET", "pathMatch": {"match": {"prefix": "/api"}}}},
            {"httpMatch": {"headerMatches": [{"name": "a", "match": {"exact": "b"}}]}},
        ],
    )
    def test_real_differences(self, desired):
        current = {"httpMatch": {"pathMatch": {"match": {"prefix": "/api"}}}}
        assert not listeners.matches_equal(current, desired)

    def test_header_case_sensitivity_counts(self):
        current = {"httpMatch": {"headerMatches": [{"name": "a", "match": {"exact": "b"}}]}}
        desired = {"httpMatch": {"headerMatches": [{"name": "a", "match": {"exact": "b"}, "caseSensitive": True}]}}
        assert not listeners.matches_equal(current, desired)


class TestActionsEqual:
    def test_ids_arns_order_and_default_weight(self):
        current = {
            "forward": {
                "targetGroups": [
                    {"targetGroupIdentifier": f"{ACCOUNT_PREFIX}:targetgroup/{TG_B}", "weight": 10},
                    {"targetGroupIdentifier": TG_A, "weight": 90},
                ]
            }
        }
        desired = {
            "forward": {
                "targetGroups": [
                    {"targetGroupIdentifier": TG_A, "weight": 90},
                    {"targetGroupIdentifier": TG_B, "weight": 10},
                ]
            }
        }
        assert listeners.actions_equal(current, desired)
        single = {"forward": {"targetGroups": [{"targetGroupIdentifier": TG_A}]}}
        assert listeners.actions_equal(
            single, {"forward": {"targetGroups": [{"targetGroupIdentifier": TG_A, "weight": 100}]}}
        )

    @pytest.mark.parametrize(
        "desired",
        [
            {"forward": {"targetGroups": [{"targetGroupIdentifier": TG_A, "weight": 50}]}},
            {"forward": {"targetGroups": [{"targetGroupIdentifier": TG_B, "weight": 100}]}},
            {"fixedResponse": {"statusCode": 404}},
        ],
    )
    def test_real_differences(self, desired):
        current = {"forward": {"targetGroups": [{"targetGroupIdentifier": TG_A, "weight": 100}]}}
        assert not listeners.actions_equal(current, desired)

    def test_fixed_responses(self):
        assert listeners.actions_equal({"fixedResponse": {"statusCode": 404}}, {"fixedResponse": {"statusCode": 404}})
        assert not listeners.actions_equal(
            {"fixedResponse": {"statusCode": 404}}, {"fixedResponse": {"statusCode": 500}}
        )


class TestResolveAction:
    def client(self, *groups):
        by_id = {group["id"]: group for group in groups}

        def get_target_group(targetGroupIdentifier, aws_retry):
            found = by_id.get(targetGroupIdentifier.split("/")[-1])
            if found is None:
                raise client_error("ResourceNotFoundException")
            return dict(found)

        client = FakeClient(get_target_group=get_target_group)
        client.pages["list_target_groups"] = [[{"id": group["id"], "name": group["name"]} for group in groups]]
        return client

    def test_names_ids_and_arns_become_ids_with_default_weight(self):
        client = self.client(target_group(TG_A, "a"), target_group(TG_B, "b", services=[SERVICE]))
        action = forward({"target_group": "a", "weight": 3}, {"target_group": f"{ACCOUNT_PREFIX}:targetgroup/{TG_B}"})
        # (a missing weight with several groups is refused by validate_action; resolve fills AWS's default)
        assert listeners.resolve_action(client, action, "HTTP", SERVICE, "action") == {
            "forward": {
                "targetGroups": [
                    {"targetGroupIdentifier": TG_A, "weight": 3},
                    {"targetGroupIdentifier": TG_B, "weight": 100},
                ]
            }
        }

    def test_fixed_response_and_unset(self):
        client = FakeClient()
        action = {"fixed_response": {"status_code": 500}, "forward": None}
        assert listeners.resolve_action(client, action, "HTTP", SERVICE, "action") == {
            "fixedResponse": {"statusCode": 500}
        }
        assert listeners.resolve_action(client, None, "HTTP", SERVICE, "action") is None

    @pytest.mark.parametrize(
        "groups, action, protocol, expected",
        [
            ([], forward({"target_group": "nope"}), "HTTP", "target_groups[0].target_group: no target group has"),
            (
                [target_group(TG_A, "a", protocol="TCP")],
                forward({"target_group": "a"}),
                "HTTPS",
                "is a TCP target group",
            ),
            ([target_group(TG_A, "a")], forward({"target_group": "a"}), "TLS_PASSTHROUGH", "forwards only to TCP"),
            (
                [target_group(TG_A, "a", services=[OTHER_SERVICE])],
                forward({"target_group": TG_A}),
                "HTTP",
                f"already serves {ACCOUNT_PREFIX}:service/{OTHER_SERVICE}",
            ),
            (
                [target_group(TG_A, "a")],
                forward({"target_group": "a", "weight": 1}, {"target_group": TG_A, "weight": 2}),
                "HTTP",
                "target_groups[1].target_group: target group 'a' (tg-0123456789abcdef0) is listed twice",
            ),
        ],
    )
    def test_refused(self, groups, action, protocol, expected):
        with pytest.raises(AnsibleLatticeError) as raised:
            listeners.resolve_action(self.client(*groups), action, protocol, SERVICE, "default_action")
        assert expected in raised.value.message
        assert raised.value.message.startswith("default_action.forward.target_groups[")

    def test_tcp_group_for_tls_passthrough(self):
        client = self.client(target_group(TG_A, "a", protocol="TCP"))
        resolved = listeners.resolve_action(client, forward({"target_group": "a"}), "TLS_PASSTHROUGH", SERVICE, "x")
        assert resolved == {"forward": {"targetGroups": [{"targetGroupIdentifier": TG_A, "weight": 100}]}}


class TestPriorities:
    RULES = [
        {"id": "rule-0123456789abcdef0", "name": "default", "isDefault": True},
        {"id": "rule-0123456789abcdef1", "name": "one", "isDefault": False, "priority": 1},
        {"id": "rule-0123456789abcdef2", "name": "two", "isDefault": False, "priority": 2},
    ]

    def test_holder(self):
        assert listeners.priority_holder(self.RULES, 2)["name"] == "two"
        assert listeners.priority_holder(self.RULES, 3) is None
        # a rule never conflicts with itself, and the default rule holds no priority
        assert listeners.priority_holder(self.RULES, 2, rule_id="rule-0123456789abcdef2") is None
        assert listeners.priority_holder(self.RULES, None) is None

    def test_message(self):
        error = listeners.priority_taken_error(self.RULES[2], 2, "listener 'web' (listener-x)")
        assert error.message.startswith(
            "priority: 2 is already the priority of rule 'two' (rule-0123456789abcdef2) of listener 'web' (listener-x)"
        )


class TestExplainQuota:
    def test_quota_reworded(self):
        original = AnsibleLatticeError(
            message="Failed to create listener", exception=client_error("ServiceQuotaExceededException")
        )
        explained = listeners.explain_quota(original, "service 's' (svc-1)", "Listeners per service")
        assert explained.message == (
            "Failed to create listener: service 's' (svc-1) has reached the VPC Lattice quota 'Listeners per service';"
            " delete one you no longer need, or ask for a higher quota through Service Quotas"
        )
        assert explained.exception is original.exception

    def test_other_errors_unchanged(self):
        original = AnsibleLatticeError(message="Failed", exception=client_error("ConflictException"))
        assert listeners.explain_quota(original, "s", "q") is original
        plain = AnsibleLatticeError(message="Failed")
        assert listeners.explain_quota(plain, "s", "q") is plain


class TestActionArgumentSpec:
    def validate(self, action):
        return ArgumentSpecValidator({"action": listeners.action_argument_spec()}).validate({"action": action})

    def test_accepts_either_action(self):
        result = self.validate({"forward": {"target_groups": [{"target_group": "a", "weight": "5"}]}})
        assert result.error_messages == []
        assert result.validated_parameters["action"]["forward"]["target_groups"][0]["weight"] == 5
        assert self.validate({"fixed_response": {"status_code": 404}}).error_messages == []

    def test_one_action_exactly(self):
        both = self.validate(
            {"forward": {"target_groups": [{"target_group": "a"}]}, "fixed_response": {"status_code": 404}}
        )
        assert any("mutually exclusive" in message for message in both.error_messages)
        assert any("one of the following is required" in message for message in self.validate({}).error_messages)
