"""ECS services attached to VPC Lattice, which moto's ECS ignores.

AWS (botocore's ECS model is the shape truth):

- ``CreateService`` and ``UpdateService`` take ``vpcLatticeConfigurations``, a list of
  ``{roleArn, targetGroupArn, portName}``. The configuration belongs to a deployment: AWS returns it in
  ``services[].deployments[].vpcLatticeConfigurations`` (the ``Service`` shape itself has no such member).
- ``UpdateService`` with ``vpcLatticeConfigurations`` starts a new deployment: it becomes ``PRIMARY``
  (``rolloutState`` ``IN_PROGRESS``), the previous one ``ACTIVE``; once the new tasks run, the new deployment
  is ``COMPLETED`` and the old one is gone. An empty list removes every configuration. Without the parameter
  the configuration is left as it is.
- Bad configurations are refused with ``InvalidParameterException``: a role that is not an IAM role ARN, a
  target group that does not exist in the service's account and region or is not of type ``IP``, a port
  name that no ``portMappings[].name`` of the task definition carries, a task definition whose network mode
  is not ``awsvpc`` (Lattice reaches ECS tasks by their IP address).

Deployments, which moto leaves ``IN_PROGRESS`` for ever (it runs no task), complete ``transition_delay()``
seconds after they start (at once under the ``instant`` profile): ``runningCount`` reaches ``desiredCount``
and older deployments go, so the ``ServicesStable`` waiter behaves as against AWS.

Not emulated: ECS registering task IPs as targets of the group (moto runs no task), ``advancedConfiguration``
beyond storing it, DescribeServiceDeployments/DescribeServiceRevisions (moto has neither).

``install()`` patches moto's classes in place (the venv is never edited); it is idempotent.
"""

from __future__ import annotations

import functools
import re
import time
from typing import Any

_INSTALLED = "_local_aws_ecs_fidelity"
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
CONFIGURATION_FIELDS = ("roleArn", "targetGroupArn", "portName")
# When each deployment (by ID) finishes rolling out.
_COMPLETES_AT: dict[str, float] = {}


def install() -> None:
    from moto.ecs.responses import EC2ContainerServiceResponse

    if getattr(EC2ContainerServiceResponse, _INSTALLED, False):
        return
    setattr(EC2ContainerServiceResponse, _INSTALLED, True)
    EC2ContainerServiceResponse.create_service = _creating(EC2ContainerServiceResponse.create_service)
    EC2ContainerServiceResponse.update_service = _updating(EC2ContainerServiceResponse.update_service)
    EC2ContainerServiceResponse.describe_services = _settling(EC2ContainerServiceResponse.describe_services)


def _invalid(message: str) -> Exception:
    from moto.ecs.exceptions import InvalidParameterException

    return InvalidParameterException(message)


def _validated_configurations(handler: Any, task_definition_str: str | None) -> list[dict[str, Any]] | None:
    """The request's vpcLatticeConfigurations (None when absent), refused as AWS refuses them."""
    configurations = handler._get_param("vpcLatticeConfigurations")
    if configurations is None:
        return None
    if not isinstance(configurations, list):
        raise _invalid("vpcLatticeConfigurations must be a list.")
    port_names = _port_names(handler, task_definition_str) if configurations else None
    for configuration in configurations:
        missing = [field for field in CONFIGURATION_FIELDS if not configuration.get(field)]
        if missing:
            raise _invalid(f"vpcLatticeConfigurations: {', '.join(missing)} must be specified.")
        if not ROLE_ARN_RE.match(configuration["roleArn"]):
            raise _invalid(f"Invalid role ARN {configuration['roleArn']}: it must be an IAM role ARN.")
        _check_target_group(handler, configuration["targetGroupArn"])
        if port_names is not None and configuration["portName"] not in port_names:
            raise _invalid(
                f"The port name {configuration['portName']} is not defined in the portMappings of the task"
                f" definition (defined: {', '.join(sorted(port_names)) or 'none'})."
            )
    return [dict(configuration) for configuration in configurations]


def _port_names(handler: Any, task_definition_str: str | None) -> set[str] | None:
    """The port mapping names of the task definition; None when the service has none (external deployments)."""
    if not task_definition_str:
        return None
    task_definition = handler.ecs_backend.describe_task_definition(task_definition_str)
    if task_definition.network_mode != "awsvpc":
        raise _invalid(
            "VPC Lattice configurations require a task definition with the awsvpc network mode"
            f" ({task_definition.arn} uses {task_definition.network_mode})."
        )
    return {
        mapping["name"]
        for container in task_definition.container_definitions
        for mapping in container.get("portMappings") or []
        if mapping.get("name")
    }


def _check_target_group(handler: Any, target_group_arn: str) -> None:
    from local_aws.lattice import lattice_backends
    from local_aws.lattice.exceptions import ResourceNotFoundException

    backend = handler.ecs_backend
    if not target_group_arn.startswith("arn:"):
        raise _invalid(f"Invalid target group ARN {target_group_arn}: give the full ARN of a VPC Lattice target group.")
    try:
        target_group = lattice_backends[backend.account_id][backend.region_name].find_target_group(target_group_arn)
    except ResourceNotFoundException:
        raise _invalid(
            f"The target group {target_group_arn} does not exist in account {backend.account_id}"
            f" and region {backend.region_name}."
        ) from None
    if target_group.type != "IP":
        raise _invalid(
            f"The target group {target_group_arn} is of type {target_group.type}; ECS services register their"
            " tasks in target groups of type IP."
        )


def _start_deployment(service: Any, configurations: list[dict[str, Any]]) -> None:
    """UpdateService with vpcLatticeConfigurations: a new PRIMARY deployment; the previous one turns ACTIVE."""
    from moto.core.utils import utcnow
    from moto.moto_api._internal import mock_random

    previous = service.deployments[0] if service.deployments else {}
    for deployment in service.deployments:
        deployment["status"] = "ACTIVE"
    deployment_id = f"ecs-svc/{mock_random.randint(0, 32**12)}"
    now = utcnow()
    deployment = {
        **{key: value for key, value in previous.items() if key != "vpcLatticeConfigurations"},
        "id": deployment_id,
        "status": "PRIMARY",
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "runningCount": 0,
        "pendingCount": service.desired_count,
        "failedTasks": 0,
        "createdAt": now,
        "updatedAt": now,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": f"ECS deployment {deployment_id} in progress.",
    }
    if configurations:
        deployment["vpcLatticeConfigurations"] = configurations
    service.deployments.insert(0, deployment)
    _schedule(deployment)


def _schedule(deployment: dict[str, Any]) -> None:
    from local_aws.config import transition_delay

    _COMPLETES_AT[deployment["id"]] = time.monotonic() + transition_delay()


def _settle(service: Any) -> None:
    """Complete the service's PRIMARY deployment once its time has come (the tasks are then all running)."""
    from moto.core.utils import utcnow

    if not service.deployments:
        return
    primary = service.deployments[0]
    completes_at = _COMPLETES_AT.get(primary["id"])
    if primary.get("rolloutState") != "IN_PROGRESS" or completes_at is None or time.monotonic() < completes_at:
        return
    primary.update(
        rolloutState="COMPLETED",
        rolloutStateReason=f"ECS deployment {primary['id']} completed.",
        desiredCount=service.desired_count,
        runningCount=service.desired_count,
        pendingCount=0,
        updatedAt=utcnow(),
    )
    service.deployments[1:] = []
    service.running_count, service.pending_count = service.desired_count, 0
    _COMPLETES_AT.pop(primary["id"], None)


def _service_of(handler: Any, cluster_str: str, service_str: str) -> Any:
    return handler.ecs_backend._get_service(cluster_str, service_str)


def _creating(create_service: Any) -> Any:
    @functools.wraps(create_service)
    def wrapper(self: Any) -> Any:
        configurations = _validated_configurations(self, self._get_param("taskDefinition"))
        result = create_service(self)
        service = _service_of(self, self._get_param("cluster", "default"), self._get_param("serviceName"))
        if service.deployments:
            if configurations:
                service.deployments[0]["vpcLatticeConfigurations"] = configurations
            _schedule(service.deployments[0])
            _settle(service)
        return result

    return wrapper


def _updating(update_service: Any) -> Any:
    @functools.wraps(update_service)
    def wrapper(self: Any) -> Any:
        cluster_str = self._get_param("cluster", "default")
        service = _service_of(self, cluster_str, self._get_param("service"))
        task_definition_str = self._get_param("taskDefinition") or service.task_definition
        configurations = _validated_configurations(self, task_definition_str)
        # moto copies every request parameter onto the service; the configuration lives on deployments only.
        result = update_service(self)
        if hasattr(service, "vpc_lattice_configurations"):
            del service.vpc_lattice_configurations
        _settle(service)
        if configurations is not None:
            _start_deployment(service, configurations)
            _settle(service)
        return result

    return wrapper


def _settling(describe_services: Any) -> Any:
    @functools.wraps(describe_services)
    def wrapper(self: Any) -> Any:
        cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
        for service in self.ecs_backend.services.values():
            if service.cluster_arn == cluster.arn:
                _settle(service)
        return describe_services(self)

    return wrapper
