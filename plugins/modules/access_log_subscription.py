#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: access_log_subscription
version_added: 0.1.0
short_description: Manage access log subscriptions of Amazon VPC Lattice service networks and services
description:
  - Create, update and delete access log subscriptions, which send the access logs of a VPC Lattice service network
    or service to a CloudWatch Logs log group, an S3 bucket or a Kinesis Data Firehose delivery stream.
  - A service network or service has at most one subscription per destination type (and, on a service network, per
    O(service_network_log_type)). The module finds the subscription by O(resource) and the type of
    O(destination_arn), so pointing it at another log group (or bucket, or stream) updates the subscription in place
    rather than adding a second one. A subscription can also be given directly by O(id).
  - Access log subscriptions are synchronous in the VPC Lattice API, so there is nothing to wait for.
  - Options that are not set are left alone on an existing subscription.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  resource:
    description:
      - The service network or service whose access logs are sent, by name, ID (V(sn-...), V(svc-...)) or ARN.
      - A name is looked up among both service networks and services unless O(resource_type) is set; a name that
        belongs to a service network and to a service fails and asks for O(resource_type).
      - Required to create a subscription. It cannot change; with O(id), a different O(resource) fails.
    type: str
  resource_type:
    description:
      - Whether O(resource) is a service network or a service.
      - Only needed when O(resource) is a name that a service network and a service share.
    type: str
    choices: ["service_network", "service"]
  id:
    description:
      - The ID (V(als-...)) or ARN of an existing access log subscription.
      - With O(id), the subscription is not looked up by O(resource) and destination type, and its destination may be
        changed to another destination type.
    type: str
  destination_arn:
    description:
      - The ARN of the destination, for example V(arn:aws:logs:eu-west-1:123456789012:log-group:lattice),
        V(arn:aws:s3:::my-log-bucket) or V(arn:aws:firehose:eu-west-1:123456789012:deliverystream/lattice).
      - Can be changed in place. Required unless O(id) is given; with O(state=absent) only its type counts, so the
        subscription of O(resource) to that type of destination is deleted wherever it points.
      - A log group ARN with or without the V(:*) suffix names the same log group.
    type: str
  service_network_log_type:
    description:
      - Which traffic of a service network is logged - V(SERVICE) for requests to services, V(RESOURCE) for
        connections to resource configurations.
      - Only for service networks; AWS uses V(SERVICE) when it is not set, so that is the subscription the module
        looks for when it is not set.
      - Can only be set when the subscription is created; with O(id), a different value fails.
    type: str
    choices: ["SERVICE", "RESOURCE"]
  state:
    description:
      - Whether the access log subscription should exist.
      - With V(absent), a O(resource) that does not exist has no subscription either, so nothing changes.
    type: str
    choices: ["present", "absent"]
    default: "present"
notes:
  - The destination must allow VPC Lattice to deliver logs to it (for example the log group's resource policy or the
    bucket policy); see the VPC Lattice user guide.
  - Deleting a service network or service also deletes its access log subscriptions.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Send the access logs of a service network to CloudWatch Logs
  lattice.mesh.access_log_subscription:
    resource: payments
    destination_arn: "{{ log_group.log_groups[0].arn }}"
    tags:
      team: payments

- name: Also keep the resource access logs of the network in S3
  lattice.mesh.access_log_subscription:
    resource: payments
    resource_type: service_network
    service_network_log_type: RESOURCE
    destination_arn: arn:aws:s3:::payments-lattice-logs

- name: Send the access logs of a service to another log group (updates its CloudWatch Logs subscription)
  lattice.mesh.access_log_subscription:
    resource: svc-0123456789abcdef0
    destination_arn: arn:aws:logs:eu-west-1:123456789012:log-group:checkout-v2

- name: Stop sending the logs of the service to CloudWatch Logs
  lattice.mesh.access_log_subscription:
    resource: svc-0123456789abcdef0
    destination_arn: arn:aws:logs:eu-west-1:123456789012:log-group:checkout-v2
    state: absent

- name: Delete a subscription by its ID
  lattice.mesh.access_log_subscription:
    id: als-0123456789abcdef0
    state: absent
"""

RETURN = r"""
access_log_subscription:
  description:
    - The access log subscription, as VPC Lattice describes it, with its tags.
    - Empty when O(state=absent). In check mode, fields that only AWS can know (such as the ID and the ARN) are missing
      from a subscription that would be created.
  returned: always
  type: complex
  contains:
    id:
      description: The ID of the access log subscription.
      type: str
      returned: when the subscription exists
      sample: als-0123456789abcdef0
    arn:
      description: The ARN of the access log subscription.
      type: str
      returned: when the subscription exists
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:accesslogsubscription/als-0123456789abcdef0
    resource_id:
      description: The ID of the service network or service.
      type: str
      returned: when the subscription exists
      sample: sn-0123456789abcdef0
    resource_arn:
      description: The ARN of the service network or service.
      type: str
      returned: when the subscription exists
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdef0
    destination_arn:
      description: The ARN of the destination.
      type: str
      returned: when the subscription exists
      sample: arn:aws:logs:eu-west-1:123456789012:log-group:lattice
    service_network_log_type:
      description: The log type of a service network's subscription.
      type: str
      returned: when the subscription belongs to a service network
      sample: SERVICE
    created_at:
      description: When the subscription was created (ISO 8601).
      type: str
      returned: when the subscription exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the subscription was last changed (ISO 8601).
      type: str
      returned: when the subscription exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    tags:
      description: The tags of the subscription.
      type: dict
      returned: when the subscription exists
      sample: {"team": "payments"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    access_log_destination_type,
    classify_identifier,
    create_resource,
    delete_resource,
    effective_log_type,
    ensure_tags,
    fail_on_immutable_changes,
    find_access_log_subscription,
    find_policy_resource,
    get_resource,
    get_tags_when_visible,
    immutable_changes,
    is_resource_arn,
    is_resource_id,
    kind_of_identifier,
    lattice_client,
    merge_dicts,
    missing_policy_resource,
    normalize_resource,
    read_back,
    same_destination,
    same_resource,
    tags_to_api,
    unsupported_request_fields,
    update_resource,
    validate_destination_arn,
    validate_policy_resource,
    validate_tags,
)

KIND = "access_log_subscription"
OPTION_NAMES = {"serviceNetworkLogType": "service_network_log_type"}


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    identifier, resource, destination_arn = params.get("id"), params.get("resource"), params.get("destination_arn")
    if identifier and classify_identifier(KIND, identifier) == "name":
        return f"id: '{identifier}' is not the ID (als-...) or ARN of an access log subscription."
    if resource:
        problem = validate_policy_resource(resource, params.get("resource_type"))
        if problem:
            return problem
    if not identifier and not destination_arn:
        return (
            "destination_arn: required to find the subscription of resource (it has one per destination type);"
            " or give the subscription's id."
        )
    if destination_arn:
        problem = validate_destination_arn(destination_arn)
        if problem:
            return problem
    if params.get("service_network_log_type") and (
        params.get("resource_type") == "service"
        or is_resource_id("service", resource)
        or is_resource_arn("service", resource)
    ):
        return "service_network_log_type: only service networks have log types; leave it out for a service."
    return validate_tags(params.get("tags"))


def _result(subscription, tags):
    return normalize_resource(subscription, tags=tags) if subscription else {}


def check_subscription_resource(subscription, resource, params):
    """With both ``id`` and ``resource``, the subscription must belong to that resource: it cannot move."""
    if not subscription or not params.get("resource"):
        return
    if resource is None or not same_resource(subscription["resourceId"], resource["id"]):
        raise AnsibleLatticeError(
            message=f"resource: access log subscription {subscription['id']} belongs to {subscription['resourceArn']},"
            f" not to '{params['resource']}', and cannot be moved; delete it (state: absent) and create a new one for"
            " the other resource"
        )


def describe_subscription(client, params):
    """``(kind, resource, subscription, tags)``. ``kind``/``resource``: the service network or service named by
    ``resource`` (None when it names nothing or was not given); ``subscription``/``tags``: None when there is none."""
    kind, resource = None, None
    if params.get("resource"):
        kind, resource = find_policy_resource(client, params["resource"], params.get("resource_type"))
    if params.get("id"):
        subscription = get_resource(client, KIND, params["id"])
        check_subscription_resource(subscription, resource, params)
    elif resource is None:
        subscription = None
    else:
        log_type = effective_log_type(kind, params.get("service_network_log_type"))
        destination_type = access_log_destination_type(params["destination_arn"])
        subscription = find_access_log_subscription(client, kind, resource, destination_type, log_type)
    if subscription is None:
        return kind, resource, None, None
    return kind, resource, subscription, get_tags_when_visible(client, subscription["arn"])


def create_subscription(client, kind, resource, params, check_mode):
    if params.get("id"):
        raise AnsibleLatticeError(
            message=f"id: there is no access log subscription {params['id']}; to create one, give resource and"
            " destination_arn without id"
        )
    if resource is None:
        raise missing_policy_resource(params["resource"], params.get("resource_type"))
    request = {
        "resourceIdentifier": resource["id"],
        "destinationArn": params["destination_arn"],
        "serviceNetworkLogType": params.get("service_network_log_type"),
        "tags": tags_to_api(params.get("tags")),
    }
    if check_mode:
        predicted = {
            "resourceId": resource["id"],
            "resourceArn": resource["arn"],
            "destinationArn": params["destination_arn"],
            "serviceNetworkLogType": effective_log_type(kind, params.get("service_network_log_type")),
        }
        return True, _result({key: value for key, value in predicted.items() if value}, request["tags"] or {})
    created = create_resource(client, KIND, **request)
    return True, _result(*read_back(client, KIND, created["id"], tags=request["tags"] or {}))


def update_subscription(client, subscription, tags, params, check_mode):
    log_type = effective_log_type(
        kind_of_identifier(subscription["resourceArn"]).key, subscription.get("serviceNetworkLogType")
    )
    fail_on_immutable_changes(
        KIND,
        f"{subscription['id']} (of {subscription['resourceArn']})",
        immutable_changes(
            {"serviceNetworkLogType": log_type}, {"serviceNetworkLogType": params.get("service_network_log_type")}
        ),
        OPTION_NAMES,
        how_to_replace="to change it, delete the access log subscription (state: absent) and create a new one",
    )
    changed = False
    destination_arn = params.get("destination_arn")
    if destination_arn and not same_destination(subscription["destinationArn"], destination_arn):
        changed = True
        if not check_mode:
            update_resource(client, KIND, subscription["id"], destinationArn=destination_arn)
        subscription = merge_dicts(subscription, {"destinationArn": destination_arn})

    tags_changed, new_tags = ensure_tags(
        client, subscription["arn"], tags, params.get("tags"), params.get("purge_tags"), check_mode
    )
    changed |= tags_changed

    if changed and not check_mode:
        subscription, new_tags = read_back(client, KIND, subscription["id"], tags=new_tags)
    return changed, _result(subscription, new_tags)


def ensure_present(client, current, params, check_mode):
    """Make the access log subscription match ``params``; ``(changed, access_log_subscription)``."""
    kind, resource, subscription, tags = current
    if subscription is None:
        return create_subscription(client, kind, resource, params, check_mode)
    return update_subscription(client, subscription, tags, params, check_mode)


def ensure_absent(client, current, check_mode):
    """Delete the access log subscription if it exists; ``(changed, {})``."""
    dummy, dummy2, subscription, dummy3 = current
    if subscription is None:
        return False, {}
    if check_mode:
        return True, {}
    return delete_resource(client, KIND, subscription["id"]), {}


def run_module(module, client):
    params = module.params
    problem = validate_params(params)
    if problem:
        module.fail_json(msg=problem)
    if params.get("service_network_log_type"):
        unsupported = unsupported_request_fields(
            client, "CreateAccessLogSubscription", {"service_network_log_type": "serviceNetworkLogType"}
        )
        if unsupported:
            module.fail_json(
                msg="service_network_log_type: the installed botocore is too old for it; upgrade botocore."
            )
    try:
        current = describe_subscription(client, params)
        if params["state"] == "present":
            changed, subscription = ensure_present(client, current, params, module.check_mode)
        else:
            changed, subscription = ensure_absent(client, current, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(
        changed=changed,
        access_log_subscription=subscription,
        diff={"before": _result(current[2], current[3]), "after": subscription},
    )


def main():
    argument_spec = dict(
        resource=dict(type="str"),
        resource_type=dict(type="str", choices=["service_network", "service"]),
        id=dict(type="str"),
        destination_arn=dict(type="str"),
        service_network_log_type=dict(type="str", choices=["SERVICE", "RESOURCE"]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_one_of=[("resource", "id")],
        supports_check_mode=True,
    )
    run_module(module, lattice_client(module))


if __name__ == "__main__":
    main()
