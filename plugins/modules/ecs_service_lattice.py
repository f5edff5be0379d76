#!/usr/bin/python

# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecs_service_lattice
version_added: 0.1.0
short_description: Attach an existing Amazon ECS service to VPC Lattice target groups
description:
  - Sets and reconciles the VPC Lattice configurations (C(vpcLatticeConfigurations)) of an existing ECS service,
    so that ECS registers the service's tasks in VPC Lattice target groups of type C(IP).
  - Each configuration names a target group, the name of a port mapping of the service's task definition, and
    the ECS infrastructure IAM role that ECS uses to register and deregister the tasks.
  - AWS keeps the configuration on the service's deployments. A change is made with C(UpdateService), which
    starts a new deployment; O(wait) waits for the service to be stable again.
  - Configurations are compared as a set (their order does not matter); nothing is sent when they already match.
  - The module does not create ECS services; C(community.aws.ecs_service) does, but cannot set this configuration.
author:
  - lattice.mesh maintainers (@lattice-mesh)
options:
  cluster:
    description: Name or ARN of the ECS cluster of the service.
    type: str
    required: true
  service:
    description: Name or ARN of the ECS service. It must exist.
    type: str
    required: true
  vpc_lattice_configurations:
    description:
      - The VPC Lattice configurations the service should have.
      - Unset, the service's configurations are left alone. V([]) removes them all (with
        O(purge_vpc_lattice_configurations)).
    type: list
    elements: dict
    suboptions:
      target_group:
        description:
          - Name, ID (V(tg-...)) or ARN of a VPC Lattice target group of type C(IP), in the account and region of
            the service.
        type: str
        required: true
      port_name:
        description: Name of the port mapping (C(portMappings[].name)) of the task definition whose port is registered.
        type: str
        required: true
      role_arn:
        description:
          - ARN of the ECS infrastructure IAM role (trusting C(ecs.amazonaws.com), with the managed policy
            C(AmazonECSInfrastructureRolePolicyForVpcLattice)); the role C(lattice.mesh.ecs_infrastructure_role)
            creates one.
        type: str
        required: true
  purge_vpc_lattice_configurations:
    description:
      - Whether configurations of the service that are not in O(vpc_lattice_configurations) are removed.
      - With V(false) the listed configurations are added to the existing ones.
    type: bool
    default: true
  wait:
    description:
      - Whether to wait, after a change, until the service is stable (one deployment, as many tasks running as
        desired), as the C(ServicesStable) waiter decides.
    type: bool
    default: false
  wait_timeout:
    description: How many seconds to wait for the service to be stable.
    type: int
    default: 600
notes:
  - The task definition must use the C(awsvpc) network mode, as VPC Lattice reaches the tasks by their IP address.
  - ECS services take no part of their tags from this module; tag them with the module that creates them.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Serve the web service's http port through a Lattice target group
  lattice.mesh.ecs_service_lattice:
    cluster: production
    service: web
    vpc_lattice_configurations:
      - target_group: payments-web-tg
        port_name: http
        role_arn: arn:aws:iam::123456789012:role/ecs-lattice-infrastructure
    wait: true

- name: Add a second target group, keeping the existing configuration
  lattice.mesh.ecs_service_lattice:
    cluster: production
    service: arn:aws:ecs:eu-west-1:123456789012:service/production/web
    vpc_lattice_configurations:
      - target_group: tg-0123456789abcdef0
        port_name: admin
        role_arn: arn:aws:iam::123456789012:role/ecs-lattice-infrastructure
    purge_vpc_lattice_configurations: false

- name: Detach the service from VPC Lattice
  lattice.mesh.ecs_service_lattice:
    cluster: production
    service: web
    vpc_lattice_configurations: []
"""

RETURN = r"""
service:
  description: The ECS service after the change (predicted in check mode).
  returned: always
  type: complex
  contains:
    service_arn:
      description: ARN of the service.
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:service/production/web
    service_name:
      description: Name of the service.
      type: str
      sample: web
    cluster_arn:
      description: ARN of the cluster.
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:cluster/production
    status:
      description: Status of the service.
      type: str
      sample: ACTIVE
    task_definition:
      description: ARN of the task definition of the service.
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3
    desired_count:
      description: Number of tasks the service should run.
      type: int
      sample: 2
    running_count:
      description: Number of tasks running.
      type: int
      sample: 2
    deployments:
      description: The deployments of the service, as ECS reports them (snake-cased).
      type: list
      elements: dict
    vpc_lattice_configurations:
      description: The configurations of the PRIMARY deployment, sorted by target group ARN.
      type: list
      elements: dict
      contains:
        target_group_arn:
          description: ARN of the target group.
          type: str
          sample: arn:aws:vpc-lattice:eu-west-1:123456789012:targetgroup/tg-0123456789abcdef0
        port_name:
          description: Name of the port mapping.
          type: str
          sample: http
        role_arn:
          description: ARN of the ECS infrastructure role.
          type: str
          sample: arn:aws:iam::123456789012:role/ecs-lattice-infrastructure
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError, WaiterError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore/boto3.

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.lattice.mesh.plugins.module_utils.ecs_lattice import (
    configurations_differ,
    configurations_result,
    current_configurations,
    desired_configurations,
    validate_configurations,
)
from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    AnsibleLatticeError,
    find_resource,
    lattice_client,
)

# ECS answers throttling with ThrottlingException, which AWSRetry does not retry by default.
ecs_retry = AWSRetry.jittered_backoff(
    retries=10, delay=2, max_delay=30, catch_extra_error_codes=["ThrottlingException"]
)
WAIT_DELAY = 5


class EcsServiceError(Exception):
    """A problem to report with fail_json (the service or a target group is missing or unusable)."""


def describe_service(ecs, cluster, service):
    """The service as DescribeServices reports it; fails when it is missing or no longer active."""
    found = ecs.describe_services(cluster=cluster, services=[service], aws_retry=True)
    services = [item for item in found.get("services") or [] if item.get("status") != "INACTIVE"]
    if not services:
        raise EcsServiceError(
            f"ECS service {service} not found in cluster {cluster}; create it first (for example with"
            " community.aws.ecs_service), this module only sets its VPC Lattice configurations"
        )
    return services[0]


def wanted_configurations(lattice, items):
    """The requested configurations in API form, each target group resolved (name, ID or ARN) to its ARN."""
    wanted = []
    for index, item in enumerate(items):
        group = find_resource(lattice, "target_group", item["target_group"])
        where = f"vpc_lattice_configurations[{index}].target_group"
        if group is None:
            raise EcsServiceError(f"{where}: target group {item['target_group']} not found; create it first")
        if group.get("type") != "IP":
            raise EcsServiceError(
                f"{where}: target group {item['target_group']} is of type {group.get('type')}; ECS registers"
                " its tasks by IP address, so give a target group of type IP"
            )
        wanted.append({"roleArn": item["role_arn"], "targetGroupArn": group["arn"], "portName": item["port_name"]})
    return wanted


def service_result(service, configurations):
    result = camel_dict_to_snake_dict(service)
    result["vpc_lattice_configurations"] = configurations_result(configurations)
    return result


def ensure_configurations(ecs, service, current, desired, params, check_mode):
    """Make ``desired`` the service's configurations; ``(changed, service)``."""
    if not configurations_differ(current, desired):
        return False, service
    if check_mode:
        return True, service
    ecs.update_service(
        cluster=service["clusterArn"],
        service=service["serviceArn"],
        vpcLatticeConfigurations=desired,
        aws_retry=True,
    )
    if params["wait"]:
        ecs.get_waiter("services_stable").wait(
            cluster=service["clusterArn"],
            services=[service["serviceArn"]],
            WaiterConfig={"Delay": WAIT_DELAY, "MaxAttempts": max(1, params["wait_timeout"] // WAIT_DELAY)},
        )
    return True, describe_service(ecs, service["clusterArn"], service["serviceArn"])


def run_module(module, ecs, lattice):
    params = module.params
    problem = validate_configurations(params["vpc_lattice_configurations"])
    if problem:
        module.fail_json(msg=problem)
    try:
        service = describe_service(ecs, params["cluster"], params["service"])
        current = current_configurations(service)
        desired = current
        if params["vpc_lattice_configurations"] is not None:
            wanted = wanted_configurations(lattice, params["vpc_lattice_configurations"])
            desired = desired_configurations(current, wanted, params["purge_vpc_lattice_configurations"])
        changed, service = ensure_configurations(ecs, service, current, desired, params, module.check_mode)
        after = desired if module.check_mode else current_configurations(service)
    except EcsServiceError as e:
        module.fail_json(msg=str(e))
    except WaiterError as e:
        module.fail_json_aws(
            e, msg=f"ECS service {params['service']} did not become stable in {params['wait_timeout']} seconds"
        )
    except AnsibleLatticeError as e:
        module.fail_json_aws_error(e)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to set the VPC Lattice configurations of ECS service {params['service']}")
    module.exit_json(
        changed=changed,
        service=service_result(service, after),
        diff={
            "before": {"vpc_lattice_configurations": configurations_result(current)},
            "after": {"vpc_lattice_configurations": configurations_result(after)},
        },
    )


def main():
    argument_spec = dict(
        cluster=dict(type="str", required=True),
        service=dict(type="str", required=True),
        vpc_lattice_configurations=dict(
            type="list",
            elements="dict",
            options=dict(
                target_group=dict(type="str", required=True),
                port_name=dict(type="str", required=True),
                role_arn=dict(type="str", required=True),
            ),
        ),
        purge_vpc_lattice_configurations=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    ecs = module.client("ecs", retry_decorator=ecs_retry)
    run_module(module, ecs, lattice_client(module))


if __name__ == "__main__":
    main()
