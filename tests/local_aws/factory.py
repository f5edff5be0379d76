"""Builders for VPC Lattice resources used by the endpoint tests (boto3 over HTTP)."""

from __future__ import annotations

import json
import time
import uuid

from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def error_of(excinfo) -> tuple[int, str, dict]:
    """(HTTP status, error code, parsed response) of a pytest.raises(ClientError) result."""
    resp = excinfo.value.response
    return resp["ResponseMetadata"]["HTTPStatusCode"], resp["Error"]["Code"], resp


def call_error(fn, *args, **kwargs) -> tuple[int, str, dict] | None:
    """Run a boto3 call; None if it succeeds, else (status, code, response)."""
    try:
        fn(*args, **kwargs)
    except ClientError as exc:
        resp = exc.response
        return resp["ResponseMetadata"]["HTTPStatusCode"], resp["Error"]["Code"], resp
    return None


def auth_policy_document(resource_arn: str = "*") -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke",
                       "Resource": resource_arn}],
    }, separators=(",", ":"))


def resource_policy_document(resource_arn: str, action: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                       "Action": [action], "Resource": resource_arn}],
    }, separators=(",", ":"))


class Lattice:
    """Creates Lattice resources (and the EC2/Logs things they need) through boto3."""

    def __init__(self, lattice, ec2, logs=None, s3=None):
        self.c = lattice
        self.ec2 = ec2
        self.logs = logs
        self.s3 = s3

    # ------------------------------------------------------------------ EC2 prerequisites
    def vpc(self, cidr: str = "10.0.0.0/16") -> str:
        return self.ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]

    def security_group(self, vpc_id: str) -> str:
        return self.ec2.create_security_group(GroupName=unique("sg"), Description="lattice test",
                                              VpcId=vpc_id)["GroupId"]

    def log_group_arn(self) -> str:
        name = unique("lattice-logs")
        if self.logs is not None:
            self.logs.create_log_group(logGroupName=name)
        return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"

    def bucket_arn(self) -> str:
        name = unique("lattice-logs")
        if self.s3 is not None:
            self.s3.create_bucket(Bucket=name)
        return f"arn:aws:s3:::{name}"

    def firehose_arn(self) -> str:
        return f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{unique('lattice-logs')}"

    # ------------------------------------------------------------------ Lattice resources
    def network(self, name: str | None = None, **kw) -> dict:
        return self.c.create_service_network(name=name or unique("sn"), **kw)

    def service(self, name: str | None = None, **kw) -> dict:
        return self.c.create_service(name=name or unique("s"), **kw)

    def target_group(self, name: str | None = None, type: str = "IP", vpc_id: str | None = None,
                     port: int = 80, protocol: str = "HTTP", **kw) -> dict:
        if "config" not in kw and type in ("IP", "INSTANCE", "ALB"):
            kw["config"] = {"port": port, "protocol": protocol, "vpcIdentifier": vpc_id or self.vpc()}
        return self.c.create_target_group(name=name or unique("g"), type=type, **kw)

    @staticmethod
    def forward(*tg_ids: str) -> dict:
        return {"forward": {"targetGroups": [{"targetGroupIdentifier": t, "weight": 1} for t in tg_ids]}}

    @staticmethod
    def fixed(status: int = 404) -> dict:
        return {"fixedResponse": {"statusCode": status}}

    def listener(self, service_id: str, tg_id: str | None = None, name: str | None = None,
                 protocol: str = "HTTP", port: int | None = 80, **kw) -> dict:
        action = self.forward(tg_id) if tg_id else self.fixed(404)
        params = dict(serviceIdentifier=service_id, name=name or unique("l"), protocol=protocol,
                      defaultAction=action, **kw)
        if port is not None:
            params["port"] = port
        return self.c.create_listener(**params)

    @staticmethod
    def path_match(path: str = "/x") -> dict:
        return {"httpMatch": {"pathMatch": {"match": {"prefix": path}, "caseSensitive": False}}}

    def rule(self, service_id: str, listener_id: str, tg_id: str | None = None, priority: int = 10,
             path: str = "/x", name: str | None = None, **kw) -> dict:
        action = self.forward(tg_id) if tg_id else self.fixed(404)
        return self.c.create_rule(serviceIdentifier=service_id, listenerIdentifier=listener_id,
                                  name=name or unique("r"), match=self.path_match(path), priority=priority,
                                  action=action, **kw)

    def sn_service(self, sn_id: str, svc_id: str, **kw) -> dict:
        return self.c.create_service_network_service_association(
            serviceNetworkIdentifier=sn_id, serviceIdentifier=svc_id, **kw)

    def sn_vpc(self, sn_id: str, vpc_id: str | None = None, security_groups: bool = True, **kw) -> dict:
        vpc_id = vpc_id or self.vpc()
        if security_groups and "securityGroupIds" not in kw:
            kw["securityGroupIds"] = [self.security_group(vpc_id)]
        return self.c.create_service_network_vpc_association(
            serviceNetworkIdentifier=sn_id, vpcIdentifier=vpc_id, **kw)

    def access_log(self, resource_id: str, destination_arn: str | None = None, **kw) -> dict:
        return self.c.create_access_log_subscription(
            resourceIdentifier=resource_id, destinationArn=destination_arn or self.log_group_arn(), **kw)

    def service_with_listener(self) -> tuple[dict, dict, dict]:
        """(service, target group, listener forwarding to it)."""
        svc = self.service()
        tg = self.target_group()
        lst = self.listener(svc["id"], tg["id"])
        return svc, tg, lst

    # ------------------------------------------------------------------ waiting
    def wait_for(self, fn, predicate, timeout: float = 15.0, interval: float = 0.1):
        """Poll fn() until predicate(result) holds; returns the last result (or raises AssertionError)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = fn()
            except ClientError as exc:
                last = exc
            if predicate(last):
                return last
            time.sleep(interval)
        raise AssertionError(f"condition not reached within {timeout}s; last result: {last!r:.500}")


def is_not_found(result) -> bool:
    return isinstance(result, ClientError) and result.response["Error"]["Code"] == "ResourceNotFoundException"


def status_is(value: str):
    return lambda r: isinstance(r, dict) and r.get("status") == value
