#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: target_group
version_added: 0.1.0
short_description: Manage Amazon VPC Lattice target groups and their targets
description:
  - Create, update and delete Amazon VPC Lattice target groups, and register or deregister their targets.
  - A target group is a set of targets (EC2 instances, IP addresses, one Lambda function or Application Load
    Balancers) that listeners and rules of a VPC Lattice service forward requests to.
  - Target groups are asynchronous in the VPC Lattice API; see O(wait). Registered targets go through their own
    statuses; see O(wait_for_targets).
  - Only the health check can change in place. The type and every other field of O(config) are fixed when the
    target group is created; asking for a different value fails before anything is changed.
  - Options that are not set are left alone on an existing target group.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  name:
    description:
      - Name of the target group, 3 to 128 lowercase letters, digits and hyphens, not beginning or ending with a
        hyphen, without two hyphens in a row and not beginning with V(tg-).
      - Names are unique per account and region.
      - An existing target group may also be given by its ID (V(tg-...)) or ARN. A target group is created only from
        a name; an ID or ARN that matches nothing is an error.
    type: str
    required: true
  state:
    description:
      - Whether the target group should exist.
      - A target group cannot be deleted while a listener or rule forwards to it; the module then fails and names the
        services whose listeners or rules do. Remove the target group from their actions first.
      - A target group that is still being created is waited for before it is deleted.
      - Its targets need not be deregistered first; deleting the group deregisters them.
    type: str
    choices: ["present", "absent"]
    default: "present"
  type:
    description:
      - The type of the targets. Required to create a target group; cannot be changed afterwards.
      - V(INSTANCE) targets are EC2 instance IDs, V(IP) targets IP addresses, V(LAMBDA) takes one Lambda function ARN
        and V(ALB) targets are Application Load Balancer ARNs.
    type: str
    choices: ["INSTANCE", "IP", "LAMBDA", "ALB"]
  config:
    description:
      - How the target group reaches its targets.
      - Every field but O(config.health_check) is fixed when the target group is created; a different value for an
        existing target group fails, naming the field. To change one, delete the target group (O(state=absent))
        and create it again, or create a new target group under another name and point the listeners and rules at it.
      - A V(LAMBDA) target group takes only O(config.lambda_event_structure_version).
      - V(INSTANCE), V(IP) and V(ALB) target groups need O(config.protocol) and O(config.vpc) to be created.
    type: dict
    suboptions:
      port:
        description:
          - The port the targets listen on, 1 to 65535; a target may override it (O(targets[].port)).
          - Defaults to 80 for V(HTTP) and 443 for V(HTTPS); required for V(TCP).
        type: int
      protocol:
        description:
          - The protocol of the traffic to the targets.
          - V(TCP) target groups serve V(TLS_PASSTHROUGH) listeners only. V(ALB) target groups take V(HTTP) or V(HTTPS).
        type: str
        choices: ["HTTP", "HTTPS", "TCP"]
      protocol_version:
        description:
          - The protocol version. AWS defaults to V(HTTP1) (for V(HTTP) and V(HTTPS)).
          - Health checks are enabled by default only for V(HTTP1) target groups; they never use V(GRPC).
        type: str
        choices: ["HTTP1", "HTTP2", "GRPC"]
      ip_address_type:
        description:
          - The IP version of the targets of an V(IP) target group (only that type takes it). AWS defaults to V(IPV4).
        type: str
        choices: ["IPV4", "IPV6"]
      vpc:
        description:
          - The ID of the VPC the targets are in (V(vpc-...)).
        type: str
      lambda_event_structure_version:
        description:
          - The version of the event a Lambda function receives (V(LAMBDA) target groups only). AWS defaults to V(V1).
        type: str
        choices: ["V1", "V2"]
      health_check:
        description:
          - How VPC Lattice checks the health of the targets; the only part of O(config) that can change in place.
          - V(INSTANCE) and V(IP) target groups only; VPC Lattice runs no health checks for V(LAMBDA) and V(ALB) target
            groups.
          - Settings that are not given keep their current value (on creation, AWS's default).
        type: dict
        suboptions:
          enabled:
            description: Whether health checks run.
            type: bool
          protocol:
            description: The protocol of the health checks. AWS defaults to the target group's (V(HTTP) for V(TCP)).
            type: str
            choices: ["HTTP", "HTTPS", "TCP"]
          protocol_version:
            description: The protocol version of the health checks. AWS defaults to V(HTTP1).
            type: str
            choices: ["HTTP1", "HTTP2"]
          port:
            description: The port of the health checks, 1 to 65535. By default each target's own port.
            type: int
          path:
            description: The path health checks request, beginning with V(/). AWS defaults to V(/).
            type: str
          interval_seconds:
            description:
              - Seconds between two health checks of a target, 5 to 300. AWS defaults to 30.
              - The API also takes 0, meaning "the default"; it is refused here, as it never reads back as 0.
            type: int
            aliases: ["health_check_interval_seconds"]
          timeout_seconds:
            description: Seconds without an answer after which a health check fails, 1 to 120. AWS defaults to 5.
            type: int
            aliases: ["health_check_timeout_seconds"]
          healthy_threshold_count:
            description: Consecutive successful checks before a target is healthy, 2 to 10. AWS defaults to 5.
            type: int
          unhealthy_threshold_count:
            description: Consecutive failed checks before a target is unhealthy, 2 to 10. AWS defaults to 2.
            type: int
          matcher:
            description: What a successful health check answers.
            type: dict
            suboptions:
              http_code:
                description:
                  - The HTTP status codes of a healthy target, for example V(200), V(200,202) or V(200-299). AWS
                    defaults to V(200).
                type: str
                required: true
  targets:
    description:
      - The targets of the target group. Not set, the targets are left alone.
      - Listed targets that are not registered are registered. With O(purge_targets=true) (the default), registered
        targets that are not listed are deregistered, so that the list is exactly the group's targets; O(targets=[])
        then deregisters every target.
      - This matches C(community.aws.elb_target_group), whose O(targets) likewise replace the group's targets unless
        told otherwise (its C(modify_targets)), and O(purge_tags) of this module.
      - A target is identified by its ID and port, so the same instance may be registered on two ports.
      - AWS's refusal of a target (C(unsuccessful) in its answer) fails the module with AWS's code and reason.
    type: list
    elements: dict
    suboptions:
      id:
        description:
          - The target, by the type of the group; an EC2 instance ID (V(i-...)), an IP address of the group's IP
            version, a Lambda function ARN or an Application Load Balancer ARN.
        type: str
        required: true
      port:
        description:
          - The port the target listens on, 1 to 65535. Defaults to the target group's O(config.port).
          - Lambda targets take no port (and none is compared, so a Lambda target never shows a change).
        type: int
  purge_targets:
    description:
      - Whether to deregister registered targets that O(targets) does not list. Ignored when O(targets) is not set.
    type: bool
    default: true
  wait_for_targets:
    description:
      - Whether to wait until the targets (those in O(targets), else every registered one) are V(HEALTHY).
      - A target of a group that no listener or rule forwards to yet is V(UNUSED), and one whose health checks are
        disabled is V(UNAVAILABLE); both count as settled, as neither will become V(HEALTHY) by waiting.
      - Fails after O(target_health_timeout) seconds, naming the targets still pending, their status and reason.
    type: bool
    default: false
  target_health_timeout:
    description:
      - How many seconds to wait for the targets, when O(wait_for_targets=true).
    type: int
    default: 300
extends_documentation_fragment:
  - lattice.mesh.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create a target group of IP targets with a custom health check
  lattice.mesh.target_group:
    name: orders
    type: IP
    config:
      protocol: HTTP
      port: 8080
      vpc: vpc-0123456789abcdef0
      health_check:
        path: /health
        interval_seconds: 10
        matcher:
          http_code: "200-299"
    targets:
      - id: 10.0.1.10
      - id: 10.0.1.11
        port: 8081
    tags:
      team: orders
  register: orders

- name: Change the health check in place
  lattice.mesh.target_group:
    name: orders
    config:
      health_check:
        healthy_threshold_count: 3

- name: Add a target without deregistering the others, and wait until it is healthy
  lattice.mesh.target_group:
    name: orders
    targets:
      - id: 10.0.1.12
    purge_targets: false
    wait_for_targets: true
    target_health_timeout: 120

- name: A Lambda target group
  lattice.mesh.target_group:
    name: thumbnails
    type: LAMBDA
    config:
      lambda_event_structure_version: V2
    targets:
      - id: arn:aws:lambda:eu-west-1:123456789012:function:thumbnails

- name: Deregister every target
  lattice.mesh.target_group:
    name: orders
    targets: []

- name: Delete a target group by its ID
  lattice.mesh.target_group:
    name: "{{ orders.target_group.id }}"
    state: absent
"""

RETURN = r"""
target_group:
  description:
    - The target group, as VPC Lattice describes it, with its tags and targets.
    - Empty when O(state=absent). In check mode, fields that only AWS can know (such as the ID, the ARN and the
      status) are missing from a target group that would be created, and targets that would be registered have no
      status yet.
  returned: always
  type: complex
  contains:
    arn:
      description: The ARN of the target group.
      type: str
      returned: when the target group exists
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:targetgroup/tg-0123456789abcdef0
    id:
      description: The ID of the target group.
      type: str
      returned: when the target group exists
      sample: tg-0123456789abcdef0
    name:
      description: The name of the target group.
      type: str
      returned: when the target group exists
      sample: orders
    type:
      description: The type of the targets.
      type: str
      returned: when the target group exists
      sample: IP
    status:
      description: The status of the target group; V(ACTIVE) once it is created (see O(wait)).
      type: str
      returned: when the target group exists
      sample: ACTIVE
    failure_code:
      description: Why the target group failed (with RV(target_group.status) V(CREATE_FAILED) or V(DELETE_FAILED)).
      type: str
      returned: when AWS reports one
    failure_message:
      description: AWS's explanation of RV(target_group.failure_code).
      type: str
      returned: when AWS reports one
    config:
      description: How the target group reaches its targets.
      type: dict
      returned: when the target group exists
      contains:
        port:
          description: The port of the targets (not for V(LAMBDA)).
          type: int
          sample: 8080
        protocol:
          description: The protocol (not for V(LAMBDA)).
          type: str
          sample: HTTP
        protocol_version:
          description: The protocol version (not for V(LAMBDA) or V(TCP)).
          type: str
          sample: HTTP1
        ip_address_type:
          description: The IP version of the targets (V(IP) target groups).
          type: str
          sample: IPV4
        vpc_identifier:
          description: The ID of the VPC of the targets (not for V(LAMBDA)).
          type: str
          sample: vpc-0123456789abcdef0
        lambda_event_structure_version:
          description: The Lambda event structure version (V(LAMBDA) target groups).
          type: str
          sample: V2
        health_check:
          description: The health check settings (V(INSTANCE) and V(IP) target groups).
          type: dict
          sample:
            enabled: true
            protocol: HTTP
            protocol_version: HTTP1
            path: /health
            health_check_interval_seconds: 10
            health_check_timeout_seconds: 5
            healthy_threshold_count: 5
            unhealthy_threshold_count: 2
            matcher:
              http_code: "200-299"
    service_arns:
      description: The ARNs of the services whose listeners or rules forward to the target group.
      type: list
      elements: str
      returned: when the target group exists
      sample: ["arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0"]
    created_at:
      description: When the target group was created (ISO 8601).
      type: str
      returned: when the target group exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the target group was last changed (ISO 8601).
      type: str
      returned: when the target group exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    tags:
      description: The tags of the target group.
      type: dict
      returned: when the target group exists
      sample: {"team": "orders"}
    targets:
      description: The registered targets (those draining after a deregistration included), sorted by ID and port.
      type: list
      elements: dict
      returned: when the target group exists
      contains:
        id:
          description: The target (instance ID, IP address, Lambda function ARN or load balancer ARN).
          type: str
          sample: 10.0.1.10
        port:
          description: The port of the target; null for a Lambda target.
          type: int
          sample: 8080
        status:
          description:
            - V(INITIAL), V(HEALTHY), V(UNHEALTHY), V(UNUSED) (no listener or rule forwards to the group),
              V(UNAVAILABLE) (health checks disabled) or V(DRAINING) (being deregistered).
            - Null in check mode for a target that would be registered.
          type: str
          sample: HEALTHY
        reason_code:
          description: Why the target has its status, when AWS says; null otherwise.
          type: str
          sample: null
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    TARGET_GROUP_OPTION_NAMES,
    TARGET_GROUP_TYPES,
    AnsibleLatticeError,
    change_targets,
    classify_identifier,
    create_resource,
    delete_resource,
    describe_resource,
    desired_targets,
    ensure_tags,
    fail_on_immutable_changes,
    format_blockers,
    health_check_updates,
    lattice_client,
    list_targets,
    merge_dicts,
    normalize_resource,
    own_status_blockers,
    predicted_target_group_config,
    predicted_targets,
    read_back,
    tags_to_api,
    target_changes,
    target_group_blockers,
    target_group_config_request,
    target_group_immutable_changes,
    targets_result,
    unsettled_targets,
    update_resource,
    validate_name,
    validate_tags,
    validate_target_group,
    wait_for_deletion,
    wait_for_status,
    wait_for_targets,
)

KIND = "target_group"
ACTIVE = "ACTIVE"
DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
HOW_TO_REPLACE = (
    "to change it, replace the target group: delete it (state: absent; listeners and rules must stop forwarding to"
    " it first) and create it again with the new value, or create a new target group under another name and point"
    " the listeners and rules at it"
)


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    if params["state"] != "present":
        return None
    name = params["name"]
    if classify_identifier(KIND, name) == "name":
        problem = validate_name(KIND, name, field="name")
        if problem:
            return problem
    return validate_tags(params.get("tags")) or validate_target_group(
        params.get("type"), params.get("config"), params.get("targets")
    )


def describe_target_group(client, identifier):
    """``(resource, tags, targets)`` of the target group ``identifier`` (name, ID or ARN), or Nones."""
    resource, tags = describe_resource(client, KIND, identifier)
    targets = list_targets(client, resource["id"]) if resource else None
    if targets is None:
        return None, None, None  # not there, or deleted meanwhile
    return resource, tags, targets


def _result(resource, tags, targets):
    """The module's ``target_group``; ``targets`` already in result form (``targets_result``)."""
    if not resource:
        return {}
    result = normalize_resource(resource, tags=tags)
    result["targets"] = targets
    return result


def _settled_result(client, group_id, group_type, wanted, params, tags):
    """What AWS now reports (``tags``: the group's tags now), after waiting for the targets' health if asked to."""
    resource, tags = read_back(client, KIND, group_id, tags=tags)
    targets = list_targets(client, group_id) or []
    if params["wait_for_targets"] and unsettled_targets(group_type, targets, wanted):
        targets = wait_for_targets(client, group_id, group_type, wanted, timeout=params["target_health_timeout"])
    return _result(resource, tags, targets_result(targets))


def _own_status_blockers(client, group_id):
    def blockers():
        return own_status_blockers(client, KIND, group_id)

    return blockers


def create_target_group(client, params, check_mode):
    name = params["name"]
    if classify_identifier(KIND, name) != "name":
        raise AnsibleLatticeError(
            message=f"name: no target group has the ID or ARN {name}; to create a target group, give its name"
        )
    group_type = params.get("type")
    if group_type is None:
        raise AnsibleLatticeError(
            message=f"type: required to create target group '{name}'; one of {', '.join(TARGET_GROUP_TYPES)}"
        )
    problem = validate_target_group(group_type, params.get("config"), params.get("targets"), creating=True)
    if problem:
        raise AnsibleLatticeError(message=problem)
    config = target_group_config_request(params.get("config"))
    expected_config = predicted_target_group_config(group_type, config)
    wanted = desired_targets(group_type, params.get("targets") or [], expected_config.get("port"))
    tags = tags_to_api(params.get("tags"))
    if check_mode:
        predicted = {"name": name, "type": group_type, "config": expected_config, "serviceArns": []}
        return True, _result(predicted, tags or {}, predicted_targets(group_type, [], wanted, []))

    created = create_resource(client, KIND, name=name, type=group_type, config=config, tags=tags)
    group_id = created["id"]
    if params["wait"]:
        wait_for_status(client, KIND, group_id, timeout=params["wait_timeout"])
    if wanted:
        # Registering while the group is still being created is a conflict, waited out.
        change_targets(client, group_id, wanted, [], describe_blockers=_own_status_blockers(client, group_id))
    return True, _settled_result(client, group_id, group_type, wanted, params, tags or {})


def _check_immutable(resource, params):
    fail_on_immutable_changes(
        KIND,
        f"'{resource['name']}' ({resource['id']})",
        target_group_immutable_changes(resource, params.get("type"), params.get("config")),
        TARGET_GROUP_OPTION_NAMES,
        how_to_replace=HOW_TO_REPLACE,
    )


def update_target_group(client, current, params, check_mode):
    resource, tags, targets = current
    group_id, group_type = resource["id"], resource["type"]
    config = resource.get("config") or {}
    problem = validate_target_group(
        group_type, params.get("config"), params.get("targets"), ip_address_type=config.get("ipAddressType")
    )
    if problem:
        raise AnsibleLatticeError(message=f"target group '{resource['name']}' is of type {group_type}: {problem}")
    _check_immutable(resource, params)

    wanted = None
    to_register, to_deregister = [], []
    if params.get("targets") is not None:
        wanted = desired_targets(group_type, params["targets"], config.get("port"))
        to_register, to_deregister = target_changes(group_type, targets, wanted, params["purge_targets"])
    updates = health_check_updates(resource, params.get("config"))
    changed = bool(updates or to_register or to_deregister)

    if updates:
        # The whole health check, so the result does not depend on whether AWS merges or replaces it.
        new_health_check = merge_dicts(config.get("healthCheck") or {}, updates)
        if not check_mode:
            update_resource(
                client,
                KIND,
                group_id,
                describe_blockers=_own_status_blockers(client, group_id),
                healthCheck=new_health_check,
            )
        resource = merge_dicts(resource, {"config": {"healthCheck": new_health_check}})
    if (to_register or to_deregister) and not check_mode:
        change_targets(
            client, group_id, to_register, to_deregister, describe_blockers=_own_status_blockers(client, group_id)
        )
    tags_changed, new_tags = ensure_tags(
        client, resource["arn"], tags, params.get("tags"), params.get("purge_tags"), check_mode
    )
    changed |= tags_changed
    if check_mode:
        return changed, _result(resource, new_tags, predicted_targets(group_type, targets, to_register, to_deregister))

    # A group left CREATE_IN_PROGRESS by an earlier run with wait=false; fails with AWS's reason if it failed.
    settling = params["wait"] and resource.get("status") != ACTIVE
    if settling:
        wait_for_status(client, KIND, group_id, timeout=params["wait_timeout"])
    if changed or settling or (params["wait_for_targets"] and unsettled_targets(group_type, targets, wanted)):
        return changed, _settled_result(client, group_id, group_type, wanted, params, new_tags)
    return False, _result(resource, tags, targets_result(targets))


def ensure_present(client, current, params, check_mode):
    """Make the target group match ``params``; ``(changed, target_group)``."""
    if current[0] is None:
        return create_target_group(client, params, check_mode)
    return update_target_group(client, current, params, check_mode)


def ensure_absent(client, current, params, check_mode):
    """Delete the target group if it exists; ``(changed, {})``.

    Fails, naming them, while services' listeners or rules forward to it; a group still being created is
    waited out. Its targets need no deregistration first.
    """
    resource = current[0]
    if resource is None:
        return False, {}
    group_id = resource["id"]
    changed = False
    if resource.get("status") != DELETE_IN_PROGRESS:
        subject = f"target group '{resource['name']}' ({group_id})"
        lasting = [blocker for blocker in target_group_blockers(client, group_id, resource) if not blocker.in_progress]
        if lasting:
            raise AnsibleLatticeError(
                message=f"Cannot delete target group {group_id}: {format_blockers(subject, lasting)}; remove the"
                " target group from the actions of their listeners and rules first"
            )
        if check_mode:
            return True, {}

        def blockers():
            return target_group_blockers(client, group_id)

        changed = delete_resource(client, KIND, group_id, describe_blockers=blockers, subject=subject)
    if params["wait"] and not check_mode:
        wait_for_deletion(client, KIND, group_id, timeout=params["wait_timeout"])
    return changed, {}


def run_module(module, client):
    params = module.params
    problem = validate_params(params)
    if problem:
        module.fail_json(msg=problem)
    try:
        current = describe_target_group(client, params["name"])
        before = _result(current[0], current[1], targets_result(current[2] or []))
        if params["state"] == "present":
            changed, target_group = ensure_present(client, current, params, module.check_mode)
        else:
            changed, target_group = ensure_absent(client, current, params, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, target_group=target_group, diff={"before": before, "after": target_group})


def main():
    health_check = dict(
        enabled=dict(type="bool"),
        protocol=dict(type="str", choices=["HTTP", "HTTPS", "TCP"]),
        protocol_version=dict(type="str", choices=["HTTP1", "HTTP2"]),
        port=dict(type="int"),
        path=dict(type="str"),
        interval_seconds=dict(type="int", aliases=["health_check_interval_seconds"]),
        timeout_seconds=dict(type="int", aliases=["health_check_timeout_seconds"]),
        healthy_threshold_count=dict(type="int"),
        unhealthy_threshold_count=dict(type="int"),
        matcher=dict(type="dict", options=dict(http_code=dict(type="str", required=True))),
    )
    config = dict(
        port=dict(type="int"),
        protocol=dict(type="str", choices=["HTTP", "HTTPS", "TCP"]),
        protocol_version=dict(type="str", choices=["HTTP1", "HTTP2", "GRPC"]),
        ip_address_type=dict(type="str", choices=["IPV4", "IPV6"]),
        vpc=dict(type="str"),
        lambda_event_structure_version=dict(type="str", choices=["V1", "V2"]),
        health_check=dict(type="dict", options=health_check),
    )
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        type=dict(type="str", choices=list(TARGET_GROUP_TYPES)),
        config=dict(type="dict", options=config),
        targets=dict(
            type="list", elements="dict", options=dict(id=dict(type="str", required=True), port=dict(type="int"))
        ),
        purge_targets=dict(type="bool", default=True),
        wait_for_targets=dict(type="bool", default=False),
        target_health_timeout=dict(type="int", default=300),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, lattice_client(module))


if __name__ == "__main__":
    main()
