"""AWS RAM on the local endpoint (tools/local_aws/ram_fidelity.py): VPC Lattice resources shared between accounts,
invitations for accounts outside the sharer's organization, organization sharing, clientToken idempotency, and the
``shared_with`` answer the Lattice backend relies on. Every RAM response is checked against botocore's model."""

from __future__ import annotations

import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from clients import NO_PROXIES, REGION, make_client
from shapes import ResponseValidator

OWNER = "123456789012"
CONSUMER = "222222222222"
OTHER = "333333333333"
RAM_VALIDATOR = ResponseValidator()


def _error_code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def account_client(endpoint_url):
    """account_client(account, service): a client whose credentials STS maps to ``account`` (per test: a reset
    forgets the credentials STS issued)."""
    sts = make_client(endpoint_url, "sts")
    clients = {}

    def client(account: str, service: str = "ram"):
        if (account, service) not in clients and account == OWNER:
            # The default test credentials belong to OWNER: no STS call, no IAM backend built for it.
            clients[account, service] = make_client(endpoint_url, service, retries=0, validate_responses=False)
            if service == "ram":
                RAM_VALIDATOR.register(clients[account, service])
        if (account, service) not in clients:
            credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/ram-test", RoleSessionName="ram-test")[
                "Credentials"
            ]
            made = boto3.session.Session().client(
                service,
                endpoint_url=endpoint_url,
                region_name=REGION,
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
                config=Config(proxies=NO_PROXIES, retries={"total_max_attempts": 1}),
            )
            if service == "ram":
                RAM_VALIDATOR.register(made)
            clients[account, service] = made
        return clients[account, service]

    return client


@pytest.fixture
def ram(account_client):
    return account_client(OWNER)


@pytest.fixture
def consumer(account_client):
    return account_client(CONSUMER)


@pytest.fixture
def network(account_client) -> dict:
    return account_client(OWNER, "vpc-lattice").create_service_network(name="shared-net")


def _principal_status(ram, share_arn: str, principal: str) -> list[str]:
    associations = ram.get_resource_share_associations(
        associationType="PRINCIPAL", resourceShareArns=[share_arn], principal=principal
    )["resourceShareAssociations"]
    return [association["status"] for association in associations]


def _share(ram, network, **request) -> dict:
    return ram.create_resource_share(name="mesh", resourceArns=[network["arn"]], **request)["resourceShare"]


# --------------------------------------------------------------------------- external accounts: invitations


def test_external_account_gets_an_invitation_and_sees_the_share_once_it_accepts(ram, consumer, network):
    share = _share(ram, network, principals=[CONSUMER])
    assert share["status"] == "ACTIVE" and share["allowExternalPrincipals"] is True
    [association] = ram.get_resource_share_associations(associationType="PRINCIPAL")["resourceShareAssociations"]
    assert (association["status"], association["external"]) == ("ASSOCIATING", True)

    [invitation] = consumer.get_resource_share_invitations()["resourceShareInvitations"]
    assert (invitation["status"], invitation["senderAccountId"], invitation["receiverAccountId"]) == (
        "PENDING",
        OWNER,
        CONSUMER,
    )
    assert invitation["resourceShareArn"] == share["resourceShareArn"]
    assert ram.get_resource_share_invitations()["resourceShareInvitations"] == []  # only the receiver sees it
    pending = consumer.list_pending_invitation_resources(
        resourceShareInvitationArn=invitation["resourceShareInvitationArn"]
    )["resources"]
    assert [(item["arn"], item["type"]) for item in pending] == [(network["arn"], "vpc-lattice:ServiceNetwork")]
    assert consumer.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []

    accepted = consumer.accept_resource_share_invitation(
        resourceShareInvitationArn=invitation["resourceShareInvitationArn"]
    )["resourceShareInvitation"]
    assert accepted["status"] == "ACCEPTED"
    assert _principal_status(ram, share["resourceShareArn"], CONSUMER) == ["ASSOCIATED"]
    [seen] = consumer.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]
    assert (seen["resourceShareArn"], seen["owningAccountId"]) == (share["resourceShareArn"], OWNER)
    resources = consumer.list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"]
    assert [item["arn"] for item in resources] == [network["arn"]]
    assert consumer.get_resource_shares(resourceOwner="SELF")["resourceShares"] == []

    with pytest.raises(ClientError) as excinfo:
        consumer.accept_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
    assert _error_code(excinfo) == "ResourceShareInvitationAlreadyAcceptedException"


def test_rejected_invitation_ends_the_principal_association(ram, consumer, network):
    share = _share(ram, network, principals=[CONSUMER])
    [invitation] = consumer.get_resource_share_invitations(resourceShareArns=[share["resourceShareArn"]])[
        "resourceShareInvitations"
    ]
    rejected = consumer.reject_resource_share_invitation(
        resourceShareInvitationArn=invitation["resourceShareInvitationArn"]
    )["resourceShareInvitation"]
    assert rejected["status"] == "REJECTED"
    assert _principal_status(ram, share["resourceShareArn"], CONSUMER) == ["DISASSOCIATED"]
    assert consumer.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []
    with pytest.raises(ClientError) as excinfo:
        consumer.accept_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
    assert _error_code(excinfo) == "ResourceShareInvitationAlreadyRejectedException"


def test_another_accounts_invitation_is_not_found(ram, account_client, network):
    _share(ram, network, principals=[CONSUMER])
    [invitation] = account_client(CONSUMER).get_resource_share_invitations()["resourceShareInvitations"]
    with pytest.raises(ClientError) as excinfo:
        account_client(OTHER).accept_resource_share_invitation(
            resourceShareInvitationArn=invitation["resourceShareInvitationArn"]
        )
    assert _error_code(excinfo) == "ResourceShareInvitationArnNotFoundException"


def test_external_principal_refused_when_the_share_does_not_allow_them(ram, network):
    with pytest.raises(ClientError) as excinfo:
        _share(ram, network, principals=[CONSUMER], allowExternalPrincipals=False)
    assert _error_code(excinfo) == "OperationNotPermittedException"
    assert ram.get_resource_shares(resourceOwner="SELF")["resourceShares"] == []  # nothing half-made


# --------------------------------------------------------------------------- what can be shared


def test_only_existing_resources_of_the_caller_can_be_shared(ram, account_client, network):
    missing = network["arn"].rsplit("/", 1)[0] + "/sn-0123456789abcdef0"
    with pytest.raises(ClientError) as excinfo:
        ram.create_resource_share(name="mesh", resourceArns=[missing])
    assert _error_code(excinfo) == "UnknownResourceException"
    with pytest.raises(ClientError) as excinfo:  # owned by another account
        account_client(CONSUMER).create_resource_share(name="mesh", resourceArns=[network["arn"]])
    assert _error_code(excinfo) == "UnknownResourceException"
    with pytest.raises(ClientError) as excinfo:
        ram.create_resource_share(name="mesh", resourceArns=["not-an-arn"])
    assert _error_code(excinfo) == "MalformedArnException"
    with pytest.raises(ClientError) as excinfo:
        _share(ram, network, principals=["alice"])
    assert _error_code(excinfo) == "InvalidParameterException"


def test_services_are_shared_too(ram, account_client):
    service = account_client(OWNER, "vpc-lattice").create_service(name="orders")
    share = ram.create_resource_share(name="svc", resourceArns=[service["arn"]])["resourceShare"]
    [resource] = ram.list_resources(resourceOwner="SELF", resourceShareArns=[share["resourceShareArn"]])["resources"]
    assert (resource["arn"], resource["type"], resource["status"]) == (
        service["arn"],
        "vpc-lattice:Service",
        "AVAILABLE",
    )


def test_request_validated_against_the_model(endpoint_url):
    raw = make_client(endpoint_url, "ram", validate_params=False)
    with pytest.raises(ClientError) as excinfo:
        raw.get_resource_shares(resourceOwner="EVERYONE")
    assert _error_code(excinfo) == "InvalidParameterException"
    assert "resourceOwner" in str(excinfo.value)


# --------------------------------------------------------------------------- organizations


@pytest.fixture
def organization(account_client) -> dict:
    """An organization managed by OWNER with one member account (moto picks its ID)."""
    organizations = account_client(OWNER, "organizations")
    org = organizations.create_organization(FeatureSet="ALL")["Organization"]
    member = organizations.create_account(AccountName="member", Email="member@example.com")
    member_id = member["CreateAccountStatus"]["AccountId"]
    root = organizations.list_roots()["Roots"][0]
    unit = organizations.create_organizational_unit(ParentId=root["Id"], Name="apps")["OrganizationalUnit"]
    organizations.move_account(AccountId=member_id, SourceParentId=root["Id"], DestinationParentId=unit["Id"])
    return {"arn": org["Arn"], "member": member_id, "ou_arn": unit["Arn"]}


def test_organization_principals_need_sharing_enabled(ram, network, organization):
    with pytest.raises(ClientError) as excinfo:
        _share(ram, network, principals=[organization["arn"]])
    assert _error_code(excinfo) == "OperationNotPermittedException"
    # Before sharing is enabled, a member account is an external principal: it gets an invitation.
    share = _share(ram, network, principals=[organization["member"]])
    assert _principal_status(ram, share["resourceShareArn"], organization["member"]) == ["ASSOCIATING"]


def test_organization_members_are_associated_at_once_without_invitation(ram, account_client, network, organization):
    assert ram.enable_sharing_with_aws_organization()["returnValue"] is True
    share = _share(
        ram, network, principals=[organization["member"], organization["ou_arn"]], allowExternalPrincipals=False
    )
    associations = ram.get_resource_share_associations(associationType="PRINCIPAL")["resourceShareAssociations"]
    assert {(a["associatedEntity"], a["status"], a["external"]) for a in associations} == {
        (organization["member"], "ASSOCIATED", False),
        (organization["ou_arn"], "ASSOCIATED", False),
    }
    member = account_client(organization["member"])
    assert member.get_resource_share_invitations()["resourceShareInvitations"] == []
    [seen] = member.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]
    assert seen["resourceShareArn"] == share["resourceShareArn"]


def test_whole_organization_as_principal(ram, account_client, network, organization):
    ram.enable_sharing_with_aws_organization()
    _share(ram, network, principals=[organization["arn"]])
    member = account_client(organization["member"])
    assert [r["arn"] for r in member.list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"]] == [network["arn"]]
    assert account_client(OTHER).list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"] == []


def test_unknown_organization_and_non_manager_enabling(ram, account_client, network, organization):
    ram.enable_sharing_with_aws_organization()
    with pytest.raises(ClientError) as excinfo:
        _share(ram, network, principals=[f"arn:aws:organizations::{OWNER}:organization/o-zzzzzzzzzz"])
    assert _error_code(excinfo) == "UnknownResourceException"
    with pytest.raises(ClientError) as excinfo:
        account_client(OTHER).enable_sharing_with_aws_organization()
    assert _error_code(excinfo) == "OperationNotPermittedException"


# --------------------------------------------------------------------------- lifecycle of a share


def test_client_token_makes_create_idempotent(ram, network):
    first = _share(ram, network, clientToken="token-1")
    again = ram.create_resource_share(name="mesh", resourceArns=[network["arn"]], clientToken="token-1")
    assert again["resourceShare"]["resourceShareArn"] == first["resourceShareArn"]
    assert again["clientToken"] == "token-1"
    assert len(ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]) == 1
    with pytest.raises(ClientError) as excinfo:
        ram.create_resource_share(name="other", resourceArns=[network["arn"]], clientToken="token-1")
    assert _error_code(excinfo) == "IdempotentParameterMismatchException"


def test_associate_disassociate_update_tag_and_delete(ram, consumer, account_client, network):
    share = _share(ram, network, tags=[{"key": "team", "value": "net"}])
    arn = share["resourceShareArn"]
    service = account_client(OWNER, "vpc-lattice").create_service(name="billing")
    added = ram.associate_resource_share(resourceShareArn=arn, resourceArns=[service["arn"]], principals=[CONSUMER])[
        "resourceShareAssociations"
    ]
    assert {a["associatedEntity"] for a in added} == {service["arn"], CONSUMER}
    removed = ram.disassociate_resource_share(resourceShareArn=arn, resourceArns=[service["arn"]])
    assert [a["associatedEntity"] for a in removed["resourceShareAssociations"]] == [service["arn"]]
    resources = ram.get_resource_share_associations(associationType="RESOURCE", resourceShareArns=[arn])
    assert {(a["associatedEntity"], a["status"]) for a in resources["resourceShareAssociations"]} == {
        (network["arn"], "ASSOCIATED"),
        (service["arn"], "DISASSOCIATED"),
    }
    with pytest.raises(ClientError) as excinfo:
        ram.disassociate_resource_share(resourceShareArn=arn, resourceArns=[service["arn"]])
    assert _error_code(excinfo) == "UnknownResourceException"

    updated = ram.update_resource_share(resourceShareArn=arn, name="mesh-2")["resourceShare"]
    assert (updated["name"], updated["allowExternalPrincipals"]) == ("mesh-2", True)  # unset stays
    ram.tag_resource(resourceShareArn=arn, tags=[{"key": "env", "value": "dev"}])
    ram.untag_resource(resourceShareArn=arn, tagKeys=["team"])
    found = ram.get_resource_shares(resourceOwner="SELF", tagFilters=[{"tagKey": "env", "tagValues": ["dev"]}])
    assert [s["tags"] for s in found["resourceShares"]] == [[{"key": "env", "value": "dev"}]]
    assert ram.get_resource_shares(resourceOwner="SELF", name="mesh")["resourceShares"] == []

    assert ram.delete_resource_share(resourceShareArn=arn)["returnValue"] is True
    [deleted] = ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert deleted["status"] == "DELETED"  # AWS keeps listing deleted shares
    assert ram.get_resource_shares(resourceOwner="SELF", resourceShareStatus="ACTIVE")["resourceShares"] == []
    assert consumer.get_resource_share_invitations()["resourceShareInvitations"] == []
    with pytest.raises(ClientError) as excinfo:
        ram.delete_resource_share(resourceShareArn=arn)
    assert _error_code(excinfo) == "InvalidStateTransitionException"


def test_unknown_share(ram):
    with pytest.raises(ClientError) as excinfo:
        ram.update_resource_share(resourceShareArn=f"arn:aws:ram:{REGION}:{OWNER}:resource-share/nope", name="x")
    assert _error_code(excinfo) == "UnknownResourceException"


def test_pagination(ram, network):
    for index in range(3):
        ram.create_resource_share(name=f"share-{index}", resourceArns=[network["arn"]])
    first = ram.get_resource_shares(resourceOwner="SELF", maxResults=2)
    rest = ram.get_resource_shares(resourceOwner="SELF", maxResults=2, nextToken=first["nextToken"])
    assert len(first["resourceShares"]) == 2 and len(rest["resourceShares"]) == 1 and "nextToken" not in rest
    with pytest.raises(ClientError) as excinfo:
        ram.get_resource_shares(resourceOwner="SELF", nextToken="garbage!")
    assert _error_code(excinfo) == "InvalidNextTokenException"


def test_associations_take_time_under_the_realistic_profile(endpoint, ram, consumer, network):
    endpoint.set_config(profile="realistic", transition_seconds=0.6)
    share = _share(ram, network, principals=[CONSUMER])
    resources = ram.get_resource_share_associations(associationType="RESOURCE")["resourceShareAssociations"]
    assert [a["status"] for a in resources] == ["ASSOCIATING"]
    [invitation] = consumer.get_resource_share_invitations()["resourceShareInvitations"]
    consumer.accept_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
    assert _principal_status(ram, share["resourceShareArn"], CONSUMER) == ["ASSOCIATING"]
    time.sleep(0.7)
    assert _principal_status(ram, share["resourceShareArn"], CONSUMER) == ["ASSOCIATED"]
    ram.disassociate_resource_share(resourceShareArn=share["resourceShareArn"], principals=[CONSUMER])
    assert _principal_status(ram, share["resourceShareArn"], CONSUMER) == ["DISASSOCIATING"]


def test_ram_responses_were_validated():
    """Every operation the tests above called returned a response valid under botocore's model."""
    expected = {
        "CreateResourceShare",
        "GetResourceShares",
        "GetResourceShareAssociations",
        "GetResourceShareInvitations",
        "AcceptResourceShareInvitation",
        "RejectResourceShareInvitation",
        "ListPendingInvitationResources",
        "ListResources",
        "AssociateResourceShare",
        "DisassociateResourceShare",
        "UpdateResourceShare",
        "DeleteResourceShare",
        "TagResource",
        "UntagResource",
        "EnableSharingWithAwsOrganization",
    }
    assert expected <= set(RAM_VALIDATOR.validated)


# --------------------------------------------------------------------------- shared_with (in process)


@pytest.mark.no_endpoint
def test_shared_with_follows_principal_associations():
    """The function the Lattice backend calls, on backends built in this process."""
    from local_aws import ram_fidelity
    from local_aws.lattice import lattice_backends

    owner, consumer_account = "444444444444", "555555555555"
    network = lattice_backends[owner][REGION].create_service_network(name="in-process")
    backend = ram_fidelity.ram_backends[owner][REGION]
    consumer_backend = ram_fidelity.ram_backends[consumer_account][REGION]
    try:
        share = backend.create_resource_share(name="p", resource_arns=[network.arn], principals=[consumer_account])[
            "resourceShare"
        ]
        assert not ram_fidelity.shared_with(consumer_account, network.arn)  # invitation pending
        [invitation] = consumer_backend.get_resource_share_invitations()["resourceShareInvitations"]
        consumer_backend.accept_resource_share_invitation(invitation["resourceShareInvitationArn"])
        assert ram_fidelity.shared_with(consumer_account, network.arn)
        assert not ram_fidelity.shared_with("666666666666", network.arn)
        assert ram_fidelity.sharing_accounts_of(network.arn) == {consumer_account}
        backend.delete_resource_share(share["resourceShareArn"])
        assert not ram_fidelity.shared_with(consumer_account, network.arn)
        assert ram_fidelity.sharing_accounts_of(network.arn) == set()
    finally:
        for backends in (lattice_backends, ram_fidelity.ram_backends):
            backends.pop(owner, None)
            backends.pop(consumer_account, None)
