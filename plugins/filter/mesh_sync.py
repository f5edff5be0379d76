# -*- coding: utf-8 -*-

# Copyright: lattice.mesh contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The planned services compared with what is deployed (mesh_services_in_sync, mesh_auth_policies_to_apply), so
that site.yml runs the service role only for the services it would change; and the auth policy document the
service role applies (service_auth_policy) and the one the service_network role applies (network_auth_policy).

The comparisons are the modules' own (module_utils): a service reported in sync is one for which every module
task of the service role would report no change. Whatever the comparison cannot decide from the read (targets
found at run time, a resource still in progress) counts as out of sync: the role then decides, as always.
Documentation in the .yml file of each filter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    actions_equal,
    desired_targets,
    health_check_updates,
    match_to_api,
    matches_equal,
    network_auth_policy,
    policy_documents_equal,
    same_resource,
    service_auth_policy,
    tag_changes,
    target_changes,
    target_group_immutable_changes,
)

ACTIVE = "ACTIVE"
# Target groups whose targets are found at run time (EC2 filters, a Lambda function) or registered by ECS.
RUN_TIME_SOURCES = ("target_filters", "lambda_function", "ecs")
IMMUTABLE_CONFIG = ("port", "protocol", "protocol_version", "ip_address_type", "lambda_event_structure_version")


def _plain(value):
    """Ansible's lazily templated containers as plain dicts and lists (the module_utils comparisons copy them)."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(item) for item in value]
    return value


def _camel(value):
    """A snake_cased read (an _info module's result) back in the API's shape, for the modules' comparisons."""
    return snake_dict_to_camel_dict(value) if value else value


def _tags_in_place(current, desired):
    """The role sets its tags with purge_tags=false: other tags may be there too."""
    to_set, dummy = tag_changes(current or {}, desired, purge_tags=False)
    return not to_set


def _by_name(items):
    return {item["name"]: item for item in items or []}


def _exactly_the_planned(deployed, planned):
    """The deployed items by name when their names are exactly the planned ones (the role purges the others),
    else None."""
    deployed = _by_name(deployed)
    return deployed if sorted(deployed) == sorted(item["name"] for item in planned) else None


def _action_request(action, group_ids):
    """The API action the role asks for (a planned default_action or rule action); None when a target group it
    forwards to is not deployed."""
    if "fixed_response" in action:
        return {"fixedResponse": {"statusCode": int(action["fixed_response"])}}
    forward = []
    for entry in action["forward"]:
        if entry["target_group"] not in group_ids:
            return None
        forward.append({"targetGroupIdentifier": group_ids[entry["target_group"]], "weight": entry.get("weight")})
    return {"forward": {"targetGroups": forward}}


def _group_in_sync(planned, deployed, vpc_id, service_tags):
    """True when the target_group task would change nothing: same type and immutable settings, VPC, health
    check, exactly the planned targets, the tags, and ACTIVE."""
    if deployed is None or deployed.get("status") != ACTIVE:
        return False
    # The group in the API's shape and the config as the role gives it (the VPC: the service's, none for LAMBDA).
    resource = {"type": deployed.get("type"), "config": _camel(deployed.get("config") or {})}
    config = dict(
        {key: planned.get(key) for key in IMMUTABLE_CONFIG},
        vpc=None if planned["type"] == "LAMBDA" else vpc_id,
        health_check=planned.get("health_check"),
    )
    if target_group_immutable_changes(resource, planned["type"], config) or health_check_updates(resource, config):
        return False
    if planned.get("targets") is not None:
        wanted = desired_targets(planned["type"], planned["targets"], resource["config"].get("port"))
        to_register, to_deregister = target_changes(planned["type"], deployed.get("targets") or [], wanted)
        if to_register or to_deregister:
            return False
    return _tags_in_place(deployed.get("tags"), {**service_tags, "Name": planned["name"], **planned.get("tags", {})})


def _rules_in_sync(planned_listener, deployed_listener, group_ids, service_tags):
    """True when no rule task would change anything: exactly the planned rules besides the default one, each
    with its priority, match, action and tags."""
    deployed_rules = _exactly_the_planned(
        [rule for rule in deployed_listener.get("rules") or [] if not rule.get("is_default")], planned_listener["rules"]
    )
    if deployed_rules is None:
        return False
    for planned in planned_listener["rules"]:
        deployed = deployed_rules[planned["name"]]
        action = _action_request(planned["action"], group_ids)
        if (
            action is None
            or deployed.get("priority") != planned["priority"]
            or not matches_equal(_camel(deployed.get("match")), match_to_api({"http_match": planned["match"]}))
            or not actions_equal(_camel(deployed.get("action")), action)
            or not _tags_in_place(deployed.get("tags"), {**service_tags, "Name": planned["name"]})
        ):
            return False
    return True


def _listeners_in_sync(planned_service, deployed_listeners, group_ids, service_tags):
    """True when no listener or rule task would change anything (undeclared listeners are purged)."""
    if deployed_listeners is None:
        return False
    deployed_listeners = _exactly_the_planned(deployed_listeners, planned_service["listeners"])
    if deployed_listeners is None:
        return False
    for planned in planned_service["listeners"]:
        deployed = deployed_listeners[planned["name"]]
        action = _action_request(planned["default_action"], group_ids)
        if (
            action is None
            or "rules" not in deployed
            or deployed.get("protocol") != planned["protocol"]
            or deployed.get("port") != planned["port"]
            or not actions_equal(_camel(deployed.get("default_action")), action)
            or not _tags_in_place(deployed.get("tags"), {**service_tags, "Name": planned["name"], **planned["tags"]})
            or not _rules_in_sync(planned, deployed, group_ids, service_tags)
        ):
            return False
    return True


def _association(deployed_service, network):
    """The service's live association with ``network`` (its ID or ARN), or None."""
    for association in deployed_service.get("service_network_associations") or []:
        if association.get("status") == "DELETE_IN_PROGRESS":
            continue
        if (
            same_resource(association.get("service_network_id"), network)
            or association.get("service_network_arn") == network
        ):
            return association
    return None


def _service_result(planned, deployed, groups, association):
    """What the service role records for a service (its service_result), from the read."""
    return {
        "id": deployed["id"],
        "arn": deployed["arn"],
        "name": planned["name"],
        "status": deployed["status"],
        "dns_name": (deployed.get("dns_entry") or {}).get("domain_name"),
        "target_groups": {
            name: {"id": group["id"], "arn": group["arn"], "status": group["status"]} for name, group in groups.items()
        },
        "listeners": {
            listener["name"]: {"id": listener["id"], "arn": listener["arn"]} for listener in deployed["listeners"]
        },
        "association_id": association["id"] if association else None,
        "association_status": association["status"] if association else None,
    }


def _service_in_sync(planned, deployed, deployed_groups, network, vpc_ids):
    """The service's service_result when no task of the service role would change it, else None."""
    if deployed is None or deployed.get("status") != ACTIVE or deployed.get("auth_type") != planned["auth_type"]:
        return None
    tags = planned["tags"]
    if not _tags_in_place(deployed.get("tags"), dict(tags, Name=planned["name"])):
        return None
    if any(key in group for group in planned["target_groups"] for key in RUN_TIME_SOURCES):
        return None
    vpc_id = vpc_ids.get(planned["vpc"]) if planned.get("vpc") else None
    groups = {}
    for group in planned["target_groups"]:
        found = deployed_groups.get(group["name"])
        if not _group_in_sync(group, found, vpc_id, tags):
            return None
        groups[group["name"]] = found
    group_ids = {name: group["id"] for name, group in deployed_groups.items()}
    if not _listeners_in_sync(planned, deployed.get("listeners"), group_ids, tags):
        return None
    association = None
    if network is not None:
        association = _association(deployed, network)
        if (
            association is None
            or association.get("status") != ACTIVE
            or not _tags_in_place(
                association.get("tags"),
                {**tags, "Name": planned["name"] + "-association", **planned["association_tags"]},
            )
        ):
            return None
    return _service_result(planned, deployed, groups, association)


def mesh_services_in_sync(services, deployed_services, deployed_target_groups, network=None, vpcs=None):
    """Planned service key -> its service_result, for each planned service that the service role would leave
    unchanged; the services left out need the role. ``vpcs`` is the network role's network_result (planned VPC
    key -> its ``vpc_id``), ``network`` the ID or ARN of the service network the services are associated with."""
    services, deployed_services, deployed_target_groups = map(
        _plain, (services, deployed_services, deployed_target_groups)
    )
    vpc_ids = {key: (vpc or {}).get("vpc_id") for key, vpc in (vpcs or {}).items()}
    deployed_by_name = _by_name(service for service in deployed_services or [] if "listeners" in service)
    groups_by_name = _by_name(deployed_target_groups)
    in_sync = {}
    for planned in services or []:
        result = _service_in_sync(planned, deployed_by_name.get(planned["name"]), groups_by_name, network, vpc_ids)
        if result is not None:
            in_sync[planned["key"]] = result
    return in_sync


def network_auth_policy_of(grants, scope="services"):
    """The auth policy the service_network role gives a network (module_utils network_auth_policy)."""
    return network_auth_policy(_plain(grants), scope)


def mesh_auth_policies_to_apply(services, caller_roles, deployed_services, service_results):
    """The planned services whose auth policy the service role's auth_policy entry point would change, each with
    ``allowed_principals``: the roles of its callers that exist (``caller_roles``: caller key -> role ARN; none
    left, the policy is removed). ``service_results`` are this run's service_results by key (their ARNs),
    ``deployed_services`` the service_info read with include_auth_policy."""
    services, caller_roles, deployed_services, service_results = map(
        _plain, (services, caller_roles, deployed_services, service_results)
    )
    deployed_by_arn = {service["arn"]: service for service in deployed_services or [] if "auth_policy" in service}
    to_apply = []
    for planned in services or []:
        allowed = [caller_roles[caller] for caller in planned["callers"] if caller in caller_roles]
        arn = (service_results.get(planned["key"]) or {}).get("arn")
        deployed = deployed_by_arn.get(arn) if arn else None
        if deployed is None or not policy_documents_equal(
            deployed["auth_policy"], service_auth_policy(arn, allowed) if allowed else None
        ):
            to_apply.append(dict(planned, allowed_principals=allowed))
    return to_apply


class FilterModule:
    def filters(self):
        return {
            "mesh_services_in_sync": mesh_services_in_sync,
            "mesh_auth_policies_to_apply": mesh_auth_policies_to_apply,
            "service_auth_policy": service_auth_policy,
            "network_auth_policy": network_auth_policy_of,
        }
