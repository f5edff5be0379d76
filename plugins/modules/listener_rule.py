#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: listener_rule
version_added: 0.1.0
short_description: Manage the rules of Amazon VPC Lattice listeners
description:
  - Create, update and delete the rules of an Amazon VPC Lattice listener.
  - A rule sends the requests it matches (by method, path and headers) to its action; rules are tried by priority,
    and the listener's default action (see M(lattice.mesh.listener)) applies when none matches. The default rule
    itself is managed with M(lattice.mesh.listener), not here.
  - V(TLS_PASSTHROUGH) listeners have no rules besides the default one.
  - Rules are synchronous in the VPC Lattice API, so there is nothing to wait for.
  - Options that are not set are left alone on an existing rule.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  service:
    description:
      - The service of the listener, by name, ID (V(svc-...)) or ARN.
    type: str
    required: true
  listener:
    description:
      - The listener the rule belongs to, by name, ID (V(listener-...)) or ARN.
      - When the service or the listener does not exist, O(state=absent) reports no change (deleting a service or a
        listener deletes its rules) and O(state=present) fails.
    type: str
    required: true
  name:
    description:
      - Name of the rule, unique within the listener; 3 to 63 lowercase letters, digits and hyphens, not beginning
        or ending with a hyphen, without two hyphens in a row and not beginning with V(rule-).
      - An existing rule may also be given by its ID (V(rule-...)) or ARN.
    type: str
    required: true
  state:
    description:
      - Whether the rule should exist.
    type: str
    choices: ["present", "absent"]
    default: "present"
  priority:
    description:
      - The priority of the rule, 1 to 2000; lower numbers are tried first. Required to create a rule.
      - Priorities are unique per listener. Asking for a priority another rule holds fails, naming that rule, before
        anything is changed.
      - Can be changed in place.
    type: int
  match:
    description:
      - Which requests the rule applies to. Required to create a rule.
      - Can be changed in place; the match given replaces the rule's whole match.
    type: dict
    suboptions:
      http_match:
        description:
          - Criteria on the HTTP request; a request must meet all that are set. At least one of
            O(match.http_match.method), O(match.http_match.path_match) and O(match.http_match.header_matches).
        type: dict
        required: true
        suboptions:
          method:
            description:
              - The HTTP method, in uppercase, for example V(GET).
            type: str
          path_match:
            description:
              - The request path. Exactly one of O(match.http_match.path_match.exact) and
                O(match.http_match.path_match.prefix).
            type: dict
            suboptions:
              exact:
                description:
                  - The path, which must begin with V(/).
                type: str
              prefix:
                description:
                  - The beginning of the path, which must begin with V(/).
                type: str
              case_sensitive:
                description:
                  - Whether the path is compared case-sensitively. When not set, AWS matches case-sensitively.
                type: bool
          header_matches:
            description:
              - One to five request headers. Their order does not matter, and header names are compared
                case-insensitively, as HTTP does.
            type: list
            elements: dict
            suboptions:
              name:
                description:
                  - The name of the header.
                type: str
                required: true
              exact:
                description:
                  - The header value. Exactly one of O(match.http_match.header_matches[].exact),
                    O(match.http_match.header_matches[].prefix) and O(match.http_match.header_matches[].contains).
                type: str
              prefix:
                description:
                  - The beginning of the header value.
                type: str
              contains:
                description:
                  - Text the header value contains.
                type: str
              case_sensitive:
                description:
                  - Whether the value is compared case-sensitively. When not set, AWS ignores case.
                type: bool
  action:
    description:
      - What the rule does with the requests it matches. Required to create a rule.
      - Exactly one of O(action.forward) and O(action.fixed_response). Can be changed in place.
    type: dict
    suboptions:
      forward:
        description:
          - Forward requests to target groups, spread by weight.
        type: dict
        suboptions:
          target_groups:
            description:
              - One to ten target groups. Their order does not matter.
            type: list
            elements: dict
            required: true
            suboptions:
              target_group:
                description:
                  - The target group, by name, ID (V(tg-...)) or ARN. A target group serves a single service.
                type: str
                required: true
              weight:
                description:
                  - The share of requests this target group receives relative to the others, 0 to 999.
                  - Required when several target groups are listed; a single target group defaults to 100, as in AWS.
                type: int
      fixed_response:
        description:
          - Answer requests with a fixed HTTP status code.
        type: dict
        suboptions:
          status_code:
            description:
              - The HTTP status code. VPC Lattice supports only V(404) and V(500).
            type: int
            required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Send the API's v2 paths to the new version
  lattice.mesh.listener_rule:
    service: payments
    listener: https
    name: api-v2
    priority: 10
    match:
      http_match:
        path_match:
          prefix: /api/v2
    action:
      forward:
        target_groups:
          - target_group: payments-v2

- name: Canary requests that carry a header
  lattice.mesh.listener_rule:
    service: payments
    listener: https
    name: canary
    priority: 20
    match:
      http_match:
        method: POST
        header_matches:
          - name: x-canary
            exact: "true"
    action:
      forward:
        target_groups:
          - target_group: payments-v1
            weight: 90
          - target_group: payments-v2
            weight: 10
    tags:
      team: payments

- name: Hide an internal path
  lattice.mesh.listener_rule:
    service: payments
    listener: https
    name: no-internal
    priority: 1
    match:
      http_match:
        path_match:
          prefix: /internal
          case_sensitive: false
    action:
      fixed_response:
        status_code: 404

- name: Delete a rule
  lattice.mesh.listener_rule:
    service: payments
    listener: https
    name: canary
    state: absent
"""

RETURN = r"""
rule:
  description:
    - The rule, as VPC Lattice describes it, with its tags.
    - Empty when O(state=absent). In check mode, fields that only AWS can know (such as the ID and the ARN) are missing
      from a rule that would be created.
  returned: always
  type: complex
  contains:
    arn:
      description: The ARN of the rule.
      type: str
      returned: when the rule exists
      sample: "arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0/\
        listener/listener-0123456789abcdef0/rule/rule-0123456789abcdef0"
    id:
      description: The ID of the rule.
      type: str
      returned: when the rule exists
      sample: rule-0123456789abcdef0
    name:
      description: The name of the rule.
      type: str
      returned: when the rule exists
      sample: api-v2
    is_default:
      description: Whether this is the listener's default rule (never, for rules this module manages).
      type: bool
      returned: when the rule exists
      sample: false
    priority:
      description: The priority of the rule.
      type: int
      returned: when the rule exists
      sample: 10
    match:
      description:
        - The match of the rule, C(http_match) with C(method), C(path_match) (C(match.exact) or C(match.prefix), and
          C(case_sensitive)) and C(header_matches) (each with C(name), C(match.exact), C(match.prefix) or
          C(match.contains), and C(case_sensitive)), as AWS returns them.
      type: dict
      returned: when the rule exists
      sample: {"http_match": {"path_match": {"match": {"prefix": "/api/v2"}, "case_sensitive": true}}}
    action:
      description:
        - The action of the rule, C(forward.target_groups) (each with C(target_group_identifier) and C(weight)) or
          C(fixed_response.status_code).
      type: dict
      returned: when the rule exists
      sample: {"forward": {"target_groups": [{"target_group_identifier": "tg-0123456789abcdef0", "weight": 100}]}}
    created_at:
      description: When the rule was created (ISO 8601).
      type: str
      returned: when the rule exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the rule was last changed (ISO 8601).
      type: str
      returned: when the rule exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    tags:
      description: The tags of the rule.
      type: dict
      returned: when the rule exists
      sample: {"team": "payments"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    PRIORITY_RANGE,
    TLS_PASSTHROUGH,
    AnsibleLatticeError,
    action_argument_spec,
    actions_equal,
    classify_identifier,
    create_resource,
    delete_resource,
    describe_resource,
    ensure_tags,
    explain_quota,
    find_resource,
    lattice_client,
    list_resources,
    match_to_api,
    matches_equal,
    normalize_resource,
    priority_holder,
    priority_taken_error,
    read_back,
    resolve_action,
    tags_to_api,
    update_resource,
    validate_action,
    validate_match,
    validate_name,
    validate_range,
    validate_tags,
)

KIND = "rule"


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    if params["state"] == "present" and classify_identifier(KIND, params["name"]) == "name":
        problem = validate_name(KIND, params["name"], field="name")
        if problem:
            return problem
    return (
        validate_range(params.get("priority"), PRIORITY_RANGE, "priority", "rule priority")
        or validate_match(params.get("match"))
        or validate_action(params.get("action"), "action")
        or validate_tags(params.get("tags"))
    )


def _result(resource, tags):
    return normalize_resource(resource, tags=tags) if resource else {}


def _listener_description(listener):
    return f"listener '{listener['name']}' ({listener['id']})"


def find_listener(client, params):
    """``(service, listener)`` (Get answers) named by the options; either is None when it does not exist."""
    service = find_resource(client, "service", params["service"])
    if service is None:
        return None, None
    return service, find_resource(client, "listener", params["listener"], parents={"service": service["id"]})


def describe_rule(client, service, listener, identifier):
    """``(rule, tags)`` of ``identifier`` (name, ID or ARN) within ``listener``; ``(None, None)`` if none."""
    if listener is None:
        return None, None
    parents = {"service": service["id"], "listener": listener["id"]}
    resource, tags = describe_resource(client, KIND, identifier, parents=parents)
    if resource and resource.get("isDefault"):
        raise AnsibleLatticeError(
            message=f"name: '{identifier}' is the default rule of {_listener_description(listener)}; manage it with"
            " the default_action of lattice.mesh.listener"
        )
    return resource, tags


def ensure_free_priority(client, service, listener, priority, rule_id=None):
    """Fail, naming the rule that holds it, when another rule of the listener already has ``priority``."""
    if priority is None:
        return
    rules = list_resources(client, KIND, serviceIdentifier=service["id"], listenerIdentifier=listener["id"])
    holder = priority_holder(rules, priority, rule_id)
    if holder:
        raise priority_taken_error(holder, priority, _listener_description(listener))


def create_rule(client, service, listener, params, check_mode):
    name = params["name"]
    if classify_identifier(KIND, name) != "name":
        raise AnsibleLatticeError(
            message=f"name: {_listener_description(listener)} has no rule with the ID or ARN {name}; to create a"
            " rule, give its name"
        )
    missing = [option for option in ("priority", "match", "action") if params.get(option) is None]
    if missing:
        raise AnsibleLatticeError(message=f"{', '.join(missing)} required to create rule '{name}'")
    if listener["protocol"] == TLS_PASSTHROUGH:
        raise AnsibleLatticeError(
            message=f"listener: {_listener_description(listener)} is a {TLS_PASSTHROUGH} listener, which has no rules"
            " besides its default action; use an HTTP or HTTPS listener"
        )
    ensure_free_priority(client, service, listener, params["priority"])
    request = {
        "name": name,
        "priority": params["priority"],
        "match": match_to_api(params["match"]),
        "action": resolve_action(client, params["action"], listener["protocol"], service["id"], "action"),
    }
    tags = tags_to_api(params.get("tags"))
    if check_mode:
        return True, _result(dict(request, isDefault=False), tags or {})
    try:
        created = create_resource(
            client, KIND, serviceIdentifier=service["id"], listenerIdentifier=listener["id"], tags=tags, **request
        )
    except AnsibleLatticeError as e:
        raise explain_quota(e, _listener_description(listener), "Rules per listener") from e
    parents = {"service": service["id"], "listener": listener["id"]}
    resource, new_tags = read_back(client, KIND, created["id"], parents=parents, tags=tags or {})
    return True, _result(resource, new_tags)


def rule_updates(client, service, listener, resource, params):
    """The UpdateRule fields whose requested value differs from the rule's (API-shaped)."""
    updates = {}
    if params.get("priority") is not None and params["priority"] != resource.get("priority"):
        ensure_free_priority(client, service, listener, params["priority"], resource["id"])
        updates["priority"] = params["priority"]
    match = match_to_api(params.get("match"))
    if match is not None and not matches_equal(resource.get("match"), match):
        updates["match"] = match
    action = resolve_action(client, params.get("action"), listener["protocol"], service["id"], "action")
    if action is not None and not actions_equal(resource.get("action"), action):
        updates["action"] = action
    return updates


def update_rule(client, service, listener, resource, tags, params, check_mode):
    parents = {"service": service["id"], "listener": listener["id"]}
    updates = rule_updates(client, service, listener, resource, params)
    changed = bool(updates)
    if updates:
        if not check_mode:
            update_resource(client, KIND, resource["id"], parents=parents, **updates)
        resource = dict(resource, **updates)

    tags_changed, new_tags = ensure_tags(
        client, resource["arn"], tags, params.get("tags"), params.get("purge_tags"), check_mode
    )
    changed |= tags_changed

    if changed and not check_mode:
        resource, new_tags = read_back(client, KIND, resource["id"], parents=parents, tags=new_tags)
    return changed, _result(resource, new_tags)


def ensure_present(client, service, listener, current, params, check_mode):
    """Make the rule match ``params``; ``(changed, rule)``."""
    if service is None:
        raise AnsibleLatticeError(message=f"service: no service has the name, ID or ARN '{params['service']}'")
    if listener is None:
        raise AnsibleLatticeError(
            message=f"listener: service '{service['name']}' ({service['id']}) has no listener with the name, ID or"
            f" ARN '{params['listener']}'"
        )
    resource, tags = current
    if resource is None:
        return create_rule(client, service, listener, params, check_mode)
    return update_rule(client, service, listener, resource, tags, params, check_mode)


def ensure_absent(client, service, listener, current, check_mode):
    """Delete the rule if it exists; ``(changed, {})``."""
    resource, dummy = current
    if resource is None:
        return False, {}
    if check_mode:
        return True, {}
    parents = {"service": service["id"], "listener": listener["id"]}
    return delete_resource(client, KIND, resource["id"], parents=parents), {}


def run_module(module, client):
    params = module.params
    problem = validate_params(params)
    if problem:
        module.fail_json(msg=problem)
    try:
        service, listener = find_listener(client, params)
        current = describe_rule(client, service, listener, params["name"])
        if params["state"] == "present":
            changed, rule = ensure_present(client, service, listener, current, params, module.check_mode)
        else:
            changed, rule = ensure_absent(client, service, listener, current, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, rule=rule, diff={"before": _result(*current), "after": rule})


def main():
    path_match_spec = dict(prefix=dict(type="str"), exact=dict(type="str"), case_sensitive=dict(type="bool"))
    header_match_spec = dict(
        name=dict(type="str", required=True),
        exact=dict(type="str"),
        prefix=dict(type="str"),
        contains=dict(type="str"),
        case_sensitive=dict(type="bool"),
    )
    http_match_spec = dict(
        method=dict(type="str"),
        path_match=dict(
            type="dict",
            options=path_match_spec,
            mutually_exclusive=[("exact", "prefix")],
            required_one_of=[("exact", "prefix")],
        ),
        header_matches=dict(
            type="list",
            elements="dict",
            options=header_match_spec,
            mutually_exclusive=[("exact", "prefix", "contains")],
            required_one_of=[("exact", "prefix", "contains")],
        ),
    )
    argument_spec = dict(
        service=dict(type="str", required=True),
        listener=dict(type="str", required=True),
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        priority=dict(type="int"),
        match=dict(
            type="dict",
            options=dict(http_match=dict(type="dict", required=True, options=http_match_spec)),
        ),
        action=action_argument_spec(),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, lattice_client(module))


if __name__ == "__main__":
    main()
