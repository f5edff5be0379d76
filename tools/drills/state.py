"""The declared end state of a mesh and the endpoint's actual state, in one comparable shape.

Every resource kind maps its name to the list of resources that carry it, so a duplicate shows up as a
list of two. ``expected(declaration)`` derives the shape from ``lattice.mesh.mesh_plan``;
``actual(client, env)`` reads it back through boto3 (faults must be off: ``endpoint.set_config``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import boto3
import botocore.exceptions

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def _plan(declaration: dict) -> dict:
    collections = str(REPO / ".collections")
    if collections not in sys.path:
        sys.path.insert(0, collections)
    from ansible_collections.lattice.mesh.plugins.filter.mesh import mesh_plan

    return mesh_plan(declaration["lattice_mesh"], declaration["lattice_env"])


def clients(endpoint):
    """A boto3 client factory for the endpoint (an EndpointProcess)."""

    def client(service):
        return boto3.client(service, endpoint_url=endpoint.url, region_name=REGION,
                            aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip

    return client


def _forward(action: dict, tg_name=lambda name: name) -> list | int:
    if "fixed_response" in action:
        return action["fixed_response"]
    return sorted((tg_name(f["target_group"]), f.get("weight", 100)) for f in action["forward"])


def expected(declaration: dict) -> dict:
    plan = _plan(declaration)
    env = declaration["lattice_env"]
    net = plan["service_network"]
    callers = {c["key"]: c for c in plan["callers"]}
    role = {key: f"{env}-{c['name']}-role" for key, c in callers.items()}
    vpcs = {v["key"]: v for v in plan["vpcs"]}
    state = {
        "service_networks": {net["name"]: [{
            "auth_type": net["auth_type"],
            "vpc_associations": sorted(f"{env}-{a['vpc']}-vpc" for a in plan["vpc_associations"]),
            "service_associations": sorted(s["name"] for s in plan["services"]),
            "access_log_subscriptions": 0 if net.get("access_logs") is None else 1,
            "auth_principals": sorted(role[c["key"]] for c in plan["callers"] if c["calls"])
            if net["auth_type"] == "AWS_IAM" else None,
        }]},
        "services": {}, "target_groups": {}, "vpcs": {}, "roles": {},
    }  # fmt: skip
    for service in plan["services"]:
        listeners = {}
        for listener in service["listeners"]:
            listeners[listener["name"]] = [{
                "protocol": listener["protocol"], "port": listener.get("port"),
                "default_action": _forward(listener["default_action"]),
                "rules": {rule["name"]: [{
                    "priority": rule["priority"],
                    "path_prefix": rule["match"].get("path_match", {}).get("prefix"),
                    "method": rule["match"].get("method"),
                    "action": _forward(rule["action"]),
                }] for rule in listener.get("rules", [])},
            }]  # fmt: skip
        state["services"][service["name"]] = [{
            "auth_type": service["auth_type"],
            "auth_principals": sorted(role[c] for c in service["callers"]) if service["auth_type"] == "AWS_IAM"
            else None,
            "listeners": listeners,
        }]  # fmt: skip
        for group in service["target_groups"]:
            state["target_groups"][group["name"]] = [{
                "type": group["type"], "port": group.get("port"), "protocol": group.get("protocol"),
                "vpc": f"{env}-{service['vpc']}-vpc" if group["type"] in ("IP", "INSTANCE", "ALB") else None,
                "targets": sorted((t["id"], t.get("port", group.get("port"))) for t in group.get("targets", [])),
            }]  # fmt: skip
    for vpc in vpcs.values():
        state["vpcs"][f"{env}-{vpc['name']}-vpc"] = [{
            "cidr": vpc["cidr"], "subnets": sorted(s["cidr"] for s in vpc["subnets"]), "security_groups": 1,
        }]  # fmt: skip
    for key, caller in callers.items():
        state["roles"][role[key]] = [{"invokes": sorted(f"{env}-{name}" for name in caller["calls"])}]
    return state


def _get(call, attempts=8, **kwargs):
    """A Get* call that waits out the read-after-create lag (NotFound for a new resource's first reads)."""
    for attempt in range(attempts):
        try:
            return call(**kwargs)
        except botocore.exceptions.ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException" or attempt == attempts - 1:
                raise
            time.sleep(0.05)


def _items(method, key="items", **kwargs):
    out = []
    for page in method.__self__.get_paginator(method.__name__).paginate(**kwargs):
        out.extend(page[key])
    return out


def _principals(lattice, identifier, role_names):
    try:
        policy = json.loads(_get(lattice.get_auth_policy, resourceIdentifier=identifier).get("policy") or "{}")
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return []
        raise
    found = []
    for statement in policy.get("Statement", []):
        principal = statement.get("Principal", {})
        arns = principal.get("AWS", []) if isinstance(principal, dict) else [principal]
        for arn in [arns] if isinstance(arns, str) else arns:
            found.append(role_names.get(arn, arn))
    return sorted(set(found))


def _tag(tags, key="Name"):
    return {t["Key"]: t["Value"] for t in tags or []}.get(key)


def _action(action, tg_names):
    if "fixedResponse" in action:
        return action["fixedResponse"]["statusCode"]
    return sorted((tg_names.get(t["targetGroupIdentifier"], t["targetGroupIdentifier"]), t.get("weight", 100))
                  for t in action["forward"]["targetGroups"])  # fmt: skip


def actual(client, env: str) -> dict:
    """The endpoint's state of the resources named <env>-..., in the shape of expected()."""
    lattice, ec2, iam = client("vpc-lattice"), client("ec2"), client("iam")
    prefix = f"{env}-"
    vpc_names = {}
    state = {"service_networks": {}, "services": {}, "target_groups": {}, "vpcs": {}, "roles": {}}
    env_filter = [{"Name": "tag:Environment", "Values": [env]}]
    for vpc in ec2.describe_vpcs(Filters=env_filter)["Vpcs"]:
        name = _tag(vpc.get("Tags")) or vpc["VpcId"]
        vpc_names[vpc["VpcId"]] = name
        vpc_filter = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
        groups = [g for g in ec2.describe_security_groups(Filters=vpc_filter)["SecurityGroups"]
                  if g["GroupName"] != "default"]  # fmt: skip
        state["vpcs"].setdefault(name, []).append({
            "cidr": vpc["CidrBlock"],
            "subnets": sorted(s["CidrBlock"] for s in ec2.describe_subnets(Filters=vpc_filter)["Subnets"]),
            "security_groups": len(groups),
        })  # fmt: skip
    role_names = {}
    for role in _items(iam.list_roles, key="Roles"):
        if not role["RoleName"].startswith(prefix):
            continue
        role_names[role["Arn"]] = role["RoleName"]
        invokes = set()
        for policy_name in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
            document = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=policy_name)["PolicyDocument"]
            for statement in document.get("Statement", []):
                resources = statement.get("Resource", [])
                for arn in [resources] if isinstance(resources, str) else resources:
                    invokes.add(arn)
        state["roles"].setdefault(role["RoleName"], []).append({"invokes": sorted(invokes)})
    tg_names = {}
    for group in _items(lattice.list_target_groups):
        if not group["name"].startswith(prefix):
            continue
        tg_names[group["id"]] = group["name"]
        details = _get(lattice.get_target_group, targetGroupIdentifier=group["id"])
        config = details.get("config", {})
        targets = _items(lattice.list_targets, targetGroupIdentifier=group["id"])
        state["target_groups"].setdefault(group["name"], []).append({
            "type": details["type"], "port": config.get("port"), "protocol": config.get("protocol"),
            "vpc": vpc_names.get(config.get("vpcIdentifier"), config.get("vpcIdentifier")),
            "targets": sorted((t["id"], t.get("port")) for t in targets),
        })  # fmt: skip
    service_arns = {}
    for service in _items(lattice.list_services):
        if not service["name"].startswith(prefix):
            continue
        service_arns[service["arn"]] = service["name"]
        details = _get(lattice.get_service, serviceIdentifier=service["id"])
        listeners = {}
        for listener in _items(lattice.list_listeners, serviceIdentifier=service["id"]):
            got = _get(lattice.get_listener, serviceIdentifier=service["id"], listenerIdentifier=listener["id"])
            rules = {}
            for rule in _items(lattice.list_rules, serviceIdentifier=service["id"], listenerIdentifier=listener["id"]):
                if rule.get("isDefault"):
                    continue
                full = _get(lattice.get_rule, serviceIdentifier=service["id"], listenerIdentifier=listener["id"],
                            ruleIdentifier=rule["id"])  # fmt: skip
                http = full.get("match", {}).get("httpMatch", {})
                rules.setdefault(full["name"], []).append({
                    "priority": full["priority"],
                    "path_prefix": http.get("pathMatch", {}).get("match", {}).get("prefix"),
                    "method": http.get("method"),
                    "action": _action(full["action"], tg_names),
                })  # fmt: skip
            listeners.setdefault(got["name"], []).append({
                "protocol": got["protocol"], "port": got.get("port"),
                "default_action": _action(got["defaultAction"], tg_names), "rules": rules,
            })  # fmt: skip
        state["services"].setdefault(service["name"], []).append({
            "auth_type": details.get("authType"),
            "auth_principals": _principals(lattice, service["id"], role_names)
            if details.get("authType") == "AWS_IAM" else None,
            "listeners": listeners,
        })  # fmt: skip
    for role in state["roles"].values():
        for entry in role:
            entry["invokes"] = sorted({service_arns.get(arn.removesuffix("/*"), arn) for arn in entry["invokes"]})
    for network in _items(lattice.list_service_networks):
        if not network["name"].startswith(prefix):
            continue
        details = _get(lattice.get_service_network, serviceNetworkIdentifier=network["id"])
        vpc_assocs = _items(lattice.list_service_network_vpc_associations, serviceNetworkIdentifier=network["id"])
        svc_assocs = _items(lattice.list_service_network_service_associations, serviceNetworkIdentifier=network["id"])
        logs = _items(lattice.list_access_log_subscriptions, resourceIdentifier=network["id"])
        state["service_networks"].setdefault(network["name"], []).append({
            "auth_type": details.get("authType"),
            "vpc_associations": sorted(
                vpc_names.get(a["vpcId"], a["vpcId"]) + ("" if a["status"] == "ACTIVE" else f" ({a['status']})")
                for a in vpc_assocs
            ),
            "service_associations": sorted(a.get("serviceName", a.get("serviceId")) + (
                "" if a["status"] == "ACTIVE" else f" ({a['status']})") for a in svc_assocs),
            "access_log_subscriptions": len(logs),
            "auth_principals": _principals(lattice, network["id"], role_names)
            if details.get("authType") == "AWS_IAM" else None,
        })  # fmt: skip
    return state


def differences(want: dict, got: dict) -> list[str]:
    """Human-readable differences between two states (empty when equal)."""
    out = []
    for kind in want.keys() | got.keys():
        w, g = want.get(kind, {}), got.get(kind, {})
        for name in sorted(w.keys() | g.keys()):
            if name not in g:
                out.append(f"{kind}: {name} is missing")
            elif name not in w:
                out.append(f"{kind}: {name} exists but is not declared ({len(g[name])}x)")
            elif len(g[name]) != 1:
                out.append(f"{kind}: {name} exists {len(g[name])} times (duplicates)")
            elif g[name] != w[name]:
                out.append(f"{kind}: {name} differs: declared {w[name][0]}, found {g[name][0]}")
    return out


def leftovers(client, env: str) -> list[str]:
    """What is left of environment <env> (empty after a complete teardown)."""
    lattice, ec2, iam, logs = client("vpc-lattice"), client("ec2"), client("iam"), client("logs")
    kms = client("kms")
    env_filter = [{"Name": "tag:Environment", "Values": [env]}]
    found = [f"service network {n['name']}" for n in _items(lattice.list_service_networks)]
    found += [f"service {s['name']}" for s in _items(lattice.list_services)]
    found += [f"target group {t['name']}" for t in _items(lattice.list_target_groups)]
    found += [f"VPC {v['VpcId']}" for v in ec2.describe_vpcs(Filters=env_filter)["Vpcs"]]
    found += [f"subnet {s['SubnetId']}" for s in ec2.describe_subnets(Filters=env_filter)["Subnets"]]
    groups = ec2.describe_security_groups(Filters=env_filter)["SecurityGroups"]
    found += [f"security group {g['GroupId']}" for g in groups]
    roles = _items(iam.list_roles, key="Roles")
    found += [f"role {r['RoleName']}" for r in roles if r["RoleName"].startswith(f"{env}-")]
    found += [f"log group {g['logGroupName']}"
              for g in logs.describe_log_groups(logGroupNamePrefix=f"/aws/vpclattice/{env}-")["logGroups"]]
    for alias in kms.list_aliases()["Aliases"]:
        # As in AWS, the alias of a key scheduled for deletion stays until the key is deleted.
        if alias["AliasName"].startswith(f"alias/{env}-"):
            key_state = kms.describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]["KeyState"]
            if key_state != "PendingDeletion":
                found.append(f"KMS alias {alias['AliasName']} (key {key_state})")
    return found
