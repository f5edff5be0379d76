#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: service
version_added: 0.1.0
short_description: Manage Amazon VPC Lattice services
description:
  - Create, update and delete Amazon VPC Lattice services.
  - A service is an application that clients in the VPCs of a service network reach through VPC Lattice; its
    listeners route requests to target groups. Listeners, rules and target groups are managed by other modules.
  - Services are asynchronous in the VPC Lattice API (V(CREATE_IN_PROGRESS), then V(ACTIVE); V(DELETE_IN_PROGRESS),
    then gone); see O(wait).
  - Options that are not set are left alone on an existing service.
  - To create a service under the name of one that is still being deleted, the module waits for the deletion to
    finish first (the name is not free before), whatever O(wait) says.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  name:
    description:
      - Name of the service, 3 to 40 lowercase letters, digits and hyphens, not beginning or ending with a hyphen,
        without two hyphens in a row and not beginning with V(svc-).
      - Names are unique per account and region.
      - An existing service may also be given by its ID (V(svc-...)) or ARN, for example to delete it. A service is
        created only from a name; an ID or ARN that matches nothing is an error.
    type: str
    required: true
  state:
    description:
      - Whether the service should exist.
      - A service can be deleted only once it is no longer associated with any service network; otherwise the module
        fails and lists the service networks it is still associated with. Associations being deleted are waited out.
      - Deleting a service also deletes its listeners, rules, auth and resource policies and access log
        subscriptions.
    type: str
    choices: ["present", "absent"]
    default: "present"
  auth_type:
    description:
      - The type of IAM policy evaluation for the service.
      - V(NONE) does not authenticate callers. V(AWS_IAM) requires an auth policy; with V(AWS_IAM) and no auth policy
        every request is denied.
      - Can be changed in place. When creating, AWS defaults to V(NONE).
    type: str
    choices: ["NONE", "AWS_IAM"]
  custom_domain_name:
    description:
      - A custom domain name for the service, for example V(orders.example.com), in addition to the domain name VPC
        Lattice generates (RV(service.dns_entry)). You point it at the service yourself with a DNS record.
      - Can only be set when the service is created. Requesting a different value for an existing service fails; to
        change it, delete the service (O(state=absent)) and create it again.
      - Compared without regard to case or a final dot.
    type: str
  certificate_arn:
    description:
      - The ARN of the AWS Certificate Manager certificate that HTTPS listeners of the service present for
        O(custom_domain_name). It is only used by HTTPS listeners of a service with a custom domain name.
      - Can be changed in place. An empty string asks for no certificate.
    type: str
  idle_timeout_seconds:
    description:
      - How many seconds a connection may stay idle (no data sent) before VPC Lattice closes it, from 60 to 600.
      - Can be changed in place. When creating, AWS defaults to 60 seconds.
    type: int
extends_documentation_fragment:
  - lattice.mesh.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create a service that requires IAM authentication
  lattice.mesh.service:
    name: orders
    auth_type: AWS_IAM
    idle_timeout_seconds: 120
    tags:
      team: orders
  register: orders

- name: Create a service with a custom domain name and its certificate
  lattice.mesh.service:
    name: billing
    custom_domain_name: billing.example.com
    certificate_arn: arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-4567-89ef-0123-456789abcdef

- name: Start creating a service and return at once (its status may be CREATE_IN_PROGRESS)
  lattice.mesh.service:
    name: reports
    wait: false

- name: Add a tag without removing the other tags
  lattice.mesh.service:
    name: orders
    tags:
      cost-center: "4711"
    purge_tags: false

- name: Delete a service by its ID
  lattice.mesh.service:
    name: "{{ orders.service.id }}"
    state: absent
"""

RETURN = r"""
service:
  description:
    - The service, as VPC Lattice describes it, with its tags.
    - Empty when O(state=absent). In check mode, fields that only AWS can know (such as the ID, the ARN, the status
      and the DNS entry) are missing from a service that would be created.
  returned: always
  type: complex
  contains:
    arn:
      description: The ARN of the service.
      type: str
      returned: when the service exists
      sample: arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0
    id:
      description: The ID of the service.
      type: str
      returned: when the service exists
      sample: svc-0123456789abcdef0
    name:
      description: The name of the service.
      type: str
      returned: when the service exists
      sample: orders
    status:
      description:
        - The status of the service.
        - V(CREATE_IN_PROGRESS) or V(DELETE_IN_PROGRESS) only with O(wait=false).
      type: str
      returned: when the service exists
      sample: ACTIVE
    failure_code:
      description: Why the service failed, when its status is V(CREATE_FAILED) or V(DELETE_FAILED).
      type: str
      returned: when the service failed
    failure_message:
      description: A description of the failure, when its status is V(CREATE_FAILED) or V(DELETE_FAILED).
      type: str
      returned: when the service failed
    dns_entry:
      description: The domain name VPC Lattice generated for the service.
      type: dict
      returned: when the service exists
      contains:
        domain_name:
          description: The domain name of the service.
          type: str
          returned: always
          sample: orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-west-1.on.aws
        hosted_zone_id:
          description: The ID of the hosted zone of the domain name.
          type: str
          returned: always
          sample: Z03139531X0I3DJSM7D5Q
    custom_domain_name:
      description: The custom domain name of the service; V(null) when it has none.
      type: str
      returned: when the service exists
      sample: orders.example.com
    certificate_arn:
      description: The ARN of the certificate of the custom domain name; V(null) when there is none.
      type: str
      returned: when the service exists
      sample: arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-4567-89ef-0123-456789abcdef
    auth_type:
      description: The type of IAM policy evaluation.
      type: str
      returned: when the service exists
      sample: AWS_IAM
    idle_timeout_seconds:
      description: How many seconds a connection may stay idle before VPC Lattice closes it.
      type: int
      returned: when the service exists
      sample: 60
    created_at:
      description: When the service was created (ISO 8601).
      type: str
      returned: when the service exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    last_updated_at:
      description: When the service was last changed (ISO 8601).
      type: str
      returned: when the service exists
      sample: "2024-05-01T10:00:00.123000+00:00"
    tags:
      description: The tags of the service.
      type: dict
      returned: when the service exists
      sample: {"team": "orders"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    classify_identifier,
    create_resource,
    custom_domain_name_change,
    delete_resource,
    describe_resource,
    ensure_tags,
    fail_on_immutable_changes,
    format_blockers,
    lattice_client,
    merge_dicts,
    normalize_resource,
    own_status_blockers,
    read_back,
    service_blockers,
    service_updates,
    service_with_defaults,
    tags_to_api,
    update_resource,
    validate_name,
    validate_service_settings,
    validate_tags,
    wait_for_deletion,
    wait_for_status,
)

KIND = "service"
OPTION_NAMES = {"customDomainName": "custom_domain_name"}
DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"


def validate_params(params):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    name = params["name"]
    if params["state"] == "present" and classify_identifier(KIND, name) == "name":
        problem = validate_name(KIND, name, field="name")
        if problem:
            return problem
    if params["wait_timeout"] < 0:
        return "wait_timeout: give a number of seconds, 0 or more."
    return validate_service_settings(
        idle_timeout_seconds=params.get("idle_timeout_seconds"),
        custom_domain_name=params.get("custom_domain_name"),
        certificate_arn=params.get("certificate_arn"),
    ) or validate_tags(params.get("tags"))


def describe_service(client, identifier):
    """``(resource, tags)`` of the service ``identifier`` (name, ID or ARN), or ``(None, None)``."""
    resource, tags = describe_resource(client, KIND, identifier)
    return service_with_defaults(resource), tags


def _result(resource, tags):
    return normalize_resource(resource, tags=tags) if resource else {}


def _settled(client, service_id, params, tags):
    """``(resource, tags)`` after a write (``tags``: the service's tags now): once ACTIVE when ``wait`` is set, else
    as AWS reports it now."""
    if params["wait"]:
        resource = wait_for_status(client, KIND, service_id, timeout=params["wait_timeout"])
    else:
        resource, tags = read_back(client, KIND, service_id, tags=tags)
    return service_with_defaults(resource), tags


def create_service(client, params, check_mode):
    name = params["name"]
    if classify_identifier(KIND, name) != "name":
        raise AnsibleLatticeError(
            message=f"name: no service has the ID or ARN {name}; to create a service, give its name"
        )
    request = {
        "name": name,
        "authType": params.get("auth_type"),
        "customDomainName": params.get("custom_domain_name"),
        # "" (no certificate) is what a new service has anyway.
        "certificateArn": params.get("certificate_arn") or None,
        "idleTimeoutSeconds": params.get("idle_timeout_seconds"),
    }
    tags = tags_to_api(params.get("tags")) or {}
    if check_mode:
        return True, _result(service_with_defaults(request), tags)
    created = create_resource(client, KIND, tags=tags or None, **request)
    return True, _result(*_settled(client, created["id"], params, tags))


def update_service(client, resource, tags, params, check_mode):
    service_id = resource["id"]
    fail_on_immutable_changes(
        KIND,
        f"'{resource['name']}' ({service_id})",
        custom_domain_name_change(resource, params.get("custom_domain_name")),
        OPTION_NAMES,
        how_to_replace="to change it, replace the service: delete it (state: absent; its service network"
        " associations must be removed first, and its listeners and rules go with it) and create it again with the"
        " new custom_domain_name, or create a new service under another name",
    )
    updates = service_updates(
        resource,
        auth_type=params.get("auth_type"),
        certificate_arn=params.get("certificate_arn"),
        idle_timeout_seconds=params.get("idle_timeout_seconds"),
    )
    changed = bool(updates)
    if updates:
        if not check_mode:
            update_resource(
                client,
                KIND,
                service_id,
                describe_blockers=lambda: own_status_blockers(client, KIND, service_id),
                **updates,
            )
        resource = service_with_defaults(merge_dicts(resource, updates))

    tags_changed, new_tags = ensure_tags(
        client, resource["arn"], tags, params.get("tags"), params.get("purge_tags"), check_mode
    )
    changed |= tags_changed

    unsettled = params["wait"] and resource.get("status") != "ACTIVE"
    if not check_mode and (changed or unsettled):
        # What AWS now reports (status, lastUpdatedAt) rather than what we predicted.
        resource, new_tags = _settled(client, service_id, params, new_tags)
    return changed, _result(resource, new_tags)


def ensure_present(client, current, params, check_mode):
    """Make the service match ``params``; ``(changed, service)``."""
    resource, tags = current
    if resource is not None and resource.get("status") == DELETE_IN_PROGRESS:
        # Its name is taken until the deletion has finished.
        if not check_mode:
            wait_for_deletion(client, KIND, resource["id"], timeout=params["wait_timeout"])
        resource = None
    if resource is None:
        return create_service(client, params, check_mode)
    return update_service(client, resource, tags, params, check_mode)


def ensure_absent(client, current, params, check_mode):
    """Delete the service if it exists; ``(changed, {})``.

    Fails, naming them, while the service is associated with service networks (associations being deleted,
    and the service's own creation in progress, are waited out).
    """
    resource, dummy = current
    if resource is None:
        return False, {}
    service_id = resource["id"]
    changed = False
    if resource.get("status") != DELETE_IN_PROGRESS:
        subject = f"service '{resource['name']}' ({service_id})"

        def blockers():
            return service_blockers(client, service_id)

        if check_mode:
            lasting = [blocker for blocker in blockers() if not blocker.in_progress]
            if lasting:
                raise AnsibleLatticeError(
                    message=f"Cannot delete service {service_id}: {format_blockers(subject, lasting)}"
                )
            return True, {}
        changed = delete_resource(client, KIND, service_id, describe_blockers=blockers, subject=subject)
    if params["wait"] and not check_mode:
        wait_for_deletion(client, KIND, service_id, timeout=params["wait_timeout"])
    return changed, {}


def run_module(module, client):
    params = module.params
    problem = validate_params(params)
    if problem:
        module.fail_json(msg=problem)
    try:
        current = describe_service(client, params["name"])
        if params["state"] == "present":
            changed, service = ensure_present(client, current, params, module.check_mode)
        else:
            changed, service = ensure_absent(client, current, params, module.check_mode)
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, service=service, diff={"before": _result(*current), "after": service})


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        auth_type=dict(type="str", choices=["NONE", "AWS_IAM"]),
        custom_domain_name=dict(type="str"),
        certificate_arn=dict(type="str"),
        idle_timeout_seconds=dict(type="int"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, lattice_client(module))


if __name__ == "__main__":
    main()
