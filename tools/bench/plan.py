"""The API calls that build, check and remove a planned mesh, and nothing more: what the peers carry out.

Built from ``mesh_plan`` (the same plan site.yml gives its roles), so the floor and the AWS CLI sequence make
the topology our roles make: VPCs with their subnets and one security group each (Lattice prefix list for the
providers' ports, the VPC's CIDR for the clients' ports), the KMS key, alias and encrypted log group of the
access logs, the service network with its access log subscription, VPC associations and auth policy, each
service with its target groups and targets, listeners, rules, network association and auth policy, and the
callers' IAM roles with their invoke policies.

Parameters are in the API's own shapes (botocore's), so the boto3 executor passes them as keyword arguments
and the CLI executor as ``--cli-input-json``. A value may depend on what an earlier call returned: the
parameters are then a function of the state (the IDs saved so far), evaluated just before the call.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# The declaration's health check options and their API fields, as the target_group module maps them.
from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice.target_groups import HEALTH_CHECK_FIELDS

Params = dict | Callable[[dict], dict]


@dataclass
class Wait:
    """Poll ``operation`` until ``done(response)``; with ``gone``, until it answers ResourceNotFound."""

    service: str
    operation: str
    params: Params
    done: Callable[[dict], bool] = lambda response: False
    gone: bool = False


@dataclass
class Call:
    service: str
    operation: str
    params: Params
    # state key -> path into the response, e.g. {"vpc.net0": ("Vpc", "VpcId")}
    save: dict[str, tuple] = field(default_factory=dict)
    # How many resources of the topology this call creates (for "read calls per resource").
    creates: int = 0
    wait: Wait | None = None


@dataclass
class Barrier:
    """Every wait requested so far must be over before the next call (a dependency the API enforces)."""


Step = Call | Barrier


def resolve(params: Params, state: dict) -> dict:
    return params(state) if callable(params) else params


def dig(response: dict, path: tuple):
    value = response
    for key in path:
        value = value[key]
    return value


def _status_is(*statuses: str) -> Callable[[dict], bool]:
    return lambda response: response.get("status") in statuses


def _targets_settled(response: dict) -> bool:
    return all(target.get("status") != "INITIAL" for target in response.get("items", []))


def ec2_tags(kind: str, tags: dict) -> list[dict]:
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}]


def _json(document: dict) -> str:
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def _invoke_policy(principals: list[str], resources: list[str]) -> str:
    return _json(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": sorted(set(principals))},
                    "Action": "vpc-lattice-svcs:Invoke",
                    "Resource": resources,
                }
            ],
        }
    )


def _action(action: dict, state: dict) -> dict:
    if "fixed_response" in action:
        return {"fixedResponse": {"statusCode": int(action["fixed_response"])}}
    return {
        "forward": {
            "targetGroups": [
                {
                    "targetGroupIdentifier": state[f"tg.{forward['target_group']}"],
                    "weight": int(forward.get("weight", 100)),
                }
                for forward in action["forward"]
            ]
        }
    }


def _http_match(match: dict) -> dict:
    http: dict = {}
    if "method" in match:
        http["method"] = match["method"]
    if "path_match" in match:
        path = match["path_match"]
        http["pathMatch"] = {"match": {kind: path[kind] for kind in ("exact", "prefix") if kind in path}}
        if "case_sensitive" in path:
            http["pathMatch"]["caseSensitive"] = path["case_sensitive"]
    if match.get("header_matches"):
        http["headerMatches"] = [
            {
                "name": header["name"],
                "match": {
                    kind: header["match"][kind] for kind in ("exact", "prefix", "contains") if kind in header["match"]
                },
                **({"caseSensitive": header["case_sensitive"]} if "case_sensitive" in header else {}),
            }
            for header in match["header_matches"]
        ]
    return {"httpMatch": http}


def _target_group_config(group: dict, vpc_key: str | None) -> Callable[[dict], dict]:
    def params(state: dict) -> dict:
        config: dict = {}
        if group["type"] != "LAMBDA":
            config = {
                key: group[name]
                for key, name in (("port", "port"), ("protocol", "protocol"), ("protocolVersion", "protocol_version"))
                if name in group
            }
            config["vpcIdentifier"] = state[f"vpc.{group.get('vpc') or vpc_key}"]
        if group.get("health_check"):
            config["healthCheck"] = {
                HEALTH_CHECK_FIELDS[k]: v for k, v in group["health_check"].items() if k in HEALTH_CHECK_FIELDS
            }
        request = {"name": group["name"], "type": group["type"], "tags": group["tags"]}
        if config:
            request["config"] = config
        return request

    return params


def deploy_steps(plan: dict, region: str) -> list[Step]:
    """Every create, in dependency order; each asynchronous resource carries the wait for its ACTIVE state."""
    env = plan["env"]
    network = plan["service_network"]
    logs = network.get("access_logs")
    steps: list[Step] = [
        Call(
            "ec2",
            "DescribeAvailabilityZones",
            {"Filters": [{"Name": "state", "Values": ["available"]}]},
            save={"azs": ("AvailabilityZones",)},
        ),
        Call(
            "ec2",
            "DescribeManagedPrefixLists",
            {"Filters": [{"Name": "prefix-list-name", "Values": [f"com.amazonaws.{region}.vpc-lattice"]}]},
            save={"prefix_list": ("PrefixLists", 0, "PrefixListId")},
        ),
    ]
    for vpc in plan["vpcs"]:
        key, tags = vpc["key"], {"Name": f"{env}-{vpc['name']}-vpc", "Environment": env}
        steps.append(
            Call(
                "ec2",
                "CreateVpc",
                {"CidrBlock": vpc["cidr"], "TagSpecifications": ec2_tags("vpc", tags)},
                save={f"vpc.{key}": ("Vpc", "VpcId")},
                creates=1,
            )
        )
        # DNS support is on in a new VPC; DNS host names (which the roles turn on too) are not.
        steps.append(
            Call(
                "ec2",
                "ModifyVpcAttribute",
                lambda s, key=key: {"VpcId": s[f"vpc.{key}"], "EnableDnsHostnames": {"Value": True}},
            )
        )
        for index, subnet in enumerate(vpc["subnets"]):
            name = f"{env}-{vpc['name']}-private-subnet" + ("" if index == 0 else f"-{index + 1}")
            steps.append(
                Call(
                    "ec2",
                    "CreateSubnet",
                    lambda s, key=key, subnet=subnet, name=name: {
                        "VpcId": s[f"vpc.{key}"],
                        "CidrBlock": subnet["cidr"],
                        "AvailabilityZone": sorted(zone["ZoneName"] for zone in s["azs"])[int(subnet.get("az", 0))],
                        "TagSpecifications": ec2_tags("subnet", {"Name": name, "Environment": env}),
                    },
                    save={f"subnet.{key}.{index}": ("Subnet", "SubnetId")},
                    creates=1,
                )
            )
        group_name = f"{env}-{vpc['name']}-sg"
        steps.append(
            Call(
                "ec2",
                "CreateSecurityGroup",
                lambda s, key=key, vpc=vpc, group_name=group_name: {
                    "GroupName": group_name,
                    "Description": vpc["description"],
                    "VpcId": s[f"vpc.{key}"],
                    "TagSpecifications": ec2_tags("security-group", {"Name": group_name, "Environment": env}),
                },
                save={f"sg.{key}": ("GroupId",)},
                creates=1,
            )
        )
        if vpc.get("ingress_ports") or vpc.get("client_ports"):
            steps.append(
                Call(
                    "ec2",
                    "AuthorizeSecurityGroupIngress",
                    lambda s, key=key, vpc=vpc: {
                        "GroupId": s[f"sg.{key}"],
                        "IpPermissions": [
                            {
                                "IpProtocol": "tcp",
                                "FromPort": port,
                                "ToPort": port,
                                "PrefixListIds": [{"PrefixListId": s["prefix_list"]}],
                            }
                            for port in vpc.get("ingress_ports", [])
                        ]
                        + [
                            {
                                "IpProtocol": "tcp",
                                "FromPort": port,
                                "ToPort": port,
                                "IpRanges": [{"CidrIp": vpc["cidr"]}],
                            }
                            for port in vpc.get("client_ports", [])
                        ],
                    },
                )
            )

    def log_group_arn(state: dict) -> str:
        return f"arn:aws:logs:{region}:{state['account']}:log-group:{logs['log_group_name']}"

    if logs:
        steps += [
            Call("sts", "GetCallerIdentity", {}, save={"account": ("Account",)}),
            Call(
                "kms",
                "CreateKey",
                lambda s: {
                    "Description": f"{env} VPC Lattice access logs",
                    "Tags": [{"TagKey": k, "TagValue": v} for k, v in sorted(logs["tags"].items())],
                    "Policy": _json(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {"AWS": f"arn:aws:iam::{s['account']}:root"},
                                    "Action": "kms:*",
                                    "Resource": "*",
                                },
                                {
                                    "Effect": "Allow",
                                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                                    "Action": [
                                        "kms:Encrypt",
                                        "kms:Decrypt",
                                        "kms:ReEncrypt*",
                                        "kms:GenerateDataKey*",
                                        "kms:CreateGrant",
                                        "kms:DescribeKey",
                                    ],
                                    "Resource": "*",
                                    "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_group_arn(s)}},
                                },
                            ],
                        }
                    ),
                },
                save={"key": ("KeyMetadata", "KeyId"), "key_arn": ("KeyMetadata", "Arn")},
                creates=1,
            ),
            Call("kms", "EnableKeyRotation", lambda s: {"KeyId": s["key"]}),
            Call("kms", "CreateAlias", lambda s: {"AliasName": logs["key_alias"], "TargetKeyId": s["key"]}, creates=1),
            Call(
                "logs",
                "CreateLogGroup",
                lambda s: {"logGroupName": logs["log_group_name"], "kmsKeyId": s["key_arn"], "tags": logs["tags"]},
                creates=1,
            ),
            Call(
                "logs",
                "PutRetentionPolicy",
                {"logGroupName": logs["log_group_name"], "retentionInDays": int(logs["retention_days"])},
            ),
        ]

    steps.append(
        Call(
            "vpc-lattice",
            "CreateServiceNetwork",
            {"name": network["name"], "authType": network["auth_type"], "tags": network["tags"]},
            save={"network": ("id",), "network_arn": ("arn",)},
            creates=1,
        )
    )
    if logs:
        steps.append(
            Call(
                "vpc-lattice",
                "CreateAccessLogSubscription",
                lambda s: {
                    "resourceIdentifier": s["network"],
                    "destinationArn": log_group_arn(s),
                    "tags": logs["tags"],
                },
                save={"log_subscription": ("id",)},
                creates=1,
            )
        )
    for association in plan["vpc_associations"]:
        key = association["vpc"]
        steps.append(
            Call(
                "vpc-lattice",
                "CreateServiceNetworkVpcAssociation",
                lambda s, key=key, association=association: {
                    "serviceNetworkIdentifier": s["network"],
                    "vpcIdentifier": s[f"vpc.{key}"],
                    "securityGroupIds": [s[f"sg.{key}"]],
                    "tags": association["tags"],
                },
                save={f"vpc_association.{key}": ("id",)},
                creates=1,
                wait=Wait(
                    "vpc-lattice",
                    "GetServiceNetworkVpcAssociation",
                    lambda s, key=key: {"serviceNetworkVpcAssociationIdentifier": s[f"vpc_association.{key}"]},
                    _status_is("ACTIVE"),
                ),
            )
        )

    for service in plan["services"]:
        key = service["key"]
        steps.append(
            Call(
                "vpc-lattice",
                "CreateService",
                {"name": service["name"], "authType": service["auth_type"], "tags": service["tags"]},
                save={f"service.{key}": ("id",), f"service_arn.{key}": ("arn",)},
                creates=1,
                wait=Wait(
                    "vpc-lattice",
                    "GetService",
                    lambda s, key=key: {"serviceIdentifier": s[f"service.{key}"]},
                    _status_is("ACTIVE"),
                ),
            )
        )
        for group in service["target_groups"]:
            name = group["name"]
            steps.append(
                Call(
                    "vpc-lattice",
                    "CreateTargetGroup",
                    _target_group_config(group, service.get("vpc")),
                    save={f"tg.{name}": ("id",)},
                    creates=1,
                    wait=Wait(
                        "vpc-lattice",
                        "GetTargetGroup",
                        lambda s, name=name: {"targetGroupIdentifier": s[f"tg.{name}"]},
                        _status_is("ACTIVE"),
                    ),
                )
            )
            if group.get("targets"):
                targets = [{k: v for k, v in target.items() if k in ("id", "port")} for target in group["targets"]]
                steps.append(
                    Call(
                        "vpc-lattice",
                        "RegisterTargets",
                        lambda s, name=name, targets=targets: {
                            "targetGroupIdentifier": s[f"tg.{name}"],
                            "targets": targets,
                        },
                        creates=len(targets),
                        wait=Wait(
                            "vpc-lattice",
                            "ListTargets",
                            lambda s, name=name: {"targetGroupIdentifier": s[f"tg.{name}"]},
                            _targets_settled,
                        ),
                    )
                )
        for listener in service["listeners"]:
            lkey = f"{key}.{listener['name']}"
            steps.append(
                Call(
                    "vpc-lattice",
                    "CreateListener",
                    lambda s, key=key, listener=listener: {
                        "serviceIdentifier": s[f"service.{key}"],
                        "name": listener["name"],
                        "protocol": listener["protocol"],
                        **({"port": int(listener["port"])} if "port" in listener else {}),
                        "defaultAction": _action(listener["default_action"], s),
                        "tags": listener["tags"],
                    },
                    save={f"listener.{lkey}": ("id",)},
                    creates=1,
                )
            )
            for rule in listener.get("rules") or []:
                steps.append(
                    Call(
                        "vpc-lattice",
                        "CreateRule",
                        lambda s, key=key, lkey=lkey, rule=rule, listener=listener: {
                            "serviceIdentifier": s[f"service.{key}"],
                            "listenerIdentifier": s[f"listener.{lkey}"],
                            "name": rule["name"],
                            "priority": int(rule["priority"]),
                            "match": _http_match(rule["match"]),
                            "action": _action(rule["action"], s),
                            "tags": {**listener["tags"], "Name": rule["name"]},
                        },
                        save={f"rule.{lkey}.{rule['name']}": ("id",)},
                        creates=1,
                    )
                )
        steps.append(
            Call(
                "vpc-lattice",
                "CreateServiceNetworkServiceAssociation",
                lambda s, key=key, service=service: {
                    "serviceNetworkIdentifier": s["network"],
                    "serviceIdentifier": s[f"service.{key}"],
                    "tags": service["association_tags"],
                },
                save={f"service_association.{key}": ("id",)},
                creates=1,
                wait=Wait(
                    "vpc-lattice",
                    "GetServiceNetworkServiceAssociation",
                    lambda s, key=key: {"serviceNetworkServiceAssociationIdentifier": s[f"service_association.{key}"]},
                    _status_is("ACTIVE"),
                ),
            )
        )

    callers_of: dict[str, list[str]] = {}
    for caller in plan["callers"]:
        role = f"{env}-{caller['name']}-role"
        for called in caller["calls"]:
            callers_of.setdefault(called, []).append(caller["key"])
        steps.append(
            Call(
                "iam",
                "CreateRole",
                {
                    "RoleName": role,
                    "AssumeRolePolicyDocument": _json(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {"Service": sorted(caller["trusted_services"])},
                                    "Action": "sts:AssumeRole",
                                }
                            ],
                        }
                    ),
                    "Tags": [{"Key": "Name", "Value": role}, {"Key": "Environment", "Value": env}],
                },
                save={f"role_arn.{caller['key']}": ("Role", "Arn")},
                creates=1,
            )
        )
        for policy_arn in caller.get("managed_policy_arns") or []:
            steps.append(Call("iam", "AttachRolePolicy", {"RoleName": role, "PolicyArn": policy_arn}, creates=1))
        steps.append(
            Call(
                "iam",
                "PutRolePolicy",
                lambda s, caller=caller, role=role: {
                    "RoleName": role,
                    "PolicyName": "VPCLatticeInvokePolicy",
                    "PolicyDocument": _json(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "vpc-lattice-svcs:Invoke",
                                    "Resource": sorted(
                                        s[f"service_arn.{called}"] + suffix
                                        for called in caller["calls"]
                                        for suffix in ("", "/*")
                                    ),
                                }
                            ],
                        }
                    ),
                },
                creates=1,
            )
        )

    for service in plan["services"]:
        key = service["key"]
        principals = callers_of.get(key, [])
        if service["auth_type"] == "AWS_IAM" and principals:
            steps.append(
                Call(
                    "vpc-lattice",
                    "PutAuthPolicy",
                    lambda s, key=key, principals=principals: {
                        "resourceIdentifier": s[f"service_arn.{key}"],
                        "policy": _invoke_policy(
                            [s[f"role_arn.{p}"] for p in principals],
                            [s[f"service_arn.{key}"], s[f"service_arn.{key}"] + "/*"],
                        ),
                    },
                    creates=1,
                )
            )
    if network["auth_type"] == "AWS_IAM" and callers_of:
        steps.append(
            Call(
                "vpc-lattice",
                "PutAuthPolicy",
                lambda s: {
                    "resourceIdentifier": s["network_arn"],
                    "policy": _invoke_policy(
                        [s[f"role_arn.{caller['key']}"] for caller in plan["callers"]],
                        sorted(
                            s[f"service_arn.{service['key']}"] + "/*"
                            for service in plan["services"]
                            if service["key"] in callers_of
                        ),
                    ),
                },
                creates=1,
            )
        )
    return steps


def check_steps(plan: dict) -> list[Step]:
    """A read of every resource deploy_steps made (one call per resource, or per kind where EC2 batches)."""
    env = plan["env"]
    logs = plan["service_network"].get("access_logs")
    steps: list[Step] = [
        Call("ec2", "DescribeVpcs", lambda s: {"VpcIds": [s[f"vpc.{vpc['key']}"] for vpc in plan["vpcs"]]}),
        Call(
            "ec2",
            "DescribeSubnets",
            lambda s: {
                "SubnetIds": [
                    s[f"subnet.{vpc['key']}.{index}"] for vpc in plan["vpcs"] for index in range(len(vpc["subnets"]))
                ]
            },
        ),
        Call("ec2", "DescribeSecurityGroups", lambda s: {"GroupIds": [s[f"sg.{vpc['key']}"] for vpc in plan["vpcs"]]}),
    ]
    if logs:
        steps += [
            Call("kms", "DescribeKey", lambda s: {"KeyId": s["key"]}),
            Call("kms", "GetKeyRotationStatus", lambda s: {"KeyId": s["key"]}),
            Call("kms", "ListAliases", lambda s: {"KeyId": s["key"]}),
            Call("logs", "DescribeLogGroups", {"logGroupNamePrefix": logs["log_group_name"]}),
            Call(
                "vpc-lattice",
                "GetAccessLogSubscription",
                lambda s: {"accessLogSubscriptionIdentifier": s["log_subscription"]},
            ),
        ]
    steps.append(Call("vpc-lattice", "GetServiceNetwork", lambda s: {"serviceNetworkIdentifier": s["network"]}))
    for association in plan["vpc_associations"]:
        steps.append(
            Call(
                "vpc-lattice",
                "GetServiceNetworkVpcAssociation",
                lambda s, key=association["vpc"]: {
                    "serviceNetworkVpcAssociationIdentifier": s[f"vpc_association.{key}"]
                },
            )
        )
    for service in plan["services"]:
        key = service["key"]
        steps.append(Call("vpc-lattice", "GetService", lambda s, key=key: {"serviceIdentifier": s[f"service.{key}"]}))
        for group in service["target_groups"]:
            for operation in ("GetTargetGroup", "ListTargets"):
                steps.append(
                    Call(
                        "vpc-lattice",
                        operation,
                        lambda s, name=group["name"]: {"targetGroupIdentifier": s[f"tg.{name}"]},
                    )
                )
        for listener in service["listeners"]:
            lkey = f"{key}.{listener['name']}"
            steps.append(
                Call(
                    "vpc-lattice",
                    "GetListener",
                    lambda s, key=key, lkey=lkey: {
                        "serviceIdentifier": s[f"service.{key}"],
                        "listenerIdentifier": s[f"listener.{lkey}"],
                    },
                )
            )
            for rule in listener.get("rules") or []:
                steps.append(
                    Call(
                        "vpc-lattice",
                        "GetRule",
                        lambda s, key=key, lkey=lkey, rule=rule: {
                            "serviceIdentifier": s[f"service.{key}"],
                            "listenerIdentifier": s[f"listener.{lkey}"],
                            "ruleIdentifier": s[f"rule.{lkey}.{rule['name']}"],
                        },
                    )
                )
        steps.append(
            Call(
                "vpc-lattice",
                "GetServiceNetworkServiceAssociation",
                lambda s, key=key: {"serviceNetworkServiceAssociationIdentifier": s[f"service_association.{key}"]},
            )
        )
        steps.append(
            Call("vpc-lattice", "GetAuthPolicy", lambda s, key=key: {"resourceIdentifier": s[f"service.{key}"]})
        )
    steps.append(Call("vpc-lattice", "GetAuthPolicy", lambda s: {"resourceIdentifier": s["network"]}))
    for caller in plan["callers"]:
        role = f"{env}-{caller['name']}-role"
        steps += [
            Call("iam", "GetRole", {"RoleName": role}),
            Call("iam", "ListAttachedRolePolicies", {"RoleName": role}),
            Call("iam", "GetRolePolicy", {"RoleName": role, "PolicyName": "VPCLatticeInvokePolicy"}),
        ]
    return steps


def teardown_steps(plan: dict) -> list[Step]:
    """Every delete, children first; the barriers are where the API refuses to go on while a delete is in progress."""
    env = plan["env"]
    logs = plan["service_network"].get("access_logs")

    def gone(operation: str, identifier: str, key: str) -> Wait:
        return Wait("vpc-lattice", operation, lambda s: {identifier: s[key]}, gone=True)

    steps: list[Step] = []
    for service in plan["services"]:
        key = f"service_association.{service['key']}"
        steps.append(
            Call(
                "vpc-lattice",
                "DeleteServiceNetworkServiceAssociation",
                lambda s, key=key: {"serviceNetworkServiceAssociationIdentifier": s[key]},
                wait=gone("GetServiceNetworkServiceAssociation", "serviceNetworkServiceAssociationIdentifier", key),
            )
        )
    for association in plan["vpc_associations"]:
        key = f"vpc_association.{association['vpc']}"
        steps.append(
            Call(
                "vpc-lattice",
                "DeleteServiceNetworkVpcAssociation",
                lambda s, key=key: {"serviceNetworkVpcAssociationIdentifier": s[key]},
                wait=gone("GetServiceNetworkVpcAssociation", "serviceNetworkVpcAssociationIdentifier", key),
            )
        )
    steps.append(Barrier())  # a service and the network cannot go while associated
    for service in plan["services"]:
        key = f"service.{service['key']}"
        steps.append(
            Call(
                "vpc-lattice",
                "DeleteService",
                lambda s, key=key: {"serviceIdentifier": s[key]},
                wait=gone("GetService", "serviceIdentifier", key),
            )
        )
    steps.append(Call("vpc-lattice", "DeleteServiceNetwork", lambda s: {"serviceNetworkIdentifier": s["network"]}))
    steps.append(Barrier())  # a target group cannot go while a listener of a service forwards to it
    for service in plan["services"]:
        for group in service["target_groups"]:
            key = f"tg.{group['name']}"
            steps.append(
                Call(
                    "vpc-lattice",
                    "DeleteTargetGroup",
                    lambda s, key=key: {"targetGroupIdentifier": s[key]},
                    wait=gone("GetTargetGroup", "targetGroupIdentifier", key),
                )
            )
    for caller in plan["callers"]:
        role = f"{env}-{caller['name']}-role"
        steps.append(Call("iam", "DeleteRolePolicy", {"RoleName": role, "PolicyName": "VPCLatticeInvokePolicy"}))
        for policy_arn in caller.get("managed_policy_arns") or []:
            steps.append(Call("iam", "DetachRolePolicy", {"RoleName": role, "PolicyArn": policy_arn}))
        steps.append(Call("iam", "DeleteRole", {"RoleName": role}))
    if logs:
        steps += [
            Call("logs", "DeleteLogGroup", {"logGroupName": logs["log_group_name"]}),
            Call("kms", "DeleteAlias", {"AliasName": logs["key_alias"]}),
            Call("kms", "ScheduleKeyDeletion", lambda s: {"KeyId": s["key"], "PendingWindowInDays": 7}),
        ]
    steps.append(Barrier())  # the VPC associations held the security groups
    for vpc in plan["vpcs"]:
        steps.append(Call("ec2", "DeleteSecurityGroup", lambda s, key=vpc["key"]: {"GroupId": s[f"sg.{key}"]}))
        for index in range(len(vpc["subnets"])):
            steps.append(
                Call("ec2", "DeleteSubnet", lambda s, key=f"subnet.{vpc['key']}.{index}": {"SubnetId": s[key]})
            )
        steps.append(Call("ec2", "DeleteVpc", lambda s, key=vpc["key"]: {"VpcId": s[f"vpc.{key}"]}))
    return steps


def resource_count(plan: dict, region: str = "us-east-1") -> int:
    """How many resources the planned mesh has (what "read calls per resource" divides by)."""
    return sum(step.creates for step in deploy_steps(plan, region) if isinstance(step, Call))


class NotFound(Exception):
    """The resource a call names does not exist (ResourceNotFoundException and the like)."""


class StepFailed(RuntimeError):
    pass


def run_steps(
    steps: list[Step],
    call: Callable[[str, str, dict], dict],
    state: dict,
    *,
    overlap: bool,
    poll_seconds: float = 0.5,
    timeout: float = 900,
) -> None:
    """Carry out the steps with ``call(service, operation, params) -> response``, saving IDs into ``state``.

    overlap=False waits for each asynchronous resource right after its call (what a hand-written sequence
    does); overlap=True lets the waits run together until a barrier or the end (what the floor does).
    """
    pending: list[Wait] = []
    for step in steps:
        if isinstance(step, Barrier):
            poll(pending, call, state, poll_seconds, timeout)
            pending = []
            continue
        response = call(step.service, step.operation, resolve(step.params, state))
        for key, path in step.save.items():
            state[key] = dig(response, path)
        if step.wait is not None:
            pending.append(step.wait)
            if not overlap:
                poll(pending, call, state, poll_seconds, timeout)
                pending = []
    poll(pending, call, state, poll_seconds, timeout)


def poll(waits: list[Wait], call, state: dict, poll_seconds: float, timeout: float) -> None:
    """Read each waited-for resource in turn until all are done; sleep between rounds only."""
    deadline = time.monotonic() + timeout
    waits = list(waits)
    while waits:
        still = []
        for wait in waits:
            try:
                response = call(wait.service, wait.operation, resolve(wait.params, state))
            except NotFound:
                if wait.gone:
                    continue
                raise
            if str(response.get("status", "")).endswith("_FAILED"):
                raise StepFailed(f"{wait.operation}: {response.get('status')} {response.get('failureMessage', '')}")
            if not wait.gone and wait.done(response):
                continue
            still.append(wait)
        waits = still
        if waits:
            if time.monotonic() > deadline:
                raise StepFailed(f"still waiting after {timeout}s for {[wait.operation for wait in waits]}")
            time.sleep(poll_seconds)
