# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared support for the Amazon VPC Lattice modules of lattice.mesh.

This is the one module_utils file modules import from; the implementation lives in the private
``_vpc_lattice`` package and may move around freely.

A module typically does::

    from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import AnsibleLatticeError
    from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import lattice_client
    ...
    client = lattice_client(module)           # one client, calls retried (throttling, 5xx)
    try:
        current = find_resource(client, "service", module.params["name"])
        ...
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)         # errors are handled once, here

Building blocks:

- identifiers: ``KINDS`` (one ResourceKind per resource type: labels, ID prefixes, ARN types, Get/List
  names), ``validate_name`` (run before any AWS call), ``classify_identifier``/``resource_id``/
  ``parse_lattice_arn``/``same_resource`` (compare by ID, never an ID with an ARN).
- resources: ``get_resource``, ``find_resource`` (name, ID or ARN), ``list_resources``,
  ``describe_resource`` (find + tags),
  ``describe_listed_resource`` (a listed one, for _info modules), ``read_back`` (by ID after a write),
  ``get_tags_when_visible``,
  ``create_resource`` (clientToken), ``update_resource``,
  ``delete_resource`` (NotFound = already gone; conflicts explained or waited out),
  ``association_blockers``/``status_blocker``/``own_status_blockers`` to explain conflicts.
- waiters: ``wait_for_status``/``wait_for_deletion``/``wait_until_visible`` (resources) over
  ``wait_for_resource``, the only polling loop (status, visibility or absence; fails on ``*_FAILED``
  with AWS's reason); ``call_with_conflict_wait``, ``Blocker``, ``format_blockers``.
- tags: ``validate_tags``, ``tag_changes``/``apply_tag_changes`` (compare_aws_tags semantics),
  ``get_tags``, ``ensure_tags`` (no call in check mode), ``tags_to_api``.
- readers (for _info modules): ``describe_each`` (threaded), ``describe_listed``, ``describe_listeners`` (with
  rules), ``describe_rules``, ``describe_service_associations``, ``describe_auth_policy``,
  ``readable_by_owner_only`` (None for another account's shared resource).
- normalize: ``normalize_resource`` (snake_case result with tags), ``changed_fields``,
  ``immutable_changes``, ``merge_dicts``, ``values_equal``, ``policy_documents_equal``.
"""

from ._vpc_lattice.associations import (
    absent_or_leaving,
    describe_network_of,
    dns_options_differ,
    dns_options_to_api,
    fail_if_failed,
    find_association_network,
    find_service_association,
    find_vpc_association,
    security_groups_differ,
    service_association_create_blockers,
    unsupported_request_fields,
    validate_dns_options,
    validate_security_group_ids,
    validate_vpc_id,
    vpc_association_create_blockers,
    with_tags,
)
from ._vpc_lattice.common import (
    ACCESS_DENIED,
    CONFLICT,
    NOT_FOUND,
    RETRYABLE_ERROR_CODES,
    SINGLE_ATTEMPT_CONFIG,
    AnsibleLatticeError,
    LatticeConflictError,
    LatticeResourceFailed,
    LatticeWaitTimeout,
    call,
    call_with_fallbacks,
    error_code,
    full_pages,
    jittered_retry,
    lattice_client,
    lattice_retry,
    lattice_retry_decorator,
    new_client_token,
    paginate,
)
from ._vpc_lattice.identifiers import (
    KINDS,
    ResourceKind,
    any_resource_id,
    classify_identifier,
    get_kind,
    identifier_params,
    is_resource_arn,
    is_resource_id,
    kind_of_identifier,
    parse_lattice_arn,
    resource_id,
    same_resource,
    suggest_name,
    validate_name,
)
from ._vpc_lattice.listeners import (
    LISTENER_DEFAULT_PORTS,
    LISTENER_PROTOCOLS,
    PORT_RANGE,
    PRIORITY_RANGE,
    TLS_PASSTHROUGH,
    action_argument_spec,
    actions_equal,
    explain_quota,
    match_to_api,
    matches_equal,
    priority_holder,
    priority_taken_error,
    resolve_action,
    validate_action,
    validate_match,
    validate_range,
)
from ._vpc_lattice.normalize import (
    changed_fields,
    describe_value,
    immutable_changes,
    merge_dicts,
    normalize_resource,
    policy_documents_equal,
    values_equal,
)
from ._vpc_lattice.policies import (
    ACCESS_LOG_DESTINATIONS,
    AUTH_POLICY_MAX_BYTES,
    NETWORK_POLICY_SCOPES,
    POLICY_RESOURCE_KINDS,
    RESOURCE_POLICY_MAX_CHARS,
    access_log_destination_type,
    auth_policy_state,
    delete_policy,
    describe_policy_resource,
    effective_log_type,
    ensure_policy,
    find_access_log_subscription,
    find_policy_resource,
    get_policy,
    load_policy,
    missing_policy_resource,
    network_auth_policy,
    policy_resource_kinds,
    policy_result,
    put_policy,
    read_back_policy,
    remove_policy,
    render_policy,
    same_destination,
    service_auth_policy,
    validate_destination_arn,
    validate_policy,
    validate_policy_resource,
)
from ._vpc_lattice.readers import (
    READ_THREADS,
    describe_auth_policy,
    describe_each,
    describe_listed,
    describe_listeners,
    describe_rules,
    describe_service_associations,
    normalize_rule,
    readable_by_owner_only,
)
from ._vpc_lattice.resources import (
    association_blockers,
    create_resource,
    delete_resource,
    describe_listed_resource,
    describe_resource,
    find_resource,
    get_resource,
    get_tags_when_visible,
    list_resources,
    own_status_blockers,
    read_back,
    status_blocker,
    update_resource,
    wait_for_deletion,
    wait_for_status,
    wait_until_visible,
)
from ._vpc_lattice.service_networks import SERVICE_NETWORK_DEFAULTS, service_network_blockers
from ._vpc_lattice.service_networks import with_defaults as service_network_with_defaults
from ._vpc_lattice.services import (
    custom_domain_name_change,
    service_blockers,
    service_updates,
    service_with_defaults,
    validate_service_settings,
)
from ._vpc_lattice.tags import apply_tag_changes, ensure_tags, get_tags, tag_changes, tags_to_api, validate_tags
from ._vpc_lattice.target_groups import (
    TARGET_GROUP_OPTION_NAMES,
    TARGET_GROUP_TYPES,
    change_targets,
    desired_targets,
    health_check_updates,
    list_targets,
    predicted_target_group_config,
    predicted_targets,
    target_changes,
    target_group_blockers,
    target_group_config_defaults,
    target_group_config_request,
    target_group_immutable_changes,
    targets_result,
    unsettled_targets,
    validate_target_group,
    wait_for_targets,
)
from ._vpc_lattice.waiters import (
    Blocker,
    call_with_conflict_wait,
    conflict_details,
    failure_reason,
    format_blockers,
    status_in_progress,
    wait_for_resource,
)


def fail_on_immutable_changes(kind, identifier, problems, option_names, how_to_replace=None):
    """Raise AnsibleLatticeError for fields that cannot change in place (see ``immutable_changes``).

    ``option_names`` maps API field names to module option names (``{"sharingConfig": "sharing_config"}``)
    so the message names what the user wrote.
    """
    if not problems:
        return
    kind = get_kind(kind)
    details = "; ".join(
        f"{option_names.get(field, field)} is {describe_value(current)}, requested {describe_value(desired)}"
        for field, current, desired in problems
    )
    fields = ", ".join(option_names.get(field, field) for field, dummy, dummy2 in problems)
    how = how_to_replace or (
        f"to change it, delete the {kind.label} (state: absent) and create it again with the new value,"
        " or create a new one under another name"
    )
    raise AnsibleLatticeError(
        message=f"{fields} of {kind.label} {identifier} cannot be changed once it is created ({details}); {how}"
    )


__all__ = [
    "ACCESS_DENIED",
    "ACCESS_LOG_DESTINATIONS",
    "AUTH_POLICY_MAX_BYTES",
    "CONFLICT",
    "KINDS",
    "LISTENER_DEFAULT_PORTS",
    "LISTENER_PROTOCOLS",
    "NETWORK_POLICY_SCOPES",
    "NOT_FOUND",
    "POLICY_RESOURCE_KINDS",
    "PORT_RANGE",
    "PRIORITY_RANGE",
    "READ_THREADS",
    "RESOURCE_POLICY_MAX_CHARS",
    "RETRYABLE_ERROR_CODES",
    "SERVICE_NETWORK_DEFAULTS",
    "SINGLE_ATTEMPT_CONFIG",
    "TARGET_GROUP_OPTION_NAMES",
    "TARGET_GROUP_TYPES",
    "TLS_PASSTHROUGH",
    "AnsibleLatticeError",
    "Blocker",
    "LatticeConflictError",
    "LatticeResourceFailed",
    "LatticeWaitTimeout",
    "ResourceKind",
    "absent_or_leaving",
    "access_log_destination_type",
    "action_argument_spec",
    "actions_equal",
    "any_resource_id",
    "apply_tag_changes",
    "association_blockers",
    "auth_policy_state",
    "call",
    "call_with_conflict_wait",
    "call_with_fallbacks",
    "change_targets",
    "changed_fields",
    "classify_identifier",
    "conflict_details",
    "create_resource",
    "custom_domain_name_change",
    "delete_policy",
    "delete_resource",
    "describe_auth_policy",
    "describe_each",
    "describe_listed",
    "describe_listed_resource",
    "describe_listeners",
    "describe_network_of",
    "describe_policy_resource",
    "describe_resource",
    "describe_rules",
    "describe_service_associations",
    "describe_value",
    "desired_targets",
    "dns_options_differ",
    "dns_options_to_api",
    "effective_log_type",
    "ensure_policy",
    "ensure_tags",
    "error_code",
    "explain_quota",
    "fail_if_failed",
    "fail_on_immutable_changes",
    "failure_reason",
    "find_access_log_subscription",
    "find_association_network",
    "find_policy_resource",
    "find_resource",
    "find_service_association",
    "find_vpc_association",
    "format_blockers",
    "full_pages",
    "get_kind",
    "get_policy",
    "get_resource",
    "get_tags",
    "get_tags_when_visible",
    "health_check_updates",
    "identifier_params",
    "immutable_changes",
    "is_resource_arn",
    "is_resource_id",
    "jittered_retry",
    "kind_of_identifier",
    "lattice_client",
    "lattice_retry",
    "lattice_retry_decorator",
    "list_resources",
    "list_targets",
    "load_policy",
    "match_to_api",
    "matches_equal",
    "merge_dicts",
    "missing_policy_resource",
    "network_auth_policy",
    "new_client_token",
    "normalize_resource",
    "normalize_rule",
    "own_status_blockers",
    "paginate",
    "parse_lattice_arn",
    "policy_documents_equal",
    "policy_resource_kinds",
    "policy_result",
    "predicted_target_group_config",
    "predicted_targets",
    "priority_holder",
    "priority_taken_error",
    "put_policy",
    "read_back",
    "read_back_policy",
    "readable_by_owner_only",
    "remove_policy",
    "render_policy",
    "resolve_action",
    "resource_id",
    "same_destination",
    "same_resource",
    "security_groups_differ",
    "service_association_create_blockers",
    "service_auth_policy",
    "service_blockers",
    "service_network_blockers",
    "service_network_with_defaults",
    "service_updates",
    "service_with_defaults",
    "status_blocker",
    "status_in_progress",
    "suggest_name",
    "tag_changes",
    "tags_to_api",
    "target_changes",
    "target_group_blockers",
    "target_group_config_defaults",
    "target_group_config_request",
    "target_group_immutable_changes",
    "targets_result",
    "unsettled_targets",
    "unsupported_request_fields",
    "update_resource",
    "validate_action",
    "validate_destination_arn",
    "validate_dns_options",
    "validate_match",
    "validate_name",
    "validate_policy",
    "validate_policy_resource",
    "validate_range",
    "validate_security_group_ids",
    "validate_service_settings",
    "validate_tags",
    "validate_target_group",
    "validate_vpc_id",
    "values_equal",
    "vpc_association_create_blockers",
    "wait_for_deletion",
    "wait_for_resource",
    "wait_for_status",
    "wait_for_targets",
    "wait_until_visible",
    "with_tags",
]
