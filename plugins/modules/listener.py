#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: listener
version_added: 0.1.0
short_description: Manage listeners of Amazon VPC Lattice services
description:
  - Create, update and delete the listeners of an Amazon VPC Lattice service.
  - A listener accepts requests on a protocol and port and hands them to its rules; its default action applies when
    no rule matches. Rules are managed with M(lattice.mesh.listener_rule).
  - Listeners are synchronous in the VPC Lattice API, so there is nothing to wait for.
  - Options that are not set are left alone on an existing listener.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  service:
    description:
      - The service the listener belongs to, by name, ID (V(svc-...)) or ARN.
      - When the service does not exist, O(state=absent) reports no change (deleting a service deletes its
        listeners) and O(state=present) fails.
    type: str
    required: true
  name:
    description:
      - Name of the listener, unique within the service; 3 to 63 lowercase letters, digits and hyphens, not beginning
        or ending with a hyphen, without two hyphens in a row and not beginning with V(listener-).
      - An existing listener may also be given by its ID (V(listener-...)) or ARN.
    type: str
    required: true
  state:
    description:
      - Whether the listener should exist. Deleting a listener deletes its rules.
    type: str
    choices: ["present", "absent"]
    default: "present"
  protocol:
    description:
      - The protocol the listener accepts. Required to create a listener.
      - A V(TLS_PASSTHROUGH) listener forwards TLS connections unopened to TCP target groups; it has no rules besides
        its default action, which must forward. V(HTTP) and V(HTTPS) listeners forward to the other target groups.
      - Cannot be changed once the listener exists; requesting another protocol fails before anything is changed.
    type: str
    choices: ["HTTP", "HTTPS", "TLS_PASSTHROUGH"]
  port:
    description:
      - The port the listener accepts requests on, 1 to 65535. Each listener of a service needs its own port.
      - When not set at creation AWS uses 80 for V(HTTP) and 443 for V(HTTPS); a V(TLS_PASSTHROUGH) listener needs
        a port.
      - Cannot be changed once the listener exists; requesting another port fails before anything is changed.
    type: int
  default_action:
    description:
      - What the listener does with requests that no rule matches. Required to create a listener.
      - Exactly one of O(default_action.forward) and O(default_action.fixed_response).
      - Can be changed in place.
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
                  - The target group, by name, ID (V(tg-...)) or ARN.
                  - A target group serves a single service.
                type: str
                required: true
              weight:
                description:
                  - The share of requests this target group receives relative to the others, 0 to 999.
                  - Required when several target groups are listed; a single target group defaults to 100, as in AWS.
                type: int
      fixed_response:
        description:
          - Answer requests with a fixed HTTP status code. Not available to V(TLS_PASSTHROUGH) listeners.
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
- name: An HTTPS listener that sends everything to one target group
  lattice.mesh.listener:
    service: payments
    name: https
    protocol: HTTPS
    default_action:
      forward:
        target_groups:
          - target_group: payments-v1
  register: listener

- name: Shift a fifth of the traffic to the new version
  lattice.mesh.listener:
    service: payments
    name: https
    default_action:
      forward:
        target_groups:
          - target_group: payments-v1
            weight: 80
          - target_group: payments-v2
            weight: 20

- name: Answer 404 unless a rule matches
  lattice.mesh.listener:
    service: payments
    name: http
    protocol: HTTP
    port: 8080
    default_action:
      fixed_response:
        status_code: 404
    tags:
      team: payments

- name: Pass TLS through to a TCP target group
  lattice.mesh.listener:
    service: ledger
    name: tls
    protocol: TLS_PASSTHROUGH
    port: 443
    default_action:
      forward:
        target_groups:
          - target_group: ledger-tcp

- name: Delete a listener by its ARN
  lattice.mesh.listener:
    service: payments
    name: "{{ listener.listener.arn }}"
    state: absent
"""

RETURN = r"""
listener:
  description:
    - The listener, as VPC Lattice describes it, with its tags.
    - Empty when O(state=absent). In check mode, fields that only AWS can know (such as the ID and the ARN) are missing
      from a listener that would be created.
  returned: always
  type: complex
  contains:
    arn:
      description: The ARN of the listener.
      type: str
      returned: when the listener exists
      sample: "arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0/\
        listener/listener-0123456789abcdef0"
    id:
      description: The ID of the listener.
      type: str
      returned: when the listener exists
      sample: listener-0123456789abcdef0
    name:
      description: The name of the listener.
      type: str
      returned: when the listener exists
      sample: https
    service_id:
      description: The ID of the service.
      type: str
      returned: when the listener exists
      sample: svc-0123456789abcdef0
    service_arn:
      description: The ARN of the service.
      type: str
      returned: when the listener exists
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0
    protocol:
      description: The protocol of the listener.
      type: str
      returned: when the listener exists
      sample: HTTPS
    port:
      description: The port of the listener.
      type: int
      returned: when the listener exists
      sample: 443
    default_action:
      description: The action of the listener's default rule.
      type: dict
      returned: when the listener exists
      contains:
        forward:
          description: The target groups requests are forwarded to.
          type: dict
          returned: when the listener forwards
          contains:
            target_groups:
              description: The target groups and their weights.
              type: list
              elements: dict
              returned: always
              sample: [{"target_group_identifier": "tg-0123456789abcdef0", "weight": 100}]
        fixed_response:
          description: The fixed response.
          type: dict
          returned: when the listener answers with a fixed response
          sample: {"status_code": 404}
    created_at:
      description: When the listener was created (ISO 8601).
      type: str
      returned: when the listener exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the listener was last changed (ISO 8601).
      type: str
      returned: when the listener exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    tags:
      description: The tags of the listener.
      type: dict
      returned: when the listener exists
      sample: {"team": "payments"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    LISTENER_DEFAULT_PORTS,
    LISTENER_PROTOCOLS,
    PORT_RANGE,
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
    fail_on_immutable_changes,
    find_resource,
    immutable_changes,
    lattice_client,
    normalize_resource,
    read_back,
    resolve_action,
    tags_to_api,
    update_resource,
    validate_action,
    validate_name,
    validate_range,
    validate_tags,
)

KIND = "listener"
OPTION_NAMES = {"protocol": "protocol", "port": "port"}


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    if params["state"] == "present" and classify_identifier(KIND, params["name"]) == "name":
        problem = validate_name(KIND, params["name"], field="name")
        if problem:
            return problem
    if params.get("protocol") == TLS_PASSTHROUGH and params.get("port") is None:
        return "port: a TLS_PASSTHROUGH listener has no default port; set port (for example 443)."
    return (
        validate_range(params.get("port"), PORT_RANGE, "port", "port")
        or validate_action(params.get("default_action"), "default_action", params.get("protocol"))
        or validate_tags(params.get("tags"))
    )


def _result(resource, tags):
    return normalize_resource(resource, tags=tags) if resource else {}


def find_service(client, identifier):
    """The service (Get answer) named, or with the ID or ARN, ``identifier``; None when there is none."""
    return find_resource(client, "service", identifier)


def describe_listener(client, service, identifier):
    """``(listener, tags)`` of ``identifier`` (name, ID or ARN) within ``service``; ``(None, None)`` if none."""
    if service is None:
        return None, None
    return describe_resource(client, KIND, identifier, parents={"service": service["id"]})


def create_listener(client, service, params, check_mode):
    name = params["name"]
    if classify_identifier(KIND, name) != "name":
        raise AnsibleLatticeError(
            message=f"name: service '{service['name']}' has no listener with the ID or ARN {name}; to create a"
            " listener, give its name"
        )
    missing = [option for option in ("protocol", "default_action") if params.get(option) is None]
    if missing:
        raise AnsibleLatticeError(message=f"{' and '.join(missing)} required to create listener '{name}'")
    protocol = params["protocol"]
    request = {
        "name": name,
        "protocol": protocol,
        "port": params.get("port"),
        "defaultAction": resolve_action(client, params["default_action"], protocol, service["id"], "default_action"),
    }
    tags = tags_to_api(params.get("tags"))
    if check_mode:
        predicted = dict(
            request,
            port=params.get("port") or LISTENER_DEFAULT_PORTS[protocol],
            serviceId=service["id"],
            serviceArn=service["arn"],
        )
        return True, _result(predicted, tags or {})
    try:
        created = create_resource(client, KIND, serviceIdentifier=service["id"], tags=tags, **request)
    except AnsibleLatticeError as e:
        raise explain_quota(e, f"service '{service['name']}' ({service['id']})", "Listeners per service") from e
    resource, new_tags = read_back(client, KIND, created["id"], parents={"service": service["id"]}, tags=tags or {})
    return True, _result(resource, new_tags)


def update_listener(client, service, resource, tags, params, check_mode):
    problems = immutable_changes(resource, {"protocol": params.get("protocol"), "port": params.get("port")})
    fail_on_immutable_changes(
        KIND,
        f"'{resource['name']}' ({resource['id']})",
        problems,
        OPTION_NAMES,
        how_to_replace="to change it, delete the listener (state: absent; its rules are deleted with it) and create"
        " it again with the new value, or create a second listener on another port and move the traffic to it",
    )
    changed = False
    parents = {"service": service["id"]}
    desired_action = resolve_action(
        client, params.get("default_action"), resource["protocol"], service["id"], "default_action"
    )
    if desired_action is not None and not actions_equal(resource.get("defaultAction"), desired_action):
        changed = True
        if not check_mode:
            update_resource(client, KIND, resource["id"], parents=parents, defaultAction=desired_action)
        resource = dict(resource, defaultAction=desired_action)

    tags_changed, new_tags = ensure_tags(
        client, resource["arn"], tags, params.get("tags"), params.get("purge_tags"), check_mode
    )
    changed |= tags_changed

    if changed and not check_mode:
        resource, new_tags = read_back(client, KIND, resource["id"], parents=parents, tags=new_tags)
    return changed, _result(resource, new_tags)


def ensure_present(client, service, current, params, check_mode):
    """Make the listener match ``params``; ``(changed, listener)``."""
    if service is None:
        raise AnsibleLatticeError(message=f"service: no service has the name, ID or ARN '{params['service']}'")
    resource, tags = current
    if resource is None:
        return create_listener(client, service, params, check_mode)
    return update_listener(client, service, resource, tags, params, check_mode)


def ensure_absent(client, service, current, check_mode):
    """Delete the listener (and with it its rules) if it exists; ``(changed, {})``."""
    resource, dummy = current
    if resource is None:
        return False, {}
    if check_mode:
        return True, {}
    return delete_resource(client, KIND, resource["id"], parents={"service": service["id"]}), {}


def run_module(module, client):
    params = module.params
    problem = validate_params(params)
    if problem:
        module.fail_json(msg=problem)
    try:
        service = find_service(client, params["service"])
        current = describe_listener(client, service, params["name"])
        if params["state"] == "present":
            changed, listener = ensure_present(client, service, current, params, module.check_mode)
        else:
            changed, listener = ensure_absent(client, service, current, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, listener=listener, diff={"before": _result(*current), "after": listener})


def main():
    argument_spec = dict(
        service=dict(type="str", required=True),
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        protocol=dict(type="str", choices=list(LISTENER_PROTOCOLS)),
        port=dict(type="int"),
        default_action=action_argument_spec(),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, lattice_client(module))


if __name__ == "__main__":
    main()
