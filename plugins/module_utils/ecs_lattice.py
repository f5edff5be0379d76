# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The VPC Lattice configurations of an ECS service (``vpcLatticeConfigurations``), for ecs_service_lattice.

AWS keeps them per deployment: the service's PRIMARY deployment carries the configuration in force, and
UpdateService with ``vpcLatticeConfigurations`` starts a new deployment. Configurations are compared as a
set of (target group ARN, port name, role ARN); their order means nothing.
"""

import re

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import (
    classify_identifier,
    validate_name,
)

ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
PORT_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
TARGET_GROUP_KIND = "target_group"
PRIMARY = "PRIMARY"


def validate_configurations(configurations):
    """Problems found before any AWS call: None or a message naming the option and the fix."""
    if configurations is None:
        return None
    seen = set()
    for index, item in enumerate(configurations):
        where = f"vpc_lattice_configurations[{index}]"
        target_group = item["target_group"]
        if classify_identifier(TARGET_GROUP_KIND, target_group) == "name":
            problem = validate_name(TARGET_GROUP_KIND, target_group, field=f"{where}.target_group")
            if problem:
                return problem
        if not PORT_NAME_RE.match(item["port_name"]):
            return (
                f"{where}.port_name: '{item['port_name']}' is not a port mapping name; give the name of a"
                " portMappings entry of the task definition (lowercase letters, digits and hyphens, up to 64)"
            )
        if not ROLE_ARN_RE.match(item["role_arn"]):
            return (
                f"{where}.role_arn: '{item['role_arn']}' is not an IAM role ARN; give"
                " arn:aws:iam::<account>:role/<name> of the ECS infrastructure role"
            )
        key = (target_group, item["port_name"])
        if key in seen:
            return f"{where}: target group {target_group} with port name {item['port_name']} is listed twice"
        seen.add(key)
    return None


def primary_deployment(service):
    """The deployment whose configuration is in force (the PRIMARY one), or {}."""
    return next((d for d in service.get("deployments") or [] if d.get("status") == PRIMARY), {})


def current_configurations(service):
    """The service's configurations in API form, as its PRIMARY deployment carries them."""
    return [
        {key: item[key] for key in ("roleArn", "targetGroupArn", "portName")}
        for item in primary_deployment(service).get("vpcLatticeConfigurations") or []
    ]


def _key(item):
    return (item["targetGroupArn"], item["portName"], item["roleArn"])


def desired_configurations(current, wanted, purge):
    """The configurations the service should have: ``wanted`` (API form, target groups as ARNs), plus the
    current ones that are not wanted when ``purge`` is false; sorted for a stable result."""
    merged = {_key(item): item for item in wanted}
    if not purge:
        for item in current:
            merged.setdefault(_key(item), item)
    return [merged[key] for key in sorted(merged)]


def configurations_differ(current, desired):
    return sorted(map(_key, current)) != sorted(map(_key, desired))


def configurations_result(configurations):
    """Snake-cased and sorted, as the module returns them."""
    return [
        {"target_group_arn": item["targetGroupArn"], "port_name": item["portName"], "role_arn": item["roleArn"]}
        for item in sorted(configurations, key=_key)
    ]
