"""VPC Lattice across accounts: a service network or service shared through AWS RAM, and the associations other
accounts make with it (docs/local-aws-contract.md, "Cross-account").

Three accounts, as a multi-account mesh has them: the network account owns the service network, the provider
account owns a service, the consumer account owns a VPC. Each gets credentials from STS AssumeRole made with the
default test credentials; the shares are made and accepted through the endpoint's RAM.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from clients import NO_PROXIES, REGION, VALIDATOR
from factory import ACCOUNT, Lattice, call_error, is_not_found, unique

NETWORK_ACCOUNT = ACCOUNT
PROVIDER_ACCOUNT = "222233334444"
CONSUMER_ACCOUNT = "333344445555"


def _session(endpoint_url: str, account_id: str) -> boto3.session.Session:
    sts = boto3.client(
        "sts", endpoint_url=endpoint_url, region_name=REGION, aws_access_key_id="testing",
        aws_secret_access_key="testing", config=Config(proxies=NO_PROXIES),
    )  # fmt: skip
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/lattice-deployer", RoleSessionName=unique("xacct")
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"], region_name=REGION,
    )  # fmt: skip


class Account:
    """Clients of one account; ``make`` builds Lattice resources there (responses validated against the model)."""

    def __init__(self, endpoint_url: str, account_id: str):
        session = _session(endpoint_url, account_id)
        config = Config(proxies=NO_PROXIES, retries={"total_max_attempts": 1, "mode": "standard"})
        self.id = account_id
        self.lattice = session.client("vpc-lattice", endpoint_url=endpoint_url, config=config)
        VALIDATOR.register(self.lattice)
        self.ec2 = session.client("ec2", endpoint_url=endpoint_url, config=config)
        self.ram = session.client("ram", endpoint_url=endpoint_url, config=config)
        self.make = Lattice(self.lattice, self.ec2)

    def share(self, resource_arn: str, *consumers: Account) -> None:
        """Share the resource with each consumer account, which accepts the invitation."""
        self.ram.create_resource_share(
            name=unique("share"), resourceArns=[resource_arn], principals=[consumer.id for consumer in consumers],
            allowExternalPrincipals=True,
        )  # fmt: skip
        for consumer in consumers:
            for invitation in consumer.ram.get_resource_share_invitations()["resourceShareInvitations"]:
                if invitation["status"] == "PENDING":
                    consumer.ram.accept_resource_share_invitation(
                        resourceShareInvitationArn=invitation["resourceShareInvitationArn"]
                    )


@pytest.fixture
def network_account(endpoint_url) -> Account:
    return Account(endpoint_url, NETWORK_ACCOUNT)


@pytest.fixture
def provider(endpoint_url) -> Account:
    return Account(endpoint_url, PROVIDER_ACCOUNT)


@pytest.fixture
def consumer(endpoint_url) -> Account:
    return Account(endpoint_url, CONSUMER_ACCOUNT)


def _error(call, *args, **kwargs) -> tuple[int, str]:
    status, code, dummy = call_error(call, *args, **kwargs)
    return status, code


def _client_error(call, **kwargs) -> ClientError:
    try:
        call(**kwargs)
    except ClientError as error:
        return error
    raise AssertionError(f"{call.__name__} succeeded")


def _ids(items: list[dict]) -> set[str]:
    return {item["id"] for item in items}


def test_accounts_are_distinct(network_account, provider, consumer):
    network = network_account.make.network()
    assert network["arn"].split(":")[4] == NETWORK_ACCOUNT
    assert network["id"] not in _ids(consumer.lattice.list_service_networks()["items"])
    assert provider.make.network()["arn"].split(":")[4] == PROVIDER_ACCOUNT


def test_shared_network_is_listed_and_read_by_arn_only(network_account, consumer):
    shared = network_account.make.network()
    private = network_account.make.network()
    own = consumer.make.network()
    network_account.share(shared["arn"], consumer)

    listed = {item["id"]: item for item in consumer.lattice.list_service_networks()["items"]}
    assert set(listed) == {shared["id"], own["id"]}
    assert listed[shared["id"]]["arn"] == shared["arn"]  # the owner's account in the ARN
    assert consumer.lattice.get_service_network(serviceNetworkIdentifier=shared["arn"])["name"] == shared["name"]
    # "You must use the ARN if the resources specified in the operation are in different accounts."
    assert is_not_found(_client_error(consumer.lattice.get_service_network, serviceNetworkIdentifier=shared["id"]))
    assert _error(consumer.lattice.get_service_network, serviceNetworkIdentifier=private["arn"]) == (
        403, "AccessDeniedException",
    )  # fmt: skip
    # The owner's own view is unchanged.
    assert _ids(network_account.lattice.list_service_networks()["items"]) == {shared["id"], private["id"]}


def test_only_the_owner_changes_a_shared_network(network_account, consumer):
    network = network_account.make.network()
    network_account.share(network["arn"], consumer)
    arn = network["arn"]
    denied = (403, "AccessDeniedException")
    assert _error(consumer.lattice.update_service_network, serviceNetworkIdentifier=arn, authType="AWS_IAM") == denied
    assert _error(consumer.lattice.delete_service_network, serviceNetworkIdentifier=arn) == denied
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}],
        }
    )
    assert _error(consumer.lattice.put_auth_policy, resourceIdentifier=arn, policy=policy) == denied
    assert _error(consumer.lattice.get_auth_policy, resourceIdentifier=arn) == denied
    # Tags are the owner's: a consumer can neither read nor set them.
    assert _error(consumer.lattice.list_tags_for_resource, resourceArn=arn) == denied
    assert _error(consumer.lattice.tag_resource, resourceArn=arn, tags={"k": "v"}) == denied
    assert network_account.lattice.get_service_network(serviceNetworkIdentifier=arn)["authType"] == "NONE"


def test_consumer_associates_its_vpc_with_a_shared_network(network_account, consumer):
    network = network_account.make.network()
    vpc_id = consumer.make.vpc()
    denied = _error(
        consumer.lattice.create_service_network_vpc_association,
        serviceNetworkIdentifier=network["arn"], vpcIdentifier=vpc_id,
    )  # fmt: skip
    assert denied == (403, "AccessDeniedException")  # not shared yet

    network_account.share(network["arn"], consumer)
    created = consumer.make.sn_vpc(network["arn"], vpc_id, tags={"team": "consumer"})
    assert created["arn"].split(":")[4] == CONSUMER_ACCOUNT
    association = consumer.lattice.get_service_network_vpc_association(
        serviceNetworkVpcAssociationIdentifier=created["id"]
    )
    assert association["createdBy"] == CONSUMER_ACCOUNT
    assert association["serviceNetworkArn"] == network["arn"]
    # The association is the consumer's: its tags are readable there.
    assert consumer.lattice.list_tags_for_resource(resourceArn=created["arn"])["tags"] == {"team": "consumer"}

    # The consumer lists its associations with the network by the network's ARN; an ID of another account's
    # network names nothing.
    by_arn = consumer.lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=network["arn"])
    assert _ids(by_arn["items"]) == {created["id"]}
    by_id = consumer.lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=network["id"])
    assert by_id["items"] == []

    # The owner sees it among its network's associations, counted on the network, and cannot delete the network.
    owner_view = network_account.lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=network["id"])
    assert [(item["id"], item["createdBy"], item["vpcId"]) for item in owner_view["items"]] == [
        (created["id"], CONSUMER_ACCOUNT, vpc_id)
    ]
    assert (
        network_account.lattice.get_service_network(serviceNetworkIdentifier=network["id"])["numberOfAssociatedVPCs"]
        == 1
    )
    assert _error(network_account.lattice.delete_service_network, serviceNetworkIdentifier=network["id"]) == (
        409, "ConflictException",
    )  # fmt: skip
    # ... nor change it (its security groups are the consumer's), but it can read and delete it.
    assert _error(
        network_account.lattice.update_service_network_vpc_association,
        serviceNetworkVpcAssociationIdentifier=created["arn"], securityGroupIds=["sg-12345678"],
    ) == (403, "AccessDeniedException")  # fmt: skip
    owner_read = network_account.lattice.get_service_network_vpc_association(
        serviceNetworkVpcAssociationIdentifier=created["arn"]
    )
    assert owner_read["vpcId"] == vpc_id
    network_account.lattice.delete_service_network_vpc_association(
        serviceNetworkVpcAssociationIdentifier=created["arn"]
    )
    consumer.make.wait_for(
        lambda: consumer.lattice.get_service_network_vpc_association(
            serviceNetworkVpcAssociationIdentifier=created["id"]
        ),
        is_not_found,
    )
    network_account.lattice.delete_service_network(serviceNetworkIdentifier=network["id"])


def test_owner_cannot_touch_a_vpc_association_of_another_network(network_account, consumer):
    network = consumer.make.network()
    created = consumer.make.sn_vpc(network["id"])
    denied = (403, "AccessDeniedException")
    read = network_account.lattice.get_service_network_vpc_association
    assert _error(read, serviceNetworkVpcAssociationIdentifier=created["arn"]) == denied
    assert (
        network_account.lattice.list_service_network_vpc_associations(serviceNetworkIdentifier=network["arn"])["items"]
        == []
    )


def test_provider_associates_its_service_with_a_shared_network(network_account, provider, consumer):
    network = network_account.make.network()
    service = provider.make.service()
    assert _error(provider.make.sn_service, network["arn"], service["id"]) == (403, "AccessDeniedException")
    network_account.share(network["arn"], provider, consumer)

    created = provider.make.sn_service(network["arn"], service["id"])
    assert created["arn"].split(":")[4] == PROVIDER_ACCOUNT
    owner_view = network_account.lattice.list_service_network_service_associations(
        serviceNetworkIdentifier=network["arn"]
    )["items"]
    assert [(item["id"], item["createdBy"], item["serviceArn"]) for item in owner_view] == [
        (created["id"], PROVIDER_ACCOUNT, service["arn"])
    ]
    provider_view = provider.lattice.list_service_network_service_associations(serviceIdentifier=service["id"])
    assert _ids(provider_view["items"]) == {created["id"]}
    # The consumer, which shares the network too, does not see the provider's association.
    consumer_view = consumer.lattice.list_service_network_service_associations(serviceNetworkIdentifier=network["arn"])
    assert consumer_view["items"] == []
    # Only the owner of either side may delete it; the service cannot go while it is associated.
    assert _error(
        consumer.lattice.delete_service_network_service_association,
        serviceNetworkServiceAssociationIdentifier=created["arn"],
    ) == (403, "AccessDeniedException")  # fmt: skip
    assert _error(provider.lattice.delete_service, serviceIdentifier=service["id"]) == (409, "ConflictException")
    assert _error(network_account.lattice.delete_service_network, serviceNetworkIdentifier=network["id"]) == (
        409, "ConflictException",
    )  # fmt: skip
    provider.lattice.delete_service_network_service_association(
        serviceNetworkServiceAssociationIdentifier=created["id"]
    )
    network_account.make.wait_for(
        lambda: network_account.lattice.list_service_network_service_associations(
            serviceNetworkIdentifier=network["id"]
        )["items"],
        lambda items: items == [],
    )
    network_account.lattice.delete_service_network(serviceNetworkIdentifier=network["id"])


def test_network_owner_associates_a_service_shared_with_it(network_account, provider):
    network = network_account.make.network()
    service = provider.make.service()
    provider.share(service["arn"], network_account)
    assert service["id"] in _ids(network_account.lattice.list_services()["items"])
    assert network_account.lattice.get_service(serviceIdentifier=service["arn"])["name"] == service["name"]
    created = network_account.make.sn_service(network["id"], service["arn"])
    assert created["arn"].split(":")[4] == NETWORK_ACCOUNT
    provider_view = provider.lattice.list_service_network_service_associations(serviceIdentifier=service["arn"])
    assert [item["createdBy"] for item in provider_view["items"]] == [NETWORK_ACCOUNT]
    # A shared service is still the provider's: no listener can be added to it from the network account.
    assert _error(
        network_account.lattice.create_listener, serviceIdentifier=service["arn"], name="web", protocol="HTTP",
        defaultAction={"fixedResponse": {"statusCode": 404}},
    ) == (403, "AccessDeniedException")  # fmt: skip


def test_an_association_joins_a_resource_of_the_caller(network_account, provider, consumer):
    network = network_account.make.network()
    service = provider.make.service()
    network_account.share(network["arn"], consumer)
    provider.share(service["arn"], consumer)
    assert _error(consumer.make.sn_service, network["arn"], service["arn"]) == (403, "AccessDeniedException")


def test_auth_policies_name_principals_of_other_accounts(network_account, provider):
    network = network_account.make.network(authType="AWS_IAM")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
        "Principal": {"AWS": [f"arn:aws:iam::{CONSUMER_ACCOUNT}:root", f"arn:aws:iam::{PROVIDER_ACCOUNT}:role/app"]},
    }]}, separators=(",", ":"))  # fmt: skip
    network_account.lattice.put_auth_policy(resourceIdentifier=network["arn"], policy=policy)
    assert network_account.lattice.get_auth_policy(resourceIdentifier=network["id"])["policy"] == policy
    service = provider.make.service(authType="AWS_IAM")
    provider.lattice.put_auth_policy(resourceIdentifier=service["arn"], policy=policy)
    assert provider.lattice.get_auth_policy(resourceIdentifier=service["arn"])["state"] == "Active"


def test_lists_merging_accounts_page_in_creation_order(network_account, consumer):
    own_before = consumer.make.network()
    shared = [network_account.make.network() for dummy in range(3)]
    own_after = consumer.make.network()
    for network in shared:
        network_account.share(network["arn"], consumer)
    seen, token = [], None
    while True:
        page = consumer.lattice.list_service_networks(maxResults=2, **({"nextToken": token} if token else {}))
        seen += [item["id"] for item in page["items"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == [own_before["id"]] + [network["id"] for network in shared] + [own_after["id"]]
