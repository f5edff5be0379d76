"""VPC Lattice backend of the local AWS endpoint.

Built on moto's framework (BaseBackend/BackendDict/BaseModel), with AWS's semantics: ID or ARN identifiers,
ResourceNotFound/Conflict errors, clientToken idempotency, cascading deletes, asynchronous states derived lazily
from timestamps (see docs/local-aws-contract.md), read-after-create lag and opaque pagination tokens.

Models hold a reference to their backend so that derived fields (counts, serviceArns, target health) are computed
when described; ``describe()`` returns every output field and moto's serializer keeps those of the operation's
output shape.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import ipaddress
import itertools
import json
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.common_models import BaseModel
from moto.ec2.models import ec2_backends

from ..config import CONFIG, create_fails, transition_delay
from .exceptions import (
    AccessDeniedException,
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)

CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
ACTIVE = "ACTIVE"
CREATE_FAILED = "CREATE_FAILED"

DEFAULT_PAGE_SIZE = 100
LISTENER_DEFAULT_PORTS = {"HTTP": 80, "HTTPS": 443, "TLS_PASSTHROUGH": 443}
TARGET_GROUP_DEFAULT_PORTS = {"HTTP": 80, "HTTPS": 443}
DEFAULT_FORWARD_WEIGHT = 100  # AWS's weight when a forward action names a single target group without one
DEFAULT_IDLE_TIMEOUT_SECONDS = 60
DEFAULT_RULE_NAME = "default"
MAX_TAGS_PER_RESOURCE = 50
AUTH_POLICY_MAX_CHARS = 10 * 1024  # documented quota; the model allows longer strings

# AWS's default quotas. Listeners and rules answer 402 ServiceQuotaExceededException past them; the target limit
# shows in RegisterTargets' unsuccessful list. Association quotas (500 per network) are not enforced.
MAX_LISTENERS_PER_SERVICE = 2
MAX_RULES_PER_LISTENER = 10
MAX_TARGETS_PER_TARGET_GROUP = 1000
# The model allows 100-599; the service supports only these.
FIXED_RESPONSE_STATUS_CODES = (404, 500)

# Health check defaults AWS fills in for INSTANCE and IP target groups (the protocol follows the target group's).
HEALTH_CHECK_DEFAULTS = {
    "enabled": True,
    "protocolVersion": "HTTP1",
    "path": "/",
    "healthCheckIntervalSeconds": 30,
    "healthCheckTimeoutSeconds": 5,
    "healthyThresholdCount": 5,
    "unhealthyThresholdCount": 2,
    "matcher": {"httpCode": "200"},
}
# Documented ranges, narrower than the model's.
HEALTH_CHECK_RANGES = {
    "healthCheckIntervalSeconds": (5, 300),
    "healthCheckTimeoutSeconds": (1, 120),
    "healthyThresholdCount": (2, 10),
    "unhealthyThresholdCount": (2, 10),
}

ACCESS_LOG_DESTINATION_TYPES = {"logs": "CloudWatch Logs", "s3": "S3", "firehose": "Firehose"}
LAMBDA_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$")
ALB_ARN = re.compile(r"arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/app/[A-Za-z0-9-]+/[0-9a-f]+$")
ARN_ACCOUNT = re.compile(r"^arn:[a-z-]+:vpc-lattice:[a-z0-9-]*:(?P<account>\d{12}):")

# One creation order for every account and region: lists that merge resources of several accounts (a network
# shared with this account, associations another account made with this account's network) page by it.
CREATION_SEQUENCE = itertools.count()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id(prefix: str) -> str:
    """An ID like AWS's: the prefix, a hyphen and 17 lowercase hex characters."""
    return f"{prefix}-{secrets.token_hex(9)[:17]}"


def short_hash(*parts: str, length: int) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


# --------------------------------------------------------------------------------------------------------------------
# Asynchronous states


class Lifecycle:
    """The state of an asynchronous resource, derived on read from the phase it entered and when that phase ends.

    The delay is captured when the phase begins, so changing the profile later does not rewrite history.
    """

    def __init__(self, fails: bool = False) -> None:
        self.fails = fails
        self.begin(CREATE_IN_PROGRESS)

    def begin(self, phase: str) -> None:
        self.phase = phase
        self.phase_ends_at = utcnow() + timedelta(seconds=transition_delay())

    @property
    def status(self) -> str:
        if self.phase == DELETE_IN_PROGRESS or utcnow() < self.phase_ends_at:
            return self.phase
        if self.phase == CREATE_IN_PROGRESS and self.fails:
            return CREATE_FAILED
        return ACTIVE

    @property
    def deleting(self) -> bool:
        return self.phase == DELETE_IN_PROGRESS

    @property
    def gone(self) -> bool:
        return self.deleting and utcnow() >= self.phase_ends_at

    @property
    def in_progress(self) -> bool:
        return self.status.endswith("_IN_PROGRESS")


# --------------------------------------------------------------------------------------------------------------------
# Resources


class LatticeResource(BaseModel):
    resource_type = ""  # as reported in errors' resourceType
    id_prefix = ""
    is_async = False

    def __init__(self, backend: LatticeBackend, tags: dict[str, str] | None = None):
        self.backend = backend
        self.id = new_id(self.id_prefix)
        self.created_at = self.updated_at = utcnow()
        self.tags = dict(tags or {})
        self.sequence = backend.next_sequence()
        self.deleted = False
        # Read-after-create lag: this many Get* calls answer NotFound first.
        self.pending_lag_reads = CONFIG.lag_reads
        self.lifecycle = Lifecycle() if self.is_async else None

    @property
    def arn(self) -> str:
        return self.backend.arn(self.arn_resource)

    @property
    def arn_resource(self) -> str:
        raise NotImplementedError

    @property
    def status(self) -> str | None:
        return self.lifecycle.status if self.lifecycle else None

    @property
    def deleting(self) -> bool:
        return bool(self.lifecycle and self.lifecycle.deleting)

    def touch(self) -> None:
        self.updated_at = utcnow()

    def fail_creation_if_asked(self, subject: str) -> None:
        """Fault injection (config ``fail_creates``): this resource's creation ends in CREATE_FAILED."""
        self.lifecycle.fails = create_fails(subject)

    def failure_fields(self) -> dict[str, Any]:
        if self.status != CREATE_FAILED:
            return {}
        return {
            "failureCode": "LOCAL_FAULT_INJECTED",
            "failureMessage": f"Creation of {self.id} failed: the local endpoint was asked to fail it (fail_creates)",
        }

    def describe(self) -> dict[str, Any]:
        raise NotImplementedError


class Policy:
    """An auth or resource policy, stored as the string given."""

    def __init__(self, text: str):
        self.text = text
        self.created_at = self.updated_at = utcnow()
        self.pending_lag_reads = CONFIG.lag_reads

    def replace(self, text: str) -> None:
        self.text = text
        self.updated_at = utcnow()


class PolicyHolder(LatticeResource):
    """Service networks and services carry auth and resource policies, and have an auth type."""

    def __init__(self, backend: LatticeBackend, auth_type: str | None, tags: dict[str, str] | None):
        super().__init__(backend, tags)
        self.auth_type = auth_type or "NONE"
        self.auth_policy: Policy | None = None
        self.resource_policy: Policy | None = None

    @property
    def auth_policy_state(self) -> str:
        return "Active" if self.auth_type == "AWS_IAM" else "Inactive"


class ServiceNetwork(PolicyHolder):
    resource_type = "SERVICE_NETWORK"
    id_prefix = "sn"

    def __init__(self, backend, name, auth_type=None, sharing_config=None, tags=None):
        super().__init__(backend, auth_type, tags)
        self.name = name
        # Networks could always be shared before sharingConfig existed, hence enabled by default.
        self.sharing_config = sharing_config if sharing_config is not None else {"enabled": True}

    @property
    def arn_resource(self) -> str:
        return f"servicenetwork/{self.id}"

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "arn": self.arn,
            "createdAt": self.created_at,
            "lastUpdatedAt": self.updated_at,
            "authType": self.auth_type,
            "sharingConfig": self.sharing_config,
            "numberOfAssociatedServices": len(self.backend.service_associations_of(network=self)),
            "numberOfAssociatedVPCs": len(self.backend.vpc_associations_of(network=self)),
            "numberOfAssociatedResourceConfigurations": 0,
        }


class Service(PolicyHolder):
    resource_type = "SERVICE"
    id_prefix = "svc"
    is_async = True

    def __init__(
        self, backend, name, auth_type=None, custom_domain_name=None, certificate_arn=None,
        idle_timeout_seconds=None, tags=None,
    ):  # fmt: skip
        super().__init__(backend, auth_type, tags)
        self.name = name
        self.custom_domain_name = custom_domain_name
        self.certificate_arn = certificate_arn
        self.idle_timeout_seconds = idle_timeout_seconds or DEFAULT_IDLE_TIMEOUT_SECONDS
        id_suffix = self.id[len("svc-") :]
        self.dns_entry = {
            "domainName": f"{name}-{id_suffix}.{backend.dns_label}.vpc-lattice-svcs.{backend.region_name}.on.aws",
            "hostedZoneId": backend.hosted_zone_id,
        }
        self.fail_creation_if_asked(name)

    @property
    def arn_resource(self) -> str:
        return f"service/{self.id}"

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "arn": self.arn,
            "createdAt": self.created_at,
            "lastUpdatedAt": self.updated_at,
            "dnsEntry": self.dns_entry,
            "customDomainName": self.custom_domain_name,
            "certificateArn": self.certificate_arn,
            "status": self.status,
            "authType": self.auth_type,
            "idleTimeoutSeconds": self.idle_timeout_seconds,
            **self.failure_fields(),
        }


class Target:
    """A registered target; its status depends on its target group's use and health check, and on time."""

    def __init__(self, target_group: TargetGroup, target_id: str, port: int | None):
        self.target_group = target_group
        self.id = target_id
        self.port = port
        self.sequence = target_group.backend.next_sequence()
        self.register()

    @property
    def key(self) -> tuple[str, int | None]:
        return self.id, self.port

    def register(self) -> None:
        self.healthy_at = utcnow() + timedelta(seconds=transition_delay())
        self.drained_at: datetime | None = None

    def deregister(self) -> None:
        # A target of an unused group carries no traffic, so there is nothing to drain.
        delay = transition_delay() if self.target_group.in_use else 0.0
        self.drained_at = utcnow() + timedelta(seconds=delay)

    @property
    def gone(self) -> bool:
        return self.drained_at is not None and utcnow() >= self.drained_at

    @property
    def status(self) -> str:
        if self.drained_at is not None:
            return "DRAINING"
        if not self.target_group.in_use:
            return "UNUSED"
        if not self.target_group.health_checked:
            return "UNAVAILABLE"
        return "INITIAL" if utcnow() < self.healthy_at else "HEALTHY"

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "port": self.port, "status": self.status}


class TargetGroup(LatticeResource):
    resource_type = "TARGET_GROUP"
    id_prefix = "tg"
    is_async = True

    def __init__(self, backend, name, type, config, tags=None):
        super().__init__(backend, tags)
        self.name = name
        self.type = type
        self.config = config
        self._targets: dict[tuple[str, int | None], Target] = {}
        self.fail_creation_if_asked(name)

    @property
    def arn_resource(self) -> str:
        return f"targetgroup/{self.id}"

    @property
    def port(self) -> int | None:
        return self.config.get("port")

    @property
    def protocol(self) -> str | None:
        return self.config.get("protocol")

    @property
    def vpc_id(self) -> str | None:
        return self.config.get("vpcIdentifier")

    @property
    def in_use(self) -> bool:
        return bool(self.backend.services_forwarding_to(self))

    @property
    def health_checked(self) -> bool:
        return bool(self.config.get("healthCheck", {}).get("enabled", False))

    @property
    def targets(self) -> list[Target]:
        """Registered targets, draining ones included; drained ones are dropped here."""
        for key in [key for key, target in self._targets.items() if target.gone]:
            del self._targets[key]
        return list(self._targets.values())

    def target(self, target_id: str, port: int | None) -> Target | None:
        target = self._targets.get((target_id, port))
        return target if target and not target.gone else None

    def add_target(self, target_id: str, port: int | None) -> None:
        existing = self.target(target_id, port)
        if existing is None:
            self._targets[(target_id, port)] = Target(self, target_id, port)
        elif existing.drained_at is not None:  # registering a draining target brings it back
            existing.register()

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "arn": self.arn,
            "name": self.name,
            "type": self.type,
            "config": self.config,
            "createdAt": self.created_at,
            "lastUpdatedAt": self.updated_at,
            "status": self.status,
            "serviceArns": [service.arn for service in self.backend.services_forwarding_to(self)],
            # ListTargetGroups' summary flattens part of the config.
            "port": self.port,
            "protocol": self.protocol,
            "ipAddressType": self.config.get("ipAddressType"),
            "vpcIdentifier": self.vpc_id,
            "lambdaEventStructureVersion": self.config.get("lambdaEventStructureVersion"),
            **self.failure_fields(),
        }


class Listener(LatticeResource):
    resource_type = "LISTENER"
    id_prefix = "listener"

    def __init__(self, backend, service, name, protocol, port, tags=None):
        super().__init__(backend, tags)
        self.service = service
        self.name = name
        self.protocol = protocol
        self.port = port

    @property
    def arn_resource(self) -> str:
        return f"{self.service.arn_resource}/listener/{self.id}"

    @property
    def default_rule(self) -> Rule:
        return next(rule for rule in self.backend.rules_of(self) if rule.is_default)

    def describe(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "id": self.id,
            "name": self.name,
            "protocol": self.protocol,
            "port": self.port,
            "serviceArn": self.service.arn,
            "serviceId": self.service.id,
            "defaultAction": self.default_rule.action,
            "createdAt": self.created_at,
            "lastUpdatedAt": self.updated_at,
        }


class Rule(LatticeResource):
    resource_type = "RULE"
    id_prefix = "rule"

    def __init__(self, backend, listener, name, action, match=None, priority=None, is_default=False, tags=None):
        super().__init__(backend, tags)
        self.listener = listener
        self.name = name
        self.action = action
        self.match = match
        self.priority = priority
        self.is_default = is_default

    @property
    def arn_resource(self) -> str:
        return f"{self.listener.arn_resource}/rule/{self.id}"

    def describe(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "id": self.id,
            "name": self.name,
            "isDefault": self.is_default,
            "match": self.match,
            "priority": self.priority,
            "action": self.action,
            "createdAt": self.created_at,
            "lastUpdatedAt": self.updated_at,
        }


class ServiceNetworkServiceAssociation(LatticeResource):
    resource_type = "SERVICE_NETWORK_SERVICE_ASSOCIATION"
    id_prefix = "snsa"
    is_async = True

    def __init__(self, backend, network, service, tags=None):
        super().__init__(backend, tags)
        self.network = network
        self.service = service
        self.fail_creation_if_asked(service.name)

    @property
    def arn_resource(self) -> str:
        return f"servicenetworkserviceassociation/{self.id}"

    @property
    def counterparts(self) -> tuple[LatticeBackend, ...]:
        """The accounts (backends) whose resources it joins: both see it, and either may delete it."""
        return self.network.backend, self.service.backend

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "arn": self.arn,
            "status": self.status,
            "createdBy": self.backend.account_id,
            "createdAt": self.created_at,
            "serviceId": self.service.id,
            "serviceName": self.service.name,
            "serviceArn": self.service.arn,
            "serviceNetworkId": self.network.id,
            "serviceNetworkName": self.network.name,
            "serviceNetworkArn": self.network.arn,
            "dnsEntry": self.service.dns_entry,
            "customDomainName": self.service.custom_domain_name,
            **self.failure_fields(),
        }


class ServiceNetworkVpcAssociation(LatticeResource):
    resource_type = "SERVICE_NETWORK_VPC_ASSOCIATION"
    id_prefix = "snva"
    is_async = True

    def __init__(self, backend, network, vpc_id, security_group_ids, private_dns_enabled, dns_options, tags=None):
        super().__init__(backend, tags)
        self.network = network
        self.vpc_id = vpc_id
        self.security_group_ids = security_group_ids
        self.private_dns_enabled = private_dns_enabled
        self.dns_options = dns_options
        self.fail_creation_if_asked(vpc_id)

    @property
    def arn_resource(self) -> str:
        return f"servicenetworkvpcassociation/{self.id}"

    @property
    def counterparts(self) -> tuple[LatticeBackend, ...]:
        """The network's owner sees the association of another account's VPC with its network, and may delete it."""
        return (self.network.backend,)

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "arn": self.arn,
            "status": self.status,
            "createdBy": self.backend.account_id,
            "createdAt": self.created_at,
            "lastUpdatedAt": self.updated_at,
            "serviceNetworkId": self.network.id,
            "serviceNetworkName": self.network.name,
            "serviceNetworkArn": self.network.arn,
            "vpcId": self.vpc_id,
            "securityGroupIds": self.security_group_ids,
            "privateDnsEnabled": self.private_dns_enabled,
            "dnsOptions": self.dns_options,
            **self.failure_fields(),
        }


class AccessLogSubscription(LatticeResource):
    resource_type = "ACCESS_LOG_SUBSCRIPTION"
    id_prefix = "als"

    def __init__(self, backend, resource, destination_arn, service_network_log_type=None, tags=None):
        super().__init__(backend, tags)
        self.resource = resource
        self.destination_arn = destination_arn
        self.service_network_log_type = service_network_log_type

    @property
    def arn_resource(self) -> str:
        return f"accesslogsubscription/{self.id}"

    @property
    def destination_type(self) -> str:
        return access_log_destination_type(self.destination_arn)

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "arn": self.arn,
            "resourceId": self.resource.id,
            "resourceArn": self.resource.arn,
            "destinationArn": self.destination_arn,
            "serviceNetworkLogType": self.service_network_log_type,
            "createdAt": self.created_at,
            "lastUpdatedAt": self.updated_at,
        }


RESOURCE_CLASSES = [
    ServiceNetwork, Service, TargetGroup, Listener, Rule, ServiceNetworkServiceAssociation,
    ServiceNetworkVpcAssociation, AccessLogSubscription,
]  # fmt: skip


def access_log_destination_type(destination_arn: str) -> str:
    parts = destination_arn.split(":")
    service = parts[2] if len(parts) > 2 else ""
    if service not in ACCESS_LOG_DESTINATION_TYPES:
        raise ValidationException(
            f"Unsupported access log destination {destination_arn}: use a CloudWatch Logs log group, an S3 bucket "
            "or a Firehose delivery stream",
            [{"name": "destinationArn", "message": "unsupported destination type"}],
        )
    return ACCESS_LOG_DESTINATION_TYPES[service]


# --------------------------------------------------------------------------------------------------------------------
# Backend helpers

R = TypeVar("R", bound=LatticeResource)


def idempotent(create: Callable[..., R]) -> Callable[..., R]:
    """clientToken semantics of every Create*: per account/region and per operation, the same token with the same
    request returns the resource it created; with a different request it is a ConflictException."""

    @functools.wraps(create)
    def create_once(self: LatticeBackend, *, client_token: str | None = None, **request: Any) -> R:
        if client_token is None:
            return create(self, **request)
        key = (create.__name__, client_token)
        fingerprint = json.dumps(request, sort_keys=True, default=str)
        if key in self.client_tokens:
            earlier_fingerprint, resource = self.client_tokens[key]
            if not resource.deleted:
                if earlier_fingerprint != fingerprint:
                    raise ConflictException(
                        f"clientToken {client_token} was already used with different parameters",
                        resource.id, resource.resource_type,
                    )  # fmt: skip
                return resource
        resource = create(self, **request)
        self.client_tokens[key] = (fingerprint, resource)
        return resource

    return create_once


# How messages name each resourceType.
DISPLAY_NAMES = {
    "SERVICE_NETWORK": "service network",
    "SERVICE": "service",
    "TARGET_GROUP": "target group",
    "LISTENER": "listener",
    "RULE": "rule",
    "SERVICE_NETWORK_SERVICE_ASSOCIATION": "service network service association",
    "SERVICE_NETWORK_VPC_ASSOCIATION": "service network VPC association",
    "ACCESS_LOG_SUBSCRIPTION": "access log subscription",
    "AUTH_POLICY": "auth policy",
    "RESOURCE_POLICY": "resource policy",
    "VPC": "VPC",
    "SECURITY_GROUP": "security group",
    "RESOURCE": "resource",
}


def display_name(resource_type: str, capitalized: bool = False) -> str:
    name = DISPLAY_NAMES.get(resource_type, resource_type.replace("_", " ").lower())
    return name[0].upper() + name[1:] if capitalized else name


def not_found(resource_type: str, identifier: str) -> ResourceNotFoundException:
    message = f"{display_name(resource_type, capitalized=True)} {identifier} not found"
    return ResourceNotFoundException(message, identifier, resource_type)


def invalid(field: str, message: str) -> ValidationException:
    return ValidationException(message, [{"name": field, "message": message}])


def resource_type_named_by(identifier: str) -> str:
    """The resourceType an ID or ARN names, judged by its ID prefix ("RESOURCE" when unknown)."""
    resource_id = identifier.rsplit("/", 1)[-1]
    for resource_class in RESOURCE_CLASSES:
        if resource_id.startswith(resource_class.id_prefix + "-"):
            return resource_class.resource_type
    return "RESOURCE"


def encode_page_token(sequence: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": sequence}).encode()).decode()


def decode_page_token(token: str) -> int:
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["after"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise invalid("nextToken", "Invalid pagination token") from None


def paginate(items: Iterable[Any], max_results: int | None, next_token: str | None) -> tuple[list[Any], str | None]:
    """A page of items in creation order. The token names the last item returned, not an offset, so pages stay
    stable when items before it are deleted between calls."""
    after = decode_page_token(next_token) if next_token else -1
    remaining = sorted((item for item in items if item.sequence > after), key=lambda item: item.sequence)
    limit = max_results or DEFAULT_PAGE_SIZE
    page = remaining[:limit]
    token = encode_page_token(page[-1].sequence) if len(remaining) > limit else None
    return page, token


def ram_shares(account_id: str, resource_arn: str) -> bool:
    """Whether the owner of ``resource_arn`` shares it with ``account_id`` through AWS RAM (an accepted or
    associated share). Imported when first needed: only requests that reach across accounts ask."""
    from ..ram_fidelity import shared_with

    return shared_with(account_id, resource_arn)


def target_group_ids(action: dict[str, Any] | None) -> list[str]:
    forward = (action or {}).get("forward") or {}
    return [entry["targetGroupIdentifier"] for entry in forward.get("targetGroups", [])]


def parse_policy(text: str, field: str = "policy") -> None:
    try:
        document = json.loads(text)
    except ValueError:
        raise invalid(field, "The policy is not valid JSON") from None
    if not isinstance(document, dict):
        raise invalid(field, "The policy must be a JSON object")


# --------------------------------------------------------------------------------------------------------------------
# Backend


class LatticeBackend(BaseBackend):
    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.service_networks: dict[str, ServiceNetwork] = {}
        self.services: dict[str, Service] = {}
        self.target_groups: dict[str, TargetGroup] = {}
        self.listeners: dict[str, Listener] = {}
        self.rules: dict[str, Rule] = {}
        self.service_associations: dict[str, ServiceNetworkServiceAssociation] = {}
        self.vpc_associations: dict[str, ServiceNetworkVpcAssociation] = {}
        self.access_log_subscriptions: dict[str, AccessLogSubscription] = {}
        self.client_tokens: dict[tuple[str, str], tuple[str, LatticeResource]] = {}
        # Stable per account and region, like the label and zone AWS puts in services' DNS names.
        self.dns_label = short_hash(account_id, region_name, length=7)
        self.hosted_zone_id = "Z" + short_hash("zone", region_name, length=20).upper()

    # ---- plumbing -----------------------------------------------------------------------------------------------

    @staticmethod
    def next_sequence() -> int:
        return next(CREATION_SEQUENCE)

    def arn(self, resource: str) -> str:
        return f"arn:{self.partition}:vpc-lattice:{self.region_name}:{self.account_id}:{resource}"

    @property
    def _async_stores(self) -> list[dict[str, Any]]:
        return [self.services, self.target_groups, self.service_associations, self.vpc_associations]

    @property
    def _all_stores(self) -> list[dict[str, Any]]:
        return [
            self.service_networks, self.services, self.target_groups, self.listeners, self.rules,
            self.service_associations, self.vpc_associations, self.access_log_subscriptions,
        ]  # fmt: skip

    def _settle(self) -> None:
        """Drop the resources whose deletion has finished (status is lazy: nothing runs in the background)."""
        for store in self._async_stores:
            for resource_id in [key for key, resource in store.items() if resource.lifecycle.gone]:
                store.pop(resource_id).deleted = True

    def _all(self, store: dict[str, R]) -> list[R]:
        self._settle()
        return list(store.values())

    def _find(self, store: dict[str, R], identifier: str, resource_type: str) -> R:
        """The resource named by ID or ARN; an ARN must match exactly (account and region included).

        Only this account's resources: another account's ARN is AccessDenied (see _find_shared for the operations
        a RAM share opens to other accounts)."""
        owner = self._owner_account(identifier)
        if owner != self.account_id:
            raise self._denied(identifier, f"only its owner, account {owner}, may do this")
        self._settle()
        if identifier.startswith("arn:"):
            resource = next((candidate for candidate in store.values() if candidate.arn == identifier), None)
        else:
            resource = store.get(identifier)
        if resource is None:
            raise not_found(resource_type, identifier)
        return resource

    # ---- other accounts -----------------------------------------------------------------------------------------

    def _owner_account(self, identifier: str) -> str:
        """The account an ARN names; this account for an ID (an ID names this account's resources only)."""
        match = ARN_ACCOUNT.match(identifier)
        return match["account"] if match else self.account_id

    def _peer(self, account_id: str) -> LatticeBackend | None:
        """This region's backend of ``account_id`` if that account has used Lattice here (none is created)."""
        account_backends = dict.get(lattice_backends, account_id)
        return None if account_backends is None else dict.get(account_backends, self.region_name)

    def _peers(self) -> list[LatticeBackend]:
        """This region's backends of every account that has one, this one included."""
        return [
            backend for account_backends in list(dict.values(lattice_backends))
            if (backend := dict.get(account_backends, self.region_name)) is not None
        ]  # fmt: skip

    def _denied(self, identifier: str, reason: str) -> AccessDeniedException:
        return AccessDeniedException(f"Account {self.account_id} is not authorized to access {identifier}: {reason}")

    def _foreign(self, store_name: str, arn: str, resource_type: str) -> Any:
        """Another account's resource by ARN, or None when there is none."""
        owner = self._peer(self._owner_account(arn))
        if owner is None:
            return None
        try:
            return owner._find(getattr(owner, store_name), arn, resource_type)
        except ResourceNotFoundException:
            return None

    def _find_shared(self, store_name: str, identifier: str, resource_type: str) -> Any:
        """A service network or service of this account (ID or ARN), or of another account by ARN when its owner
        shares it with this account through AWS RAM: what GetServiceNetwork/GetService and the Create*Association
        calls accept. An ID never names another account's resource (AWS: use the ARN across accounts)."""
        if self._owner_account(identifier) == self.account_id:
            return self._find(getattr(self, store_name), identifier, resource_type)
        resource = self._foreign(store_name, identifier, resource_type)
        if resource is None or not ram_shares(self.account_id, resource.arn):
            raise self._denied(identifier, "it belongs to another account, which does not share it with this one")
        return resource

    def _shared_with_me(self, store_name: str) -> list[Any]:
        """Other accounts' resources of a store that their owners share with this account."""
        return [
            resource for backend in self._peers() if backend is not self
            for resource in backend._all(getattr(backend, store_name))
            if ram_shares(self.account_id, resource.arn)
        ]  # fmt: skip

    def _associations_everywhere(self, store_name: str) -> list[Any]:
        """Every account's associations of a store (an association lives in the account that created it)."""
        return [association for backend in self._peers() for association in backend._all(getattr(backend, store_name))]

    def _visible_associations(self, store_name: str) -> list[Any]:
        """This account's associations, and those other accounts made with this account's networks or services."""
        return [
            association for association in self._associations_everywhere(store_name)
            if association.backend is self or self in association.counterparts
        ]  # fmt: skip

    def _find_association(self, store_name: str, identifier: str, resource_type: str) -> Any:
        """An association this account made (ID or ARN), or (by ARN) one another account made with this account's
        network or service: its owner sees and may delete it."""
        if self._owner_account(identifier) == self.account_id:
            return self._find(getattr(self, store_name), identifier, resource_type)
        association = self._foreign(store_name, identifier, resource_type)
        if association is None or self not in association.counterparts:
            raise self._denied(identifier, "another account's association, with none of this account's resources")
        return association

    @staticmethod
    def _read(resource: Any, resource_type: str, identifier: str) -> Any:
        """A Get* read: a new resource answers NotFound to its first lag_reads reads."""
        if resource.pending_lag_reads > 0:
            resource.pending_lag_reads -= 1
            raise not_found(resource_type, identifier)
        return resource

    def _forget(self, store: dict[str, LatticeResource], resource: LatticeResource) -> None:
        store.pop(resource.id, None)
        resource.deleted = True

    @staticmethod
    def _ensure_not_deleting(resource: LatticeResource) -> None:
        if resource.deleting:
            raise ConflictException(
                f"{display_name(resource.resource_type, capitalized=True)} {resource.id} is being deleted",
                resource.id, resource.resource_type,
            )  # fmt: skip

    @staticmethod
    def _ensure_idle(resource: LatticeResource) -> None:
        """An asynchronous resource refuses deletion (an association, any change) while an operation is in progress."""
        if resource.lifecycle and resource.lifecycle.in_progress:
            raise ConflictException(
                f"{display_name(resource.resource_type, capitalized=True)} {resource.id} has an operation in "
                f"progress ({resource.status}); retry when it is finished",
                resource.id, resource.resource_type,
            )  # fmt: skip

    def _ensure_unique_name(self, store: dict[str, Any], name: str, resource_type: str) -> None:
        existing = next((resource for resource in self._all(store) if resource.name == name), None)
        if existing is not None:
            raise ConflictException(
                f"A {display_name(resource_type)} named {name} already exists ({existing.id})",
                existing.id, resource_type,
            )  # fmt: skip

    def _ec2(self) -> Any:
        """EC2 of the same account and region: VPCs, security groups and instances are checked there."""
        return ec2_backends[self.account_id][self.region_name]

    def _require_vpc(self, vpc_id: str) -> Any:
        vpc = self._ec2().vpcs.get(vpc_id)
        if vpc is None:
            raise not_found("VPC", vpc_id)
        return vpc

    # ---- relationships ------------------------------------------------------------------------------------------

    def listeners_of(self, service: Service) -> list[Listener]:
        return [listener for listener in self.listeners.values() if listener.service is service]

    def rules_of(self, listener: Listener) -> list[Rule]:
        return [rule for rule in self.rules.values() if rule.listener is listener]

    def service_associations_of(self, network=None, service=None) -> list[ServiceNetworkServiceAssociation]:
        """Associations of the network and/or service, whichever account made them."""
        return [
            association for association in self._associations_everywhere("service_associations")
            if network in (None, association.network) and service in (None, association.service)
        ]  # fmt: skip

    def vpc_associations_of(self, network=None, vpc_id=None) -> list[ServiceNetworkVpcAssociation]:
        """Associations of the network (whichever account made them) and/or of this account's VPC ``vpc_id``."""
        return [
            association for association in self._associations_everywhere("vpc_associations")
            if network in (None, association.network)
            and (vpc_id is None or (association.vpc_id == vpc_id and association.backend is self))
        ]  # fmt: skip

    def access_log_subscriptions_of(self, resource: PolicyHolder) -> list[AccessLogSubscription]:
        return [als for als in self.access_log_subscriptions.values() if als.resource is resource]

    def services_forwarding_to(self, target_group: TargetGroup) -> list[Service]:
        """Services whose listeners or rules forward to the target group (default actions are default rules)."""
        services: list[Service] = []
        for rule in self.rules.values():
            if target_group.id in target_group_ids(rule.action) and rule.listener.service not in services:
                services.append(rule.listener.service)
        return services

    # ---- service networks ---------------------------------------------------------------------------------------

    @idempotent
    def create_service_network(self, name, auth_type=None, sharing_config=None, tags=None) -> ServiceNetwork:
        self._ensure_unique_name(self.service_networks, name, ServiceNetwork.resource_type)
        self._check_tags(tags)
        network = ServiceNetwork(self, name, auth_type, sharing_config, tags)
        self.service_networks[network.id] = network
        return network

    def find_service_network(self, identifier: str) -> ServiceNetwork:
        return self._find(self.service_networks, identifier, ServiceNetwork.resource_type)

    def get_service_network(self, service_network_identifier) -> ServiceNetwork:
        network = self._find_shared("service_networks", service_network_identifier, ServiceNetwork.resource_type)
        return self._read(network, network.resource_type, service_network_identifier)

    def list_service_networks(self, max_results=None, next_token=None):
        networks = self._all(self.service_networks) + self._shared_with_me("service_networks")
        return paginate(networks, max_results, next_token)

    def update_service_network(self, service_network_identifier, auth_type) -> ServiceNetwork:
        network = self.find_service_network(service_network_identifier)
        network.auth_type = auth_type
        network.touch()
        return network

    def delete_service_network(self, service_network_identifier) -> None:
        network = self.find_service_network(service_network_identifier)
        services = self.service_associations_of(network=network)
        vpcs = self.vpc_associations_of(network=network)
        if services or vpcs:
            raise ConflictException(
                f"Service network {network.id} still has {len(services)} service association(s) and {len(vpcs)} "
                "VPC association(s); delete them (and wait until they are gone) first",
                network.id, network.resource_type,
            )  # fmt: skip
        self._delete_policy_holder_children(network)
        self._forget(self.service_networks, network)

    def _delete_policy_holder_children(self, resource: PolicyHolder) -> None:
        resource.auth_policy = resource.resource_policy = None
        for subscription in self.access_log_subscriptions_of(resource):
            self._forget(self.access_log_subscriptions, subscription)

    # ---- services -----------------------------------------------------------------------------------------------

    @idempotent
    def create_service(
        self, name, auth_type=None, custom_domain_name=None, certificate_arn=None, idle_timeout_seconds=None,
        tags=None,
    ) -> Service:  # fmt: skip
        self._ensure_unique_name(self.services, name, Service.resource_type)
        self._check_tags(tags)
        service = Service(self, name, auth_type, custom_domain_name, certificate_arn, idle_timeout_seconds, tags)
        self.services[service.id] = service
        return service

    def find_service(self, identifier: str) -> Service:
        return self._find(self.services, identifier, Service.resource_type)

    def get_service(self, service_identifier) -> Service:
        service = self._find_shared("services", service_identifier, Service.resource_type)
        return self._read(service, service.resource_type, service_identifier)

    def list_services(self, max_results=None, next_token=None):
        return paginate(self._all(self.services) + self._shared_with_me("services"), max_results, next_token)

    def update_service(self, service_identifier, certificate_arn=None, auth_type=None, idle_timeout_seconds=None):
        service = self.find_service(service_identifier)
        self._ensure_not_deleting(service)
        if certificate_arn is not None:
            service.certificate_arn = certificate_arn
        if auth_type is not None:
            service.auth_type = auth_type
        if idle_timeout_seconds is not None:
            service.idle_timeout_seconds = idle_timeout_seconds
        service.touch()
        return service

    def delete_service(self, service_identifier) -> Service:
        service = self.find_service(service_identifier)
        self._ensure_idle(service)
        associations = self.service_associations_of(service=service)
        if associations:
            raise ConflictException(
                f"Service {service.id} is associated with service network(s) "
                f"{', '.join(association.network.id for association in associations)}; delete the association(s) "
                "(and wait until they are gone) first",
                service.id, service.resource_type,
            )  # fmt: skip
        for listener in self.listeners_of(service):
            self._delete_listener(listener)
        self._delete_policy_holder_children(service)
        service.lifecycle.begin(DELETE_IN_PROGRESS)
        return service

    # ---- target groups ------------------------------------------------------------------------------------------

    @idempotent
    def create_target_group(self, name, type, config=None, tags=None) -> TargetGroup:  # noqa: A002 (the API's name)
        self._ensure_unique_name(self.target_groups, name, TargetGroup.resource_type)
        self._check_tags(tags)
        target_group = TargetGroup(self, name, type, self._target_group_config(type, config or {}), tags)
        self.target_groups[target_group.id] = target_group
        return target_group

    def _target_group_config(self, target_group_type: str, config: dict[str, Any]) -> dict[str, Any]:
        config = json.loads(json.dumps(config))  # a private copy
        if target_group_type == "LAMBDA":
            unsupported = sorted(set(config) - {"lambdaEventStructureVersion"})
            if unsupported:
                raise invalid(
                    f"config.{unsupported[0]}",
                    f"{', '.join(unsupported)} not supported for target groups of type LAMBDA",
                )
            return {"lambdaEventStructureVersion": config.get("lambdaEventStructureVersion", "V1")}

        if "lambdaEventStructureVersion" in config:
            raise invalid("config.lambdaEventStructureVersion", "Supported only for target groups of type LAMBDA")
        for required in ("protocol", "vpcIdentifier"):
            if required not in config:
                raise invalid(f"config.{required}", f"Required for target groups of type {target_group_type}")
        protocol = config["protocol"]
        if "port" not in config:
            if protocol not in TARGET_GROUP_DEFAULT_PORTS:
                raise invalid("config.port", f"port is required for {protocol} target groups")
            config["port"] = TARGET_GROUP_DEFAULT_PORTS[protocol]
        self._require_vpc(config["vpcIdentifier"])
        if target_group_type == "IP":
            config.setdefault("ipAddressType", "IPV4")
        elif "ipAddressType" in config:
            raise invalid("config.ipAddressType", "Supported only for target groups of type IP")
        if protocol != "TCP":
            config.setdefault("protocolVersion", "HTTP1")
        if target_group_type == "ALB":
            if protocol == "TCP":
                raise invalid("config.protocol", "ALB target groups support HTTP and HTTPS only")
            if "healthCheck" in config:
                raise invalid("config.healthCheck", "Health checks are not supported for ALB target groups")
        else:
            health_check = dict(config.get("healthCheck") or {})
            # Health checks are on by default only for HTTP/1.1 target groups (off for HTTP2 and gRPC).
            health_check.setdefault("enabled", config.get("protocolVersion", "HTTP1") == "HTTP1")
            config["healthCheck"] = self._health_check(protocol, health_check)
        return config

    @staticmethod
    def _health_check(target_group_protocol: str, given: dict[str, Any], base: dict[str, Any] | None = None):
        """The given health check settings over the current ones (or AWS's defaults)."""
        for field, (low, high) in HEALTH_CHECK_RANGES.items():
            if field in given and not low <= given[field] <= high:
                raise invalid(f"healthCheck.{field}", f"{field} must be between {low} and {high}")
        if base is None:
            base = {**HEALTH_CHECK_DEFAULTS, "protocol": "HTTPS" if target_group_protocol == "HTTPS" else "HTTP"}
        return {**base, **given}

    def find_target_group(self, identifier: str) -> TargetGroup:
        return self._find(self.target_groups, identifier, TargetGroup.resource_type)

    def get_target_group(self, target_group_identifier) -> TargetGroup:
        target_group = self.find_target_group(target_group_identifier)
        return self._read(target_group, target_group.resource_type, target_group_identifier)

    def list_target_groups(self, max_results=None, next_token=None, vpc_identifier=None, target_group_type=None):
        target_groups = [
            target_group for target_group in self._all(self.target_groups)
            if vpc_identifier in (None, target_group.vpc_id) and target_group_type in (None, target_group.type)
        ]  # fmt: skip
        return paginate(target_groups, max_results, next_token)

    def update_target_group(self, target_group_identifier, health_check) -> TargetGroup:
        target_group = self.find_target_group(target_group_identifier)
        self._ensure_not_deleting(target_group)
        if target_group.type in ("LAMBDA", "ALB"):
            raise invalid("healthCheck", f"Health checks are not supported for {target_group.type} target groups")
        target_group.config["healthCheck"] = self._health_check(
            target_group.protocol, health_check, base=target_group.config["healthCheck"]
        )
        target_group.touch()
        return target_group

    def delete_target_group(self, target_group_identifier) -> TargetGroup:
        target_group = self.find_target_group(target_group_identifier)
        self._ensure_idle(target_group)
        users = self.services_forwarding_to(target_group)
        if users:
            raise ConflictException(
                f"Target group {target_group.id} is used by a listener or rule of service(s) "
                f"{', '.join(service.id for service in users)}; remove it from their actions first",
                target_group.id, target_group.resource_type,
            )  # fmt: skip
        target_group.lifecycle.begin(DELETE_IN_PROGRESS)
        return target_group

    # ---- targets ------------------------------------------------------------------------------------------------

    def register_targets(self, target_group_identifier, targets) -> dict[str, list]:
        target_group = self.find_target_group(target_group_identifier)
        self._ensure_not_deleting(target_group)
        successful, unsuccessful = [], []
        for target in targets:
            port = None if target_group.type == "LAMBDA" else target.get("port", target_group.port)
            problem = self._target_problem(target_group, target["id"], port)
            if problem:
                failure_code, failure_message = problem
                unsuccessful.append(
                    {"id": target["id"], "port": port, "failureCode": failure_code, "failureMessage": failure_message}
                )
                continue
            target_group.add_target(target["id"], port)
            successful.append({"id": target["id"], "port": port})
        return {"successful": successful, "unsuccessful": unsuccessful}

    def _target_problem(self, target_group: TargetGroup, target_id: str, port: int | None) -> tuple[str, str] | None:
        """Why the target cannot be registered, as (failureCode, failureMessage), or None."""
        already = target_group.target(target_id, port)
        if already is not None and already.drained_at is None:
            return None  # registering again is a no-op
        registered = [target for target in target_group.targets if target.drained_at is None]
        if len(registered) >= MAX_TARGETS_PER_TARGET_GROUP:
            return "TargetLimitExceeded", f"A target group holds at most {MAX_TARGETS_PER_TARGET_GROUP} targets"
        kind = target_group.type
        if kind == "LAMBDA":
            if not LAMBDA_ARN.match(target_id):
                return "InvalidTarget", f"{target_id} is not the ARN of a Lambda function"
            if registered:
                return "TargetLimitExceeded", "A LAMBDA target group holds exactly one target; deregister it first"
        elif kind == "INSTANCE":
            instance = self._ec2().get_instance_by_id(target_id)
            if instance is None or instance.state == "terminated":
                return "InvalidTarget", f"Instance {target_id} does not exist"
            if instance.vpc_id != target_group.vpc_id:
                return "InvalidTarget", f"Instance {target_id} is not in the target group's VPC {target_group.vpc_id}"
        elif kind == "IP":
            try:
                address = ipaddress.ip_address(target_id)
            except ValueError:
                return "InvalidTarget", f"{target_id} is not an IP address"
            expected = 6 if target_group.config.get("ipAddressType") == "IPV6" else 4
            if address.version != expected:
                return "InvalidTarget", f"{target_id} is not an IPv{expected} address"
        elif kind == "ALB" and not ALB_ARN.match(target_id):
            return "InvalidTarget", f"{target_id} is not the ARN of an Application Load Balancer"
        return None

    def deregister_targets(self, target_group_identifier, targets) -> dict[str, list]:
        target_group = self.find_target_group(target_group_identifier)
        successful, unsuccessful = [], []
        for target in targets:
            port = None if target_group.type == "LAMBDA" else target.get("port", target_group.port)
            registered = target_group.target(target["id"], port)
            if registered is None:
                unsuccessful.append({
                    "id": target["id"], "port": port, "failureCode": "TargetNotFound",
                    "failureMessage": f"Target {target['id']} is not registered with {target_group.id}",
                })  # fmt: skip
                continue
            if registered.drained_at is None:
                registered.deregister()
            successful.append({"id": target["id"], "port": port})
        return {"successful": successful, "unsuccessful": unsuccessful}

    def list_targets(self, target_group_identifier, max_results=None, next_token=None, targets=None):
        target_group = self.find_target_group(target_group_identifier)
        found = target_group.targets
        if targets:
            wanted = [(target["id"], target.get("port")) for target in targets]
            found = [
                target for target in found
                if any(target.id == target_id and port in (None, target.port) for target_id, port in wanted)
            ]  # fmt: skip
        return paginate(found, max_results, next_token)

    # ---- listeners ----------------------------------------------------------------------------------------------

    @idempotent
    def create_listener(self, service_identifier, name, protocol, default_action, port=None, tags=None) -> Listener:
        service = self.find_service(service_identifier)
        self._ensure_not_deleting(service)
        self._check_tags(tags)
        port = port or LISTENER_DEFAULT_PORTS[protocol]
        siblings = self.listeners_of(service)
        if len(siblings) >= MAX_LISTENERS_PER_SERVICE:
            raise ServiceQuotaExceededException(
                f"Service {service.id} already has {len(siblings)} listeners, the quota of listeners per service",
                Listener.resource_type, "listeners-per-service",
            )  # fmt: skip
        for sibling in siblings:
            if sibling.name == name:
                raise ConflictException(
                    f"Service {service.id} already has a listener named {name} ({sibling.id})",
                    sibling.id, sibling.resource_type,
                )  # fmt: skip
            if sibling.port == port:
                raise ConflictException(
                    f"Service {service.id} already has a listener on port {port} ({sibling.id})",
                    sibling.id, sibling.resource_type,
                )  # fmt: skip
        action = self._checked_action(default_action, service, protocol, "defaultAction")
        listener = Listener(self, service, name, protocol, port, tags)
        self.listeners[listener.id] = listener
        default_rule = Rule(self, listener, DEFAULT_RULE_NAME, action, is_default=True)
        default_rule.pending_lag_reads = 0  # not a resource the caller created
        self.rules[default_rule.id] = default_rule
        return listener

    def _checked_action(self, action: dict[str, Any], service: Service, protocol: str, field: str) -> dict[str, Any]:
        """The action with target groups resolved to IDs and weights filled in, if the service may use it."""
        kinds = [kind for kind in ("forward", "fixedResponse") if action.get(kind) is not None]
        if len(kinds) != 1:
            raise invalid(field, "Specify exactly one of forward and fixedResponse")
        if "fixedResponse" in kinds:
            if protocol == "TLS_PASSTHROUGH":
                raise invalid(f"{field}.fixedResponse", "TLS_PASSTHROUGH listeners support forward actions only")
            status_code = action["fixedResponse"]["statusCode"]
            if status_code not in FIXED_RESPONSE_STATUS_CODES:
                raise invalid(f"{field}.fixedResponse.statusCode", "Only 404 and 500 are supported")
            return {"fixedResponse": {"statusCode": status_code}}

        entries = action["forward"].get("targetGroups") or []
        if not 1 <= len(entries) <= 10:
            raise invalid(f"{field}.forward.targetGroups", "A forward action names 1 to 10 target groups")
        if len(entries) > 1 and any(entry.get("weight") is None for entry in entries):
            raise invalid(f"{field}.forward.targetGroups", "Weights are required with several target groups")
        checked = []
        for entry in entries:
            target_group = self.find_target_group(entry["targetGroupIdentifier"])
            self._ensure_not_deleting(target_group)
            if target_group.id in (seen["targetGroupIdentifier"] for seen in checked):
                raise invalid(f"{field}.forward.targetGroups", f"Target group {target_group.id} is listed twice")
            owners = [owner for owner in self.services_forwarding_to(target_group) if owner is not service]
            if owners:
                raise ConflictException(
                    f"Target group {target_group.id} is already used by service {owners[0].id}; "
                    "a target group belongs to a single service",
                    target_group.id, target_group.resource_type,
                )  # fmt: skip
            if (protocol == "TLS_PASSTHROUGH") != (target_group.protocol == "TCP"):
                raise invalid(
                    f"{field}.forward.targetGroups",
                    f"A {protocol} listener cannot forward to target group {target_group.id} "
                    f"(protocol {target_group.protocol or 'none, type ' + target_group.type}); "
                    "TLS_PASSTHROUGH listeners forward to TCP target groups, HTTP and HTTPS listeners to the others",
                )
            weight = entry.get("weight")
            weight = DEFAULT_FORWARD_WEIGHT if weight is None else weight
            checked.append({"targetGroupIdentifier": target_group.id, "weight": weight})
        return {"forward": {"targetGroups": checked}}

    def find_listener(self, service_identifier: str, listener_identifier: str) -> Listener:
        service = self.find_service(service_identifier)
        listener = self._find(self.listeners, listener_identifier, Listener.resource_type)
        if listener.service is not service:
            raise not_found(Listener.resource_type, listener_identifier)
        return listener

    def get_listener(self, service_identifier, listener_identifier) -> Listener:
        listener = self.find_listener(service_identifier, listener_identifier)
        return self._read(listener, listener.resource_type, listener_identifier)

    def list_listeners(self, service_identifier, max_results=None, next_token=None):
        return paginate(self.listeners_of(self.find_service(service_identifier)), max_results, next_token)

    def update_listener(self, service_identifier, listener_identifier, default_action) -> Listener:
        listener = self.find_listener(service_identifier, listener_identifier)
        default_rule = listener.default_rule
        default_rule.action = self._checked_action(default_action, listener.service, listener.protocol, "defaultAction")
        default_rule.touch()
        listener.touch()
        return listener

    def delete_listener(self, service_identifier, listener_identifier) -> None:
        self._delete_listener(self.find_listener(service_identifier, listener_identifier))

    def _delete_listener(self, listener: Listener) -> None:
        for rule in self.rules_of(listener):
            self._forget(self.rules, rule)
        self._forget(self.listeners, listener)

    # ---- rules --------------------------------------------------------------------------------------------------

    @idempotent
    def create_rule(
        self, service_identifier, listener_identifier, name, match, priority, action, tags=None
    ) -> Rule:  # fmt: skip
        listener = self.find_listener(service_identifier, listener_identifier)
        if listener.protocol == "TLS_PASSTHROUGH":
            raise invalid("listenerIdentifier", "TLS_PASSTHROUGH listeners have no rules besides the default one")
        self._check_tags(tags)
        rules = [rule for rule in self.rules_of(listener) if not rule.is_default]
        if len(rules) >= MAX_RULES_PER_LISTENER:
            raise ServiceQuotaExceededException(
                f"Listener {listener.id} already has {len(rules)} rules, the quota of rules per listener",
                Rule.resource_type, "rules-per-listener",
            )  # fmt: skip
        for rule in rules:
            if rule.name == name:
                raise ConflictException(
                    f"Listener {listener.id} already has a rule named {name} ({rule.id})", rule.id, rule.resource_type
                )
        self._ensure_free_priority(listener, priority)
        checked_action = self._checked_action(action, listener.service, listener.protocol, "action")
        rule = Rule(self, listener, name, checked_action, match=match, priority=priority, tags=tags)
        self.rules[rule.id] = rule
        return rule

    def _ensure_free_priority(self, listener: Listener, priority: int, ignoring: Rule | None = None) -> None:
        for rule in self.rules_of(listener):
            if rule is not ignoring and not rule.is_default and rule.priority == priority:
                raise ConflictException(
                    f"Listener {listener.id} already has a rule with priority {priority} ({rule.id})",
                    rule.id, rule.resource_type,
                )  # fmt: skip

    def find_rule(self, service_identifier: str, listener_identifier: str, rule_identifier: str) -> Rule:
        listener = self.find_listener(service_identifier, listener_identifier)
        rule = self._find(self.rules, rule_identifier, Rule.resource_type)
        if rule.listener is not listener:
            raise not_found(Rule.resource_type, rule_identifier)
        return rule

    def get_rule(self, service_identifier, listener_identifier, rule_identifier) -> Rule:
        rule = self.find_rule(service_identifier, listener_identifier, rule_identifier)
        return self._read(rule, rule.resource_type, rule_identifier)

    def list_rules(self, service_identifier, listener_identifier, max_results=None, next_token=None):
        listener = self.find_listener(service_identifier, listener_identifier)
        return paginate(self.rules_of(listener), max_results, next_token)

    def update_rule(
        self, service_identifier, listener_identifier, rule_identifier, match=None, priority=None, action=None
    ) -> Rule:  # fmt: skip
        rule = self.find_rule(service_identifier, listener_identifier, rule_identifier)
        checked_action = self._checked_rule_update(rule, action)
        if priority is not None:
            self._ensure_free_priority(rule.listener, priority, ignoring=rule)
        self._apply_rule_update(rule, match, priority, checked_action)
        return rule

    def _checked_rule_update(self, rule: Rule, action: dict[str, Any] | None) -> dict[str, Any] | None:
        if rule.is_default:
            raise invalid("ruleIdentifier", "The default rule cannot be modified; use UpdateListener")
        if action is None:
            return None
        return self._checked_action(action, rule.listener.service, rule.listener.protocol, "action")

    @staticmethod
    def _apply_rule_update(rule: Rule, match, priority, checked_action) -> None:
        if match is not None:
            rule.match = match
        if priority is not None:
            rule.priority = priority
        if checked_action is not None:
            rule.action = checked_action
        rule.touch()

    def batch_update_rule(self, service_identifier, listener_identifier, rules) -> dict[str, list]:
        """Each update succeeds or fails on its own; priorities are checked against the batch's final state, so a
        batch can swap the priorities of two rules."""
        listener = self.find_listener(service_identifier, listener_identifier)
        unsuccessful: list[dict[str, Any]] = []
        accepted: list[tuple[Rule, dict[str, Any], dict[str, Any] | None]] = []
        for update in rules:
            try:
                rule = self.find_rule(service_identifier, listener_identifier, update["ruleIdentifier"])
                if any(rule is earlier for earlier, dummy, dummy in accepted):
                    raise invalid("ruleIdentifier", f"Rule {rule.id} appears more than once in the batch")
                accepted.append((rule, update, self._checked_rule_update(rule, update.get("action"))))
            except (ResourceNotFoundException, ConflictException, ValidationException) as error:
                unsuccessful.append(self._rule_failure(update["ruleIdentifier"], error))

        # Drop updates whose new priority collides in the final state until no collision is left.
        while True:
            final = {rule.id: rule.priority for rule in self.rules_of(listener) if not rule.is_default}
            for rule, update, dummy in accepted:
                if update.get("priority") is not None:
                    final[rule.id] = update["priority"]
            colliding = [
                (rule, update, action) for rule, update, action in accepted
                if update.get("priority") is not None
                and list(final.values()).count(update["priority"]) > 1
            ]  # fmt: skip
            if not colliding:
                break
            for entry in colliding:
                accepted.remove(entry)
                error = ConflictException(
                    f"Priority {entry[1]['priority']} is used by another rule of listener {listener.id}",
                    entry[0].id, Rule.resource_type,
                )  # fmt: skip
                unsuccessful.append(self._rule_failure(entry[1]["ruleIdentifier"], error))

        for rule, update, checked_action in accepted:
            self._apply_rule_update(rule, update.get("match"), update.get("priority"), checked_action)
        return {"successful": [rule.describe() for rule, dummy, dummy in accepted], "unsuccessful": unsuccessful}

    @staticmethod
    def _rule_failure(rule_identifier: str, error: Exception) -> dict[str, Any]:
        return {"ruleIdentifier": rule_identifier, "failureCode": error.code, "failureMessage": error.message}

    def delete_rule(self, service_identifier, listener_identifier, rule_identifier) -> None:
        rule = self.find_rule(service_identifier, listener_identifier, rule_identifier)
        if rule.is_default:
            raise invalid("ruleIdentifier", "The default rule cannot be deleted")
        self._forget(self.rules, rule)

    # ---- service network service associations -------------------------------------------------------------------

    @idempotent
    def create_service_network_service_association(
        self, service_identifier, service_network_identifier, tags=None
    ) -> ServiceNetworkServiceAssociation:  # fmt: skip
        service = self._find_shared("services", service_identifier, Service.resource_type)
        network = self._find_shared("service_networks", service_network_identifier, ServiceNetwork.resource_type)
        if self not in (service.backend, network.backend):
            raise self._denied(
                service_network_identifier, "an association joins a service or a service network of the caller's own"
            )
        self._ensure_not_deleting(service)
        self._check_tags(tags)
        existing = self.service_associations_of(network=network, service=service)
        if existing:
            raise ConflictException(
                f"Service {service.id} is already associated with service network {network.id} "
                f"({existing[0].id}, {existing[0].status})",
                existing[0].id, existing[0].resource_type,
            )  # fmt: skip
        association = ServiceNetworkServiceAssociation(self, network, service, tags)
        self.service_associations[association.id] = association
        return association

    def find_service_network_service_association(self, identifier: str) -> ServiceNetworkServiceAssociation:
        return self._find_association(
            "service_associations", identifier, ServiceNetworkServiceAssociation.resource_type
        )

    def get_service_network_service_association(self, service_network_service_association_identifier):
        identifier = service_network_service_association_identifier
        association = self.find_service_network_service_association(identifier)
        return self._read(association, association.resource_type, identifier)

    def list_service_network_service_associations(
        self, service_network_identifier=None, service_identifier=None, max_results=None, next_token=None
    ):  # fmt: skip
        if service_network_identifier is None and service_identifier is None:
            raise invalid("serviceNetworkIdentifier", "Specify serviceNetworkIdentifier or serviceIdentifier")
        associations = [
            association for association in self._visible_associations("service_associations")
            if self._names(association.network, service_network_identifier)
            and self._names(association.service, service_identifier)
        ]  # fmt: skip
        return paginate(associations, max_results, next_token)

    def list_service_network_resource_associations(
        self, service_network_identifier=None, resource_configuration_identifier=None, include_children=None,
        max_results=None, next_token=None,
    ):  # fmt: skip
        """Always empty: resource configurations are not modelled, so none can be associated. Answering lets a
        caller that checks every kind of association before deleting a network do so. (The model declares no
        ResourceNotFoundException here: a filter naming an unknown network matches nothing, as on the other Lists.)"""
        return paginate([], max_results, next_token)

    def _names(self, resource: LatticeResource, identifier: str | None) -> bool:
        """Whether an optional filter (ID or ARN; an ID names this account's resources only) names the resource;
        filters on unknown resources match nothing."""
        return identifier in (None, resource.arn) or (identifier == resource.id and resource.backend is self)

    def delete_service_network_service_association(self, service_network_service_association_identifier):
        association = self.find_service_network_service_association(service_network_service_association_identifier)
        self._ensure_idle(association)
        association.lifecycle.begin(DELETE_IN_PROGRESS)
        return association

    # ---- service network VPC associations -----------------------------------------------------------------------

    @idempotent
    def create_service_network_vpc_association(
        self, service_network_identifier, vpc_identifier, security_group_ids=None, private_dns_enabled=None,
        dns_options=None, tags=None,
    ) -> ServiceNetworkVpcAssociation:  # fmt: skip
        network = self._find_shared("service_networks", service_network_identifier, ServiceNetwork.resource_type)
        self._require_vpc(vpc_identifier)
        self._check_security_groups(security_group_ids or [], vpc_identifier)
        self._check_tags(tags)
        existing = self.vpc_associations_of(vpc_id=vpc_identifier)
        if existing:
            raise ConflictException(
                f"VPC {vpc_identifier} is already associated with service network {existing[0].network.id} "
                f"({existing[0].id}, {existing[0].status}); a VPC can be associated with one service network only",
                existing[0].id, existing[0].resource_type,
            )  # fmt: skip
        association = ServiceNetworkVpcAssociation(
            self, network, vpc_identifier, list(security_group_ids or []), private_dns_enabled, dns_options, tags
        )
        self.vpc_associations[association.id] = association
        return association

    def _check_security_groups(self, security_group_ids: list[str], vpc_id: str) -> None:
        if len(set(security_group_ids)) != len(security_group_ids):
            raise invalid("securityGroupIds", "Security group IDs must be unique")
        for security_group_id in security_group_ids:
            group = self._ec2().get_security_group_from_id(security_group_id)
            if group is None:
                raise not_found("SECURITY_GROUP", security_group_id)
            if group.vpc_id != vpc_id:
                raise invalid("securityGroupIds", f"Security group {security_group_id} does not belong to VPC {vpc_id}")

    def find_service_network_vpc_association(self, identifier: str) -> ServiceNetworkVpcAssociation:
        return self._find_association("vpc_associations", identifier, ServiceNetworkVpcAssociation.resource_type)

    def get_service_network_vpc_association(self, service_network_vpc_association_identifier):
        identifier = service_network_vpc_association_identifier
        association = self.find_service_network_vpc_association(identifier)
        return self._read(association, association.resource_type, identifier)

    def list_service_network_vpc_associations(
        self, service_network_identifier=None, vpc_identifier=None, max_results=None, next_token=None
    ):  # fmt: skip
        if service_network_identifier is None and vpc_identifier is None:
            raise invalid("serviceNetworkIdentifier", "Specify serviceNetworkIdentifier or vpcIdentifier")
        associations = [
            association for association in self._visible_associations("vpc_associations")
            if self._names(association.network, service_network_identifier)
            and vpc_identifier in (None, association.vpc_id)
        ]  # fmt: skip
        return paginate(associations, max_results, next_token)

    def update_service_network_vpc_association(
        self, service_network_vpc_association_identifier, security_group_ids=None, private_dns_enabled=None,
        dns_options=None,
    ) -> ServiceNetworkVpcAssociation:  # fmt: skip
        # Only the account that made it changes it (its security groups are that account's).
        identifier = service_network_vpc_association_identifier
        association = self._find(self.vpc_associations, identifier, ServiceNetworkVpcAssociation.resource_type)
        self._ensure_idle(association)
        if security_group_ids is not None:
            self._check_security_groups(security_group_ids, association.vpc_id)
            association.security_group_ids = list(security_group_ids)
        if private_dns_enabled is not None:
            association.private_dns_enabled = private_dns_enabled
        if dns_options is not None:
            association.dns_options = dns_options
        association.lifecycle.begin(UPDATE_IN_PROGRESS)
        association.touch()
        return association

    def delete_service_network_vpc_association(self, service_network_vpc_association_identifier):
        association = self.find_service_network_vpc_association(service_network_vpc_association_identifier)
        self._ensure_idle(association)
        association.lifecycle.begin(DELETE_IN_PROGRESS)
        return association

    # ---- access log subscriptions -------------------------------------------------------------------------------

    def _find_policy_holder(self, identifier: str) -> PolicyHolder:
        """A service network or a service, by ID or ARN (the resources with auth types, policies and logs)."""
        for prefix, store, resource_type in (
            ("sn-", self.service_networks, ServiceNetwork.resource_type),
            ("svc-", self.services, Service.resource_type),
        ):
            resource_id = identifier.rsplit("/", 1)[-1]
            if resource_id.startswith(prefix):
                return self._find(store, identifier, resource_type)
        raise not_found(resource_type_named_by(identifier), identifier)

    @idempotent
    def create_access_log_subscription(
        self, resource_identifier, destination_arn, service_network_log_type=None, tags=None
    ) -> AccessLogSubscription:  # fmt: skip
        resource = self._find_policy_holder(resource_identifier)
        self._ensure_not_deleting(resource)
        self._check_tags(tags)
        destination_type = access_log_destination_type(destination_arn)
        if isinstance(resource, ServiceNetwork):
            service_network_log_type = service_network_log_type or "SERVICE"
        elif service_network_log_type is not None:
            raise invalid("serviceNetworkLogType", "Supported only for service networks")
        for existing in self.access_log_subscriptions_of(resource):
            if (existing.destination_type, existing.service_network_log_type) == (
                destination_type, service_network_log_type
            ):  # fmt: skip
                raise ConflictException(
                    f"{resource.id} already has a {destination_type} access log subscription ({existing.id})",
                    existing.id, existing.resource_type,
                )  # fmt: skip
        subscription = AccessLogSubscription(self, resource, destination_arn, service_network_log_type, tags)
        self.access_log_subscriptions[subscription.id] = subscription
        return subscription

    def find_access_log_subscription(self, identifier: str) -> AccessLogSubscription:
        return self._find(self.access_log_subscriptions, identifier, AccessLogSubscription.resource_type)

    def get_access_log_subscription(self, access_log_subscription_identifier) -> AccessLogSubscription:
        subscription = self.find_access_log_subscription(access_log_subscription_identifier)
        return self._read(subscription, subscription.resource_type, access_log_subscription_identifier)

    def list_access_log_subscriptions(self, resource_identifier, max_results=None, next_token=None):
        resource = self._find_policy_holder(resource_identifier)
        return paginate(self.access_log_subscriptions_of(resource), max_results, next_token)

    def update_access_log_subscription(self, access_log_subscription_identifier, destination_arn):
        subscription = self.find_access_log_subscription(access_log_subscription_identifier)
        destination_type = access_log_destination_type(destination_arn)
        for other in self.access_log_subscriptions_of(subscription.resource):
            if other is not subscription and (other.destination_type, other.service_network_log_type) == (
                destination_type, subscription.service_network_log_type
            ):  # fmt: skip
                raise ConflictException(
                    f"{subscription.resource.id} already has a {destination_type} access log subscription ({other.id})",
                    other.id, other.resource_type,
                )  # fmt: skip
        subscription.destination_arn = destination_arn
        subscription.touch()
        return subscription

    def delete_access_log_subscription(self, access_log_subscription_identifier) -> None:
        subscription = self.find_access_log_subscription(access_log_subscription_identifier)
        self._forget(self.access_log_subscriptions, subscription)

    # ---- auth and resource policies -----------------------------------------------------------------------------

    def put_auth_policy(self, resource_identifier, policy) -> dict[str, Any]:
        resource = self._find_policy_holder(resource_identifier)
        self._ensure_not_deleting(resource)
        if "\n" in policy or "\r" in policy:
            raise invalid("policy", "The auth policy must not contain newlines")
        if len(policy) > AUTH_POLICY_MAX_CHARS:
            raise ServiceQuotaExceededException(
                f"Auth policies are limited to {AUTH_POLICY_MAX_CHARS} characters", "AUTH_POLICY", "auth-policy-size"
            )
        parse_policy(policy)
        if resource.auth_policy is None:
            resource.auth_policy = Policy(policy)
        else:
            resource.auth_policy.replace(policy)
        return {"policy": policy, "state": resource.auth_policy_state}

    def get_auth_policy(self, resource_identifier) -> dict[str, Any]:
        resource = self._find_policy_holder(resource_identifier)
        policy = self._existing_policy(resource.auth_policy, "AUTH_POLICY", resource_identifier)
        self._read(policy, "AUTH_POLICY", resource_identifier)
        return {
            "policy": policy.text,
            "state": resource.auth_policy_state,
            "createdAt": policy.created_at,
            "lastUpdatedAt": policy.updated_at,
        }

    def delete_auth_policy(self, resource_identifier) -> None:
        resource = self._find_policy_holder(resource_identifier)
        self._existing_policy(resource.auth_policy, "AUTH_POLICY", resource_identifier)
        resource.auth_policy = None

    @staticmethod
    def _existing_policy(policy: Policy | None, resource_type: str, identifier: str) -> Policy:
        if policy is None:
            message = f"{identifier} has no {display_name(resource_type)}"
            raise ResourceNotFoundException(message, identifier, resource_type)
        return policy

    def put_resource_policy(self, resource_arn, policy) -> None:
        resource = self._find_policy_holder(resource_arn)
        self._ensure_not_deleting(resource)
        parse_policy(policy)
        if resource.resource_policy is None:
            resource.resource_policy = Policy(policy)
        else:
            resource.resource_policy.replace(policy)

    def get_resource_policy(self, resource_arn) -> dict[str, Any]:
        resource = self._find_policy_holder(resource_arn)
        policy = self._existing_policy(resource.resource_policy, "RESOURCE_POLICY", resource_arn)
        self._read(policy, "RESOURCE_POLICY", resource_arn)
        return {"policy": policy.text}

    def delete_resource_policy(self, resource_arn) -> None:
        resource = self._find_policy_holder(resource_arn)
        self._existing_policy(resource.resource_policy, "RESOURCE_POLICY", resource_arn)
        resource.resource_policy = None

    # ---- tags ---------------------------------------------------------------------------------------------------

    def _find_by_arn(self, resource_arn: str) -> LatticeResource:
        """This account's resource by ARN; another account's is AccessDenied, shared or not (tags are the owner's)."""
        owner = self._owner_account(resource_arn)
        if owner != self.account_id:
            raise self._denied(resource_arn, f"only its owner, account {owner}, may read or change its tags")
        self._settle()
        for store in self._all_stores:
            for resource in store.values():
                if resource.arn == resource_arn:
                    return resource
        raise not_found(resource_type_named_by(resource_arn), resource_arn)

    @staticmethod
    def _check_tags(tags: dict[str, str] | None, existing: dict[str, str] | None = None) -> None:
        tags = tags or {}
        reserved = [key for key in tags if key.lower().startswith("aws:")]
        if reserved:
            raise invalid("tags", f"Tag keys starting with aws: are reserved ({', '.join(reserved)})")
        if len({**(existing or {}), **tags}) > MAX_TAGS_PER_RESOURCE:
            raise invalid("tags", f"A resource holds at most {MAX_TAGS_PER_RESOURCE} tags")

    def tag_resource(self, resource_arn, tags) -> None:
        resource = self._find_by_arn(resource_arn)
        self._check_tags(tags, resource.tags)
        resource.tags.update(tags)

    def untag_resource(self, resource_arn, tag_keys) -> None:
        resource = self._find_by_arn(resource_arn)
        for key in tag_keys:
            resource.tags.pop(key, None)

    def list_tags_for_resource(self, resource_arn) -> dict[str, Any]:
        return {"tags": dict(self._find_by_arn(resource_arn).tags)}


lattice_backends = BackendDict(LatticeBackend, "vpc-lattice")
