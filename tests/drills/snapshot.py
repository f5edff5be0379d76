"""A comparable picture of everything a deploy makes in the local AWS endpoint.

``endpoint_snapshot(clients)`` reads, through boto3, every VPC Lattice resource (service networks, services,
target groups with their registered targets, listeners, rules, service and VPC associations, access log
subscriptions, auth and resource policies, tags), the EC2 VPCs (with their DNS attributes), subnets and security
groups (with their rules), the IAM roles (trust, attached and inline policies, tags), the KMS aliases (with their
keys' description, state, rotation and policy) and the CloudWatch log groups.

Volatile fields (timestamps, byte counts, generated rule IDs) are dropped, and every generated Lattice ID or ARN
is replaced by a stable name (``service/dev-service-b``, ``rule/dev-service-b/listener/api``...), so a resource
deleted behind the tool's back and created again by a repair compares equal to the original. Lists are sorted.

``clients`` is a callable ``clients("vpc-lattice") -> boto3 client`` (for the endpoint under test).
"""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

VOLATILE_KEYS = {
    "createdAt",
    "lastUpdatedAt",
    "CreateDate",
    "CreationDate",
    "creationTime",
    "RoleLastUsed",
    "RoleId",
    "SecurityGroupRuleId",
    "storedBytes",
    "ResponseMetadata",
    "nextToken",
    "NextToken",
    "AvailableIpAddressCount",
}


def _pages(call, key, **kwargs):
    """Every item of a paginated Lattice list call (nextToken)."""
    items, token = [], None
    while True:
        page = call(**kwargs, **({"nextToken": token} if token else {}))
        items.extend(page.get(key, []))
        token = page.get("nextToken")
        if not token:
            return items


def _optional(call, **kwargs):
    """The answer of a Get call, or None when the resource has nothing there (NotFound)."""
    try:
        answer = call(**kwargs)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("ResourceNotFoundException", "NotFoundException"):
            return None
        raise
    answer.pop("ResponseMetadata", None)
    return answer


def _policy(answer, key="policy"):
    """A policy document as data (so key order and whitespace do not matter)."""
    if not answer or not answer.get(key):
        return None
    text = answer[key]
    return json.loads(text) if isinstance(text, str) else text


def _lattice(lattice, names):
    """Every Lattice resource, keyed by its stable name; ``names`` collects generated ID/ARN -> stable name."""

    def remember(resource, stable):
        for field in ("id", "arn"):
            if resource.get(field):
                names[resource[field]] = stable + ("" if field == "id" else "#arn")

    def tags(arn):
        return lattice.list_tags_for_resource(resourceArn=arn).get("tags", {})

    out = {"service_networks": {}, "services": {}, "target_groups": {}}
    for item in _pages(lattice.list_target_groups, "items"):
        group = lattice.get_target_group(targetGroupIdentifier=item["id"])
        group.pop("ResponseMetadata", None)
        remember(group, f"target-group/{group['name']}")
        targets = _pages(lattice.list_targets, "items", targetGroupIdentifier=item["id"])
        out["target_groups"][group["name"]] = {
            "settings": group,
            "tags": tags(group["arn"]),
            "targets": sorted(({"id": t["id"], "port": t.get("port")} for t in targets), key=json.dumps),
        }

    for item in _pages(lattice.list_service_networks, "items"):
        network = lattice.get_service_network(serviceNetworkIdentifier=item["id"])
        network.pop("ResponseMetadata", None)
        name = network["name"]
        remember(network, f"service-network/{name}")
        network.pop("numberOfAssociatedServices", None)
        network.pop("numberOfAssociatedVPCs", None)
        vpc_associations = {}
        vpc_list = _pages(lattice.list_service_network_vpc_associations, "items", serviceNetworkIdentifier=item["id"])
        for found in vpc_list:
            details = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=found["id"])
            details.pop("ResponseMetadata", None)
            remember(details, f"vpc-association/{name}/{details['vpcId']}")
            details["securityGroupIds"] = sorted(details.get("securityGroupIds") or [])
            vpc_associations[details["vpcId"]] = {"settings": details, "tags": tags(details["arn"])}
        subscriptions = []
        for found in _pages(lattice.list_access_log_subscriptions, "items", resourceIdentifier=item["id"]):
            details = lattice.get_access_log_subscription(accessLogSubscriptionIdentifier=found["id"])
            details.pop("ResponseMetadata", None)
            remember(details, f"access-log/{name}/{details['destinationArn']}")
            subscriptions.append({"settings": details, "tags": tags(details["arn"])})
        out["service_networks"][name] = {
            "settings": network,
            "tags": tags(network["arn"]),
            "auth_policy": _policy(_optional(lattice.get_auth_policy, resourceIdentifier=network["arn"])),
            "resource_policy": _policy(_optional(lattice.get_resource_policy, resourceArn=network["arn"])),
            "vpc_associations": vpc_associations,
            "access_log_subscriptions": subscriptions,
        }

    for item in _pages(lattice.list_services, "items"):
        service = lattice.get_service(serviceIdentifier=item["id"])
        service.pop("ResponseMetadata", None)
        name = service["name"]
        remember(service, f"service/{name}")
        associations = {}
        for found in _pages(lattice.list_service_network_service_associations, "items", serviceIdentifier=item["id"]):
            details = lattice.get_service_network_service_association(
                serviceNetworkServiceAssociationIdentifier=found["id"]
            )
            details.pop("ResponseMetadata", None)
            remember(details, f"service-association/{name}/{details['serviceNetworkName']}")
            associations[details["serviceNetworkName"]] = {"settings": details, "tags": tags(details["arn"])}
        listeners = {}
        for found in _pages(lattice.list_listeners, "items", serviceIdentifier=item["id"]):
            listener = lattice.get_listener(serviceIdentifier=item["id"], listenerIdentifier=found["id"])
            listener.pop("ResponseMetadata", None)
            remember(listener, f"listener/{name}/{listener['name']}")
            rules = {}
            for rule_item in _pages(lattice.list_rules, "items", serviceIdentifier=item["id"],
                                    listenerIdentifier=found["id"]):  # fmt: skip
                rule = lattice.get_rule(serviceIdentifier=item["id"], listenerIdentifier=found["id"],
                                        ruleIdentifier=rule_item["id"])  # fmt: skip
                rule.pop("ResponseMetadata", None)
                remember(rule, f"rule/{name}/{listener['name']}/{rule['name']}")
                rules[rule["name"]] = {"settings": rule, "tags": {} if rule.get("isDefault") else tags(rule["arn"])}
            listeners[listener["name"]] = {"settings": listener, "tags": tags(listener["arn"]), "rules": rules}
        out["services"][name] = {
            "settings": service,
            "tags": tags(service["arn"]),
            "auth_policy": _policy(_optional(lattice.get_auth_policy, resourceIdentifier=service["arn"])),
            "resource_policy": _policy(_optional(lattice.get_resource_policy, resourceArn=service["arn"])),
            "listeners": listeners,
            "associations": associations,
        }
    return out


def _ec2(ec2):
    def name_of(item, fallback):
        return {t["Key"]: t["Value"] for t in item.get("Tags") or []}.get("Name") or item[fallback]

    out = {"vpcs": {}, "subnets": {}, "security_groups": {}}
    for vpc in ec2.describe_vpcs()["Vpcs"]:
        for attribute in ("enableDnsSupport", "enableDnsHostnames"):
            answer = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
            vpc[attribute] = answer[attribute[0].upper() + attribute[1:]]["Value"]
        out["vpcs"][vpc["VpcId"] + " " + name_of(vpc, "VpcId")] = vpc
    for subnet in ec2.describe_subnets()["Subnets"]:
        out["subnets"][subnet["SubnetId"] + " " + name_of(subnet, "SubnetId")] = subnet
    for group in ec2.describe_security_groups()["SecurityGroups"]:
        out["security_groups"][group["GroupId"] + " " + group["GroupName"]] = group
    return out


def _iam(iam):
    out = {}
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            name = role["RoleName"]
            if role.get("Path", "/").startswith("/aws-service-role/"):
                continue
            details = iam.get_role(RoleName=name)["Role"]
            inline = {
                policy: iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
                for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]
            }
            attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
            attached = sorted(policy["PolicyArn"] for policy in attached)
            out[name] = {"role": details, "inline_policies": inline, "attached_policies": attached}
    return out


def _kms(kms):
    out = {}
    for alias in kms.list_aliases()["Aliases"]:
        if alias["AliasName"].startswith("alias/aws/") or not alias.get("TargetKeyId"):
            continue
        key_id = alias["TargetKeyId"]
        metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        out[alias["AliasName"]] = {
            "alias": alias,
            "key": {field: metadata.get(field) for field in ("KeyId", "Arn", "Description", "KeyState", "KeyUsage")},
            "rotation": kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"],
            "policy": json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]),
            "tags": sorted((t["TagKey"], t["TagValue"]) for t in kms.list_resource_tags(KeyId=key_id)["Tags"]),
        }
    return out


def _logs(logs):
    out = {}
    for page in logs.get_paginator("describe_log_groups").paginate():
        for group in page["logGroups"]:
            tags = logs.list_tags_log_group(logGroupName=group["logGroupName"]).get("tags", {})
            out[group["logGroupName"]] = {"settings": group, "tags": tags}
    return out


def _normalize(value, names):
    """Drop volatile keys, replace generated IDs/ARNs by stable names, sort lists."""
    if isinstance(value, dict):
        return {
            _normalize(key, names): _normalize(item, names) for key, item in value.items() if key not in VOLATILE_KEYS
        }
    if isinstance(value, (list, tuple)):
        return sorted((_normalize(item, names) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, str):
        for generated in sorted(names, key=len, reverse=True):
            if generated in value:
                value = value.replace(generated, names[generated])
        return value
    return value


def endpoint_snapshot(clients) -> dict:
    """Everything a deploy makes in the endpoint, as comparable data (see the module's docstring)."""
    names: dict[str, str] = {}
    raw = {
        "lattice": _lattice(clients("vpc-lattice"), names),
        "ec2": _ec2(clients("ec2")),
        "iam": _iam(clients("iam")),
        "kms": _kms(clients("kms")),
        "logs": _logs(clients("logs")),
    }
    # Round-trip through JSON first: datetimes become strings, tuples lists.
    return _normalize(json.loads(json.dumps(raw, default=str)), names)


def snapshot_difference(before: dict, after: dict, path: str = "") -> list[str]:
    """Human-readable differences between two snapshots (for assertion messages), at most 40."""
    found: list[str] = []
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            where = f"{path}/{key}"
            if key not in after:
                found.append(f"{where}: gone (was {json.dumps(before[key], default=str)[:200]})")
            elif key not in before:
                found.append(f"{where}: new ({json.dumps(after[key], default=str)[:200]})")
            else:
                found.extend(snapshot_difference(before[key], after[key], where))
    elif before != after:
        found.append(f"{path}: {json.dumps(before, default=str)[:200]} -> {json.dumps(after, default=str)[:200]}")
    return found[:40]
