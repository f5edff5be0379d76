"""AWS RAM for the local endpoint, in place of moto's.

moto 5.2.5's RAM refuses VPC Lattice ARNs in CreateResourceShare, knows one account only (no invitations, no
OTHER-ACCOUNTS view) and keeps every association ASSOCIATED. This backend shares VPC Lattice service networks and
services between the accounts the endpoint serves, with RAM's semantics:

- a resource must exist in the caller's account and region (UnknownResourceException otherwise);
- a principal is a 12-digit account ID, the sharer's organization ARN or one of its OU ARNs. An account in the
  sharer's organization, once the management account has called EnableSharingWithAwsOrganization, is associated
  at once (external: false); any other account is external: refused unless the share allows external principals,
  else it gets a PENDING invitation and its association stays ASSOCIATING until it accepts (rejecting ends it);
- associations pass through ASSOCIATING / DISASSOCIATING for ``transition_delay()`` (the realistic profile) and
  disassociated ones stay listed as DISASSOCIATED; a deleted share stays listed as DELETED, as in AWS;
- ``clientToken``: the same token with the same request answers the first answer again, with another request
  IdempotentParameterMismatchException.

``shared_with`` and ``sharing_accounts_of`` tell the Lattice backend who may see a shared resource.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import get_service_model

from local_aws.config import transition_delay
from local_aws.lattice.exceptions import ValidationException
from local_aws.validation import validate_input

ACCOUNT_ID = re.compile(r"^\d{12}$")
LATTICE_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):vpc-lattice:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<kind>servicenetwork|service)/(?P<id>[a-z0-9-]+)$"
)
ANY_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$")
ORGANIZATION_ARN = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:organization/(?P<org>o-[a-z0-9]+)$")
OU_ARN = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:ou/(?P<org>o-[a-z0-9]+)/(?P<ou>ou-[a-z0-9-]+)$")
RESOURCE_TYPES = {"servicenetwork": "vpc-lattice:ServiceNetwork", "service": "vpc-lattice:Service"}
DEFAULT_PAGE_SIZE = 500
OWNERS = ("SELF", "OTHER-ACCOUNTS")
ORGANIZATION_ONLY = (
    "The resource you are attempting to share can only be shared within your AWS Organization. "
    "This error may also occur if you have not enabled sharing with your AWS organization."
)


# --------------------------------------------------------------------------- errors (RAM's error shapes)


class RamError(ServiceException):
    pass


def _error(code: str) -> type[RamError]:
    return type(code, (RamError,), {"code": code})


InvalidParameterException = _error("InvalidParameterException")
MalformedArnException = _error("MalformedArnException")
UnknownResourceException = _error("UnknownResourceException")
OperationNotPermittedException = _error("OperationNotPermittedException")
InvalidStateTransitionException = _error("InvalidStateTransitionException")
IdempotentParameterMismatchException = _error("IdempotentParameterMismatchException")
InvalidNextTokenException = _error("InvalidNextTokenException")
InvitationNotFound = _error("ResourceShareInvitationArnNotFoundException")
InvitationAlreadyAccepted = _error("ResourceShareInvitationAlreadyAcceptedException")
InvitationAlreadyRejected = _error("ResourceShareInvitationAlreadyRejectedException")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# --------------------------------------------------------------------------- organizations (moto's)


def _organization_backend(account_id: str, partition: str) -> Any | None:
    """The Organizations backend of the management account of ``account_id``'s organization, or None."""
    from moto.organizations.models import organizations_backends

    master_id = organizations_backends.master_accounts.get(account_id, (account_id, partition))[0]
    backend = organizations_backends[master_id][partition]
    return backend if backend.org is not None else None


def _organization_sharing(account_id: str, partition: str) -> Any | None:
    """The organization backend when ``account_id`` is in an organization with RAM sharing enabled."""
    backend = _organization_backend(account_id, partition)
    return backend if backend is not None and getattr(backend, "ram_sharing_enabled", False) else None


def _in_organization_unit(backend: Any, account_id: str, ou_id: str) -> bool:
    parents = {unit.id: unit.parent_id for unit in backend.ou}
    account = next((account for account in backend.accounts if account.id == account_id), None)
    node = account.parent_id if account else None
    while node:
        if node == ou_id:
            return True
        node = parents.get(node)
    return False


def _principal_covers(principal: str, account_id: str, partition: str) -> bool:
    """Whether a share's principal (account, organization or OU ARN) includes ``account_id``."""
    if principal == account_id:
        return True
    organization = ORGANIZATION_ARN.match(principal) or OU_ARN.match(principal)
    if not organization:
        return False
    backend = _organization_backend(account_id, partition)
    if backend is None or backend.org.id != organization["org"]:
        return False
    return not OU_ARN.match(principal) or _in_organization_unit(backend, account_id, organization["ou"])


def _accounts_covered(principal: str, owner_account: str, partition: str) -> set[str]:
    if ACCOUNT_ID.match(principal):
        return {principal}
    backend = _organization_backend(owner_account, partition)
    if backend is None:
        return set()
    return {account.id for account in backend.accounts if _principal_covers(principal, account.id, partition)}


# --------------------------------------------------------------------------- models


class Association:
    """A resource or principal in a share. Its status derives from timestamps (nothing runs in the background)."""

    def __init__(
        self,
        share: ResourceShare,
        entity: str,
        association_type: str,
        external: bool = False,
        awaiting_acceptance: bool = False,
    ):
        self.share = share
        self.entity = entity
        self.association_type = association_type
        self.external = external
        self.created = self.updated = utcnow()
        # An external principal is associated only once it accepts the invitation.
        self.ready_at: datetime | None = (
            None if awaiting_acceptance else self.created + timedelta(seconds=transition_delay())
        )
        self.ended_at: datetime | None = None

    @property
    def status(self) -> str:
        now = utcnow()
        if self.ended_at is not None:
            return "DISASSOCIATING" if now < self.ended_at else "DISASSOCIATED"
        if self.ready_at is None or now < self.ready_at:
            return "ASSOCIATING"
        return "ASSOCIATED"

    @property
    def live(self) -> bool:
        return self.ended_at is None

    def accept(self) -> None:
        self.updated = utcnow()
        self.ready_at = self.updated + timedelta(seconds=transition_delay())

    def end(self, delay: float | None = None) -> None:
        self.updated = utcnow()
        self.ended_at = self.updated + timedelta(seconds=transition_delay() if delay is None else delay)

    def describe(self) -> dict[str, Any]:
        return {
            "resourceShareArn": self.share.arn, "resourceShareName": self.share.name,
            "associatedEntity": self.entity, "associationType": self.association_type, "status": self.status,
            "creationTime": self.created, "lastUpdatedTime": self.updated, "external": self.external,
        }  # fmt: skip


class Invitation:
    def __init__(self, share: ResourceShare, association: Association):
        self.share = share
        self.association = association
        self.receiver = association.entity
        self.arn = (
            f"arn:{share.backend.partition}:ram:{share.backend.region_name}:{share.backend.account_id}:"
            f"resource-share-invitation/{uuid.uuid4()}"
        )
        self.timestamp = utcnow()
        self.status = "PENDING"

    @property
    def visible(self) -> bool:
        """Listed while its share and its principal association exist (an un-shared invitation disappears)."""
        return self.share.status != "DELETED" and (self.association.live or self.status == "REJECTED")

    def describe(self) -> dict[str, Any]:
        return {
            "resourceShareInvitationArn": self.arn, "resourceShareName": self.share.name,
            "resourceShareArn": self.share.arn, "senderAccountId": self.share.backend.account_id,
            "receiverAccountId": self.receiver, "invitationTimestamp": self.timestamp, "status": self.status,
        }  # fmt: skip


class ResourceShare:
    def __init__(self, backend: RamBackend, name: str, allow_external_principals: bool, tags: dict[str, str]):
        self.backend = backend
        self.arn = (
            f"arn:{backend.partition}:ram:{backend.region_name}:{backend.account_id}:resource-share/{uuid.uuid4()}"
        )
        self.name = name
        self.allow_external_principals = allow_external_principals
        self.tags = tags
        self.created = self.updated = utcnow()
        self.deleted_at: datetime | None = None
        self.associations: list[Association] = []

    @property
    def status(self) -> str:
        if self.deleted_at is None:
            return "ACTIVE"
        return "DELETING" if utcnow() < self.deleted_at else "DELETED"

    def live_associations(self, association_type: str) -> list[Association]:
        return [a for a in self.associations if a.live and a.association_type == association_type]

    def association(self, association_type: str, entity: str) -> Association | None:
        return next((a for a in self.live_associations(association_type) if a.entity == entity), None)

    def covers(self, account_id: str) -> bool:
        """An ACTIVE share whose ASSOCIATED principals include ``account_id``."""
        return self.status == "ACTIVE" and any(
            association.status == "ASSOCIATED"
            and _principal_covers(association.entity, account_id, self.backend.partition)
            for association in self.live_associations("PRINCIPAL")
        )

    def describe(self) -> dict[str, Any]:
        return {
            "resourceShareArn": self.arn, "name": self.name, "owningAccountId": self.backend.account_id,
            "allowExternalPrincipals": self.allow_external_principals, "status": self.status,
            "tags": [{"key": key, "value": value} for key, value in self.tags.items()],
            "creationTime": self.created, "lastUpdatedTime": self.updated, "featureSet": "STANDARD",
        }  # fmt: skip


# --------------------------------------------------------------------------- backend


def _page(items: list[Any], max_results: int | None, next_token: str | None) -> tuple[list[Any], str | None]:
    start = 0
    if next_token:
        try:
            start = int(base64.b64decode(next_token, validate=True).decode())
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise InvalidNextTokenException("The specified value for NextToken is not valid.") from None
    end = start + (max_results or DEFAULT_PAGE_SIZE)
    token = base64.b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], token


def _tags_of(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {tag["key"]: tag.get("value", "") for tag in tags or []}


def _matches_tag_filters(share: ResourceShare, tag_filters: list[dict[str, Any]] | None) -> bool:
    return all(
        tag_filter.get("tagKey") in share.tags
        and (not tag_filter.get("tagValues") or share.tags[tag_filter["tagKey"]] in tag_filter["tagValues"])
        for tag_filter in tag_filters or []
    )


def _check_owner(resource_owner: str) -> None:
    if resource_owner not in OWNERS:
        raise InvalidParameterException(
            f"{resource_owner} is not a valid resource owner. Specify either SELF or OTHER-ACCOUNTS and try again."
        )


class RamBackend(BaseBackend):
    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.shares: dict[str, ResourceShare] = {}
        self.invitations: list[Invitation] = []
        self.client_tokens: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}

    @property
    def _url_module(self) -> Any:
        # moto derives the URL module from the models module's name; ours is this module.
        return SimpleNamespace(
            url_bases=[r"https?://ram\.(.+)\.amazonaws.com"], url_paths={"{0}/.*$": RamResponse.dispatch}
        )

    # ---- lookups ---------------------------------------------------------------------------------------------

    def peers(self) -> list[RamBackend]:
        """The RAM backends of every account in this region that exist (none is built by looking)."""
        found = []
        for account_backends in list(dict.values(ram_backends)):
            backend = dict.get(account_backends, self.region_name)
            if backend is not None:
                found.append(backend)
        return found

    def share(self, arn: str) -> ResourceShare:
        if not ANY_ARN.match(arn or ""):
            raise MalformedArnException(f"The specified resource share ARN {arn} is not valid.")
        share = self.shares.get(arn)
        if share is None:
            raise UnknownResourceException(f"ResourceShare {arn} could not be found.")
        return share

    def _live_share(self, arn: str) -> ResourceShare:
        share = self.share(arn)
        if share.status != "ACTIVE":
            raise InvalidStateTransitionException(f"ResourceShare {arn} is in {share.status} state.")
        return share

    def shares_with_me(self) -> list[ResourceShare]:
        return [
            share
            for peer in self.peers()
            if peer is not self
            for share in peer.shares.values()
            if share.covers(self.account_id)
        ]

    # ---- validation of what is shared and with whom ----------------------------------------------------------

    def _check_resource(self, arn: str) -> None:
        from local_aws.lattice import lattice_backends
        from local_aws.lattice.exceptions import ResourceNotFoundException

        match = LATTICE_ARN.match(arn)
        if not match:
            if not ANY_ARN.match(arn):
                raise MalformedArnException(
                    f"The specified resource ARN {arn} is not valid. Verify the ARN and try again."
                )
            raise InvalidParameterException(
                f"The local endpoint shares VPC Lattice service networks and services only, not {arn}"
            )
        if match["account"] != self.account_id or match["region"] != self.region_name:
            raise UnknownResourceException(f"Resource {arn} could not be found.")
        lattice = lattice_backends[self.account_id][self.region_name]
        find = lattice.find_service_network if match["kind"] == "servicenetwork" else lattice.find_service
        try:
            find(arn)
        except ResourceNotFoundException:
            raise UnknownResourceException(f"Resource {arn} could not be found.") from None

    def _principal_association(self, share: ResourceShare, principal: str) -> Association:
        """The association a new principal gets; raises when RAM refuses the principal."""
        organization = ORGANIZATION_ARN.match(principal) or OU_ARN.match(principal)
        if organization:
            backend = _organization_backend(self.account_id, self.partition)
            if backend is None or backend.org.id != organization["org"]:
                raise UnknownResourceException(f"Organization {organization['org']} could not be found.")
            if OU_ARN.match(principal) and principal not in {unit.arn for unit in backend.ou}:
                raise UnknownResourceException(
                    f"OrganizationalUnit {organization['ou']} in unknown organization could not be found."
                )
            if not getattr(backend, "ram_sharing_enabled", False):
                raise OperationNotPermittedException(ORGANIZATION_ONLY)
            return Association(share, principal, "PRINCIPAL")
        if not ACCOUNT_ID.match(principal):
            raise InvalidParameterException(f"Principal ID {principal} is malformed. Verify the ID and try again.")
        sharing = _organization_sharing(self.account_id, self.partition)
        if principal == self.account_id or (
            sharing is not None and any(account.id == principal for account in sharing.accounts)
        ):
            return Association(share, principal, "PRINCIPAL")
        if not share.allow_external_principals:
            raise OperationNotPermittedException(ORGANIZATION_ONLY)
        association = Association(share, principal, "PRINCIPAL", external=True, awaiting_acceptance=True)
        self.invitations.append(Invitation(share, association))
        return association

    def _associate(self, share: ResourceShare, resource_arns: list[str], principals: list[str]) -> list[Association]:
        """Validate everything first, so that a refused request changes nothing."""
        for arn in resource_arns:
            self._check_resource(arn)
        new_associations, answered = [], []
        for arn in dict.fromkeys(resource_arns):
            existing = share.association("RESOURCE", arn)
            answered.append(existing or Association(share, arn, "RESOURCE"))
            if existing is None:
                new_associations.append(answered[-1])
        invitations_before = len(self.invitations)
        try:
            for principal in dict.fromkeys(principals):
                existing = share.association("PRINCIPAL", principal)
                answered.append(existing or self._principal_association(share, principal))
                if existing is None:
                    new_associations.append(answered[-1])
        except RamError:
            del self.invitations[invitations_before:]
            raise
        share.associations += new_associations
        if new_associations:
            share.updated = utcnow()
        return answered

    # ---- operations ------------------------------------------------------------------------------------------

    def create_resource_share(
        self, name, resource_arns=None, principals=None, tags=None, allow_external_principals=True, **unmodelled
    ) -> dict[str, Any]:
        share = ResourceShare(self, name, allow_external_principals, _tags_of(tags))
        self._associate(share, resource_arns or [], principals or [])
        self.shares[share.arn] = share
        return {"resourceShare": share.describe()}

    def get_resource_shares(
        self,
        resource_owner,
        resource_share_arns=None,
        resource_share_status=None,
        name=None,
        tag_filters=None,
        next_token=None,
        max_results=None,
        **unmodelled,
    ) -> dict[str, Any]:
        _check_owner(resource_owner)
        if resource_owner == "SELF":
            candidates = (
                [self.share(arn) for arn in resource_share_arns] if resource_share_arns else list(self.shares.values())
            )
        else:
            candidates = [
                share for share in self.shares_with_me() if not resource_share_arns or share.arn in resource_share_arns
            ]
        found = [
            share.describe()
            for share in candidates
            if (name is None or share.name == name)
            and _matches_tag_filters(share, tag_filters)
            and (resource_share_status is None or share.status == resource_share_status)
        ]
        page, token = _page(found, max_results, next_token)
        return {"resourceShares": page, "nextToken": token}

    def get_resource_share_associations(
        self,
        association_type,
        resource_share_arns=None,
        resource_arn=None,
        principal=None,
        association_status=None,
        next_token=None,
        max_results=None,
    ) -> dict[str, Any]:
        if association_type == "PRINCIPAL" and resource_arn:
            raise InvalidParameterException("You cannot specify a resource ARN when the association type is PRINCIPAL.")
        if association_type == "RESOURCE" and principal:
            raise InvalidParameterException("You cannot specify a principal when the association type is RESOURCE.")
        shares = [self.share(arn) for arn in resource_share_arns] if resource_share_arns else list(self.shares.values())
        entity = resource_arn or principal
        found = [
            association.describe()
            for share in shares
            for association in share.associations
            if association.association_type == association_type
            and (entity is None or association.entity == entity)
            and (association_status is None or association.status == association_status)
        ]
        page, token = _page(found, max_results, next_token)
        return {"resourceShareAssociations": page, "nextToken": token}

    def update_resource_share(
        self, resource_share_arn, name=None, allow_external_principals=None, **unmodelled
    ) -> dict[str, Any]:
        share = self._live_share(resource_share_arn)
        if name is not None:
            share.name = name
        if allow_external_principals is not None:
            share.allow_external_principals = allow_external_principals
        share.updated = utcnow()
        return {"resourceShare": share.describe()}

    def delete_resource_share(self, resource_share_arn, **unmodelled) -> dict[str, Any]:
        share = self._live_share(resource_share_arn)
        share.deleted_at = utcnow() + timedelta(seconds=transition_delay())
        share.updated = utcnow()
        for association in share.associations:
            if association.live:
                association.end()
        return {"returnValue": True}

    def associate_resource_share(
        self, resource_share_arn, resource_arns=None, principals=None, **unmodelled
    ) -> dict[str, Any]:
        share = self._live_share(resource_share_arn)
        answered = self._associate(share, resource_arns or [], principals or [])
        return {"resourceShareAssociations": [association.describe() for association in answered]}

    def disassociate_resource_share(
        self, resource_share_arn, resource_arns=None, principals=None, **unmodelled
    ) -> dict[str, Any]:
        share = self._live_share(resource_share_arn)
        wanted = [("RESOURCE", arn) for arn in resource_arns or []] + [("PRINCIPAL", p) for p in principals or []]
        associations = []
        for association_type, entity in dict.fromkeys(wanted):
            association = share.association(association_type, entity)
            if association is None:
                raise UnknownResourceException(f"{entity} is not associated with ResourceShare {share.arn}.")
            associations.append(association)
        for association in associations:
            association.end()
        if associations:
            share.updated = utcnow()
        return {"resourceShareAssociations": [association.describe() for association in associations]}

    def list_resources(
        self,
        resource_owner,
        principal=None,
        resource_type=None,
        resource_arns=None,
        resource_share_arns=None,
        next_token=None,
        max_results=None,
        **unmodelled,
    ) -> dict[str, Any]:
        _check_owner(resource_owner)
        shares = [
            share
            for share in self._shares_of(resource_owner, resource_share_arns)
            if principal is None or share.association("PRINCIPAL", principal) is not None
        ]
        found = []
        for share in shares:
            for association in share.live_associations("RESOURCE"):
                kind = RESOURCE_TYPES[LATTICE_ARN.match(association.entity)["kind"]]
                if association.status != "ASSOCIATED" or (resource_arns and association.entity not in resource_arns):
                    continue
                if resource_type and resource_type.lower() != kind.lower():
                    continue
                found.append(
                    {
                        "arn": association.entity,
                        "type": kind,
                        "resourceShareArn": share.arn,
                        "status": "AVAILABLE",
                        "creationTime": association.created,
                        "lastUpdatedTime": association.updated,
                        "resourceRegionScope": "REGIONAL",
                    }
                )
        page, token = _page(found, max_results, next_token)
        return {"resources": page, "nextToken": token}

    def list_principals(
        self,
        resource_owner,
        resource_arn=None,
        principals=None,
        resource_type=None,
        resource_share_arns=None,
        next_token=None,
        max_results=None,
        **unmodelled,
    ) -> dict[str, Any]:
        _check_owner(resource_owner)
        found = []
        for share in self._shares_of(resource_owner, resource_share_arns):
            kinds = {
                RESOURCE_TYPES[LATTICE_ARN.match(a.entity)["kind"]].lower() for a in share.live_associations("RESOURCE")
            }
            if resource_arn and share.association("RESOURCE", resource_arn) is None:
                continue
            if resource_type and resource_type.lower() not in kinds:
                continue
            for association in share.live_associations("PRINCIPAL"):
                if principals and association.entity not in principals:
                    continue
                found.append(
                    {
                        "id": association.entity,
                        "resourceShareArn": share.arn,
                        "creationTime": association.created,
                        "lastUpdatedTime": association.updated,
                        "external": association.external,
                    }
                )
        page, token = _page(found, max_results, next_token)
        return {"principals": page, "nextToken": token}

    def _shares_of(self, resource_owner: str, resource_share_arns: list[str] | None) -> list[ResourceShare]:
        if resource_owner == "SELF":
            shares = [share for share in self.shares.values() if share.status == "ACTIVE"]
        else:
            shares = self.shares_with_me()
        return [share for share in shares if not resource_share_arns or share.arn in resource_share_arns]

    # ---- invitations (the receiver's side) --------------------------------------------------------------------

    def _invitations_to_me(self) -> list[Invitation]:
        return [
            invitation
            for peer in self.peers()
            for invitation in peer.invitations
            if invitation.receiver == self.account_id and invitation.visible
        ]

    def _invitation(self, arn: str) -> Invitation:
        if not ANY_ARN.match(arn or ""):
            raise MalformedArnException(f"The specified invitation ARN {arn} is not valid.")
        invitation = next((i for i in self._invitations_to_me() if i.arn == arn), None)
        if invitation is None:
            raise InvitationNotFound(f"ResourceShareInvitation {arn} could not be found.")
        return invitation

    def get_resource_share_invitations(
        self, resource_share_invitation_arns=None, resource_share_arns=None, next_token=None, max_results=None
    ) -> dict[str, Any]:
        if resource_share_invitation_arns:
            invitations = [self._invitation(arn) for arn in resource_share_invitation_arns]
        else:
            invitations = self._invitations_to_me()
        found = [
            invitation.describe()
            for invitation in invitations
            if not resource_share_arns or invitation.share.arn in resource_share_arns
        ]
        page, token = _page(found, max_results, next_token)
        return {"resourceShareInvitations": page, "nextToken": token}

    def _answer(self, arn: str, accept: bool) -> dict[str, Any]:
        invitation = self._invitation(arn)
        if invitation.status == "ACCEPTED":
            raise InvitationAlreadyAccepted(f"ResourceShareInvitation {arn} has already been accepted.")
        if invitation.status == "REJECTED":
            raise InvitationAlreadyRejected(f"ResourceShareInvitation {arn} has already been rejected.")
        if accept:
            invitation.status = "ACCEPTED"
            invitation.association.accept()
        else:
            invitation.status = "REJECTED"
            invitation.association.end(delay=0)
        return {"resourceShareInvitation": invitation.describe()}

    def accept_resource_share_invitation(self, resource_share_invitation_arn, **unmodelled) -> dict[str, Any]:
        return self._answer(resource_share_invitation_arn, accept=True)

    def reject_resource_share_invitation(self, resource_share_invitation_arn, **unmodelled) -> dict[str, Any]:
        return self._answer(resource_share_invitation_arn, accept=False)

    def list_pending_invitation_resources(
        self, resource_share_invitation_arn, next_token=None, max_results=None, **unmodelled
    ) -> dict[str, Any]:
        invitation = self._invitation(resource_share_invitation_arn)
        if invitation.status == "REJECTED":
            raise InvitationAlreadyRejected(f"ResourceShareInvitation {invitation.arn} has already been rejected.")
        found = [
            {
                "arn": association.entity,
                "type": RESOURCE_TYPES[LATTICE_ARN.match(association.entity)["kind"]],
                "resourceShareArn": invitation.share.arn,
                "status": "AVAILABLE",
                "creationTime": association.created,
                "lastUpdatedTime": association.updated,
                "resourceRegionScope": "REGIONAL",
            }
            for association in invitation.share.live_associations("RESOURCE")
        ]
        page, token = _page(found, max_results, next_token)
        return {"resources": page, "nextToken": token}

    # ---- tags and organization sharing ------------------------------------------------------------------------

    def tag_resource(self, tags, resource_share_arn=None, resource_arn=None) -> dict[str, Any]:
        share = self._share_to_tag(resource_share_arn, resource_arn)
        share.tags.update(_tags_of(tags))
        return {}

    def untag_resource(self, tag_keys, resource_share_arn=None, resource_arn=None) -> dict[str, Any]:
        share = self._share_to_tag(resource_share_arn, resource_arn)
        for key in tag_keys:
            share.tags.pop(key, None)
        return {}

    def _share_to_tag(self, resource_share_arn: str | None, resource_arn: str | None) -> ResourceShare:
        if resource_share_arn is None or resource_arn is not None:
            raise InvalidParameterException("The local endpoint tags resource shares only: give resourceShareArn.")
        return self._live_share(resource_share_arn)

    def enable_sharing_with_aws_organization(self) -> dict[str, Any]:
        from moto.organizations.models import organizations_backends

        backend = organizations_backends[self.account_id][self.partition]
        if backend.org is None:
            raise OperationNotPermittedException(
                "Unable to enable sharing with AWS Organizations: this account is not the management account of "
                "an organization."
            )
        backend.ram_sharing_enabled = True  # kept with the organization: discarded with it on reset
        return {"returnValue": True}


ram_backends = BackendDict(RamBackend, "ram")


# --------------------------------------------------------------------------- HTTP layer


class RamResponse(BaseResponse):
    """Each operation's parameters, validated against botocore's model, go to the backend method of its name.

    A ``clientToken`` makes a mutating call idempotent: the first answer is kept per account, region, operation and
    token; the same request again gets it back, another request IdempotentParameterMismatchException."""

    def __init__(self) -> None:
        super().__init__(service_name="ram")
        self.automated_parameter_parsing = True

    @property
    def backend(self) -> RamBackend:
        return ram_backends[self.current_account][self.region]

    def call_action(self) -> Any:
        from botocore import xform_name

        operation = self._get_action()
        if not operation:
            return super().call_action()
        method = getattr(RamBackend, xform_name(operation), None)
        if method is None:
            message = f"The local AWS endpoint does not implement AWS RAM's {operation}"
            headers = {"status": 501, "x-amzn-ErrorType": "NotImplemented", "Content-Type": "application/json"}
            return 501, headers, json.dumps({"message": message})
        params = dict(self.params)
        try:
            try:
                validate_input(get_service_model("ram").operation_model(operation), params)
            except ValidationException as error:  # RAM answers InvalidParameterException for a bad value
                raise InvalidParameterException(error.message) from None
            result = self._idempotent(operation, params)
        except RamError as error:
            result = ActionResult(error)
        status, headers, body = self.serialized(result)
        headers, body = self._enrich_response(headers, body)
        return status, headers, body

    def _idempotent(self, operation: str, params: dict[str, Any]) -> ActionResult:
        from botocore import xform_name

        token = params.pop("clientToken", None)
        arguments = {xform_name(name): value for name, value in params.items()}
        if token is None:
            return ActionResult(getattr(self.backend, xform_name(operation))(**arguments))
        key = (operation, token)
        fingerprint = json.dumps(params, sort_keys=True, default=str)
        if key in self.backend.client_tokens:
            earlier_fingerprint, answer = self.backend.client_tokens[key]
            if earlier_fingerprint != fingerprint:
                raise IdempotentParameterMismatchException(
                    f"The client token {token} was already used with different parameters."
                )
            return ActionResult(answer)
        answer = {**getattr(self.backend, xform_name(operation))(**arguments), "clientToken": token}
        self.backend.client_tokens[key] = (fingerprint, answer)
        return ActionResult(answer)


# --------------------------------------------------------------------------- for the Lattice backend


def _shares_holding(resource_arn: str) -> list[ResourceShare]:
    match = LATTICE_ARN.match(resource_arn)
    if not match:
        return []
    account_backends = dict.get(ram_backends, match["account"])
    backend = dict.get(account_backends, match["region"]) if account_backends is not None else None
    if backend is None:
        return []
    return [
        share
        for share in backend.shares.values()
        if share.status == "ACTIVE"
        and any(
            association.entity == resource_arn and association.status == "ASSOCIATED"
            for association in share.live_associations("RESOURCE")
        )
    ]


def shared_with(account_id: str, resource_arn: str) -> bool:
    """True when an ACTIVE share of the resource's owner holds the ARN (ASSOCIATED) and has ``account_id`` as an
    ASSOCIATED principal, directly or through its organization or an OU."""
    return any(share.covers(account_id) for share in _shares_holding(resource_arn))


def sharing_accounts_of(resource_arn: str) -> set[str]:
    """Every account an ACTIVE share of the resource's owner gives it to (organizations and OUs expanded)."""
    accounts: set[str] = set()
    for share in _shares_holding(resource_arn):
        for association in share.live_associations("PRINCIPAL"):
            if association.status == "ASSOCIATED":
                accounts |= _accounts_covered(association.entity, share.backend.account_id, share.backend.partition)
    return accounts


def install() -> None:
    """Serve RAM from this backend (moto builds its per-service apps from ``moto.ram.ram_backends``)."""
    import moto.ram

    moto.ram.ram_backends = ram_backends
