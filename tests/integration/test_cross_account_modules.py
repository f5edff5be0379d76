"""Our association, info and auth policy modules used from three accounts, proven at the endpoint.

The network account owns a service network and shares it through AWS RAM with a provider account (which associates
its service) and a consumer account (which associates its VPC). Each account runs its own play with credentials
from STS AssumeRole given as module parameters (access_key/secret_key/session_token; the secrets are no_log
parameters of every amazon.aws-style module). The request log, which records the account of every request, shows
what each account changed: check mode and repeated runs change nothing.
"""

import json

import boto3
import pytest
from lattice_playbooks import REGION, task

pytestmark = pytest.mark.slow

NETWORK_ACCOUNT = "123456789012"
PROVIDER_ACCOUNT = "222233334444"
CONSUMER_ACCOUNT = "333344445555"
VPC_MODULE = "lattice.mesh.service_network_vpc_association"
SERVICE_MODULE = "lattice.mesh.service_network_service_association"
INFO_MODULE = "lattice.mesh.service_network_info"
AUTH_POLICY_MODULE = "lattice.mesh.auth_policy"


def assume(endpoint_url, account_id, session_name):
    """Credentials of ``account_id`` from STS AssumeRole made with the default test credentials."""
    sts = boto3.client(
        "sts",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/lattice-deployer", RoleSessionName=session_name
    )["Credentials"]
    return {
        "access_key": credentials["AccessKeyId"],
        "secret_key": credentials["SecretAccessKey"],
        "session_token": credentials["SessionToken"],
    }


class Account:
    def __init__(self, endpoint_url, account_id, session_name):
        self.id = account_id
        self.credentials = assume(endpoint_url, account_id, session_name)
        self.session = boto3.session.Session(
            aws_access_key_id=self.credentials["access_key"],
            aws_secret_access_key=self.credentials["secret_key"],
            aws_session_token=self.credentials["session_token"],
            region_name=REGION,
        )
        self.endpoint_url = endpoint_url

    def client(self, service):
        return self.session.client(service, endpoint_url=self.endpoint_url)

    def play(self, *tasks):
        """A play whose Lattice modules act as this account."""
        return {
            "name": f"account {self.id}",
            "hosts": "localhost",
            "gather_facts": False,
            "module_defaults": {
                "group/lattice.mesh.lattice": dict(
                    self.credentials, region="{{ aws_region }}", endpoint_url="{{ aws_endpoint_url }}"
                )
            },
            "tasks": list(tasks),
        }

    def share(self, resource_arn, *consumers):
        """Share through the endpoint's RAM; each consumer accepts the invitation."""
        self.client("ram").create_resource_share(
            name=f"share-{resource_arn.rsplit('/', 1)[-1]}",
            resourceArns=[resource_arn],
            principals=[consumer.id for consumer in consumers],
            allowExternalPrincipals=True,
        )
        for consumer in consumers:
            ram = consumer.client("ram")
            for invitation in ram.get_resource_share_invitations()["resourceShareInvitations"]:
                if invitation["status"] == "PENDING":
                    ram.accept_resource_share_invitation(
                        resourceShareInvitationArn=invitation["resourceShareInvitationArn"]
                    )


@pytest.fixture
def accounts(local_aws, playbook):
    return {
        name: Account(local_aws.url, account_id, f"{playbook.prefix}-{name}")
        for name, account_id in (
            ("network", NETWORK_ACCOUNT),
            ("provider", PROVIDER_ACCOUNT),
            ("consumer", CONSUMER_ACCOUNT),
        )
    }


def mutating_by_account(local_aws):
    """``{account: [operation (status), ...]}`` of the Lattice requests that change something."""
    changes = {}
    for entry in local_aws.requests():
        if entry.get("mutating"):
            changes.setdefault(entry["account"], []).append(f"{entry['operation']} ({entry['status']})")
    return changes


def results_of(run):
    """``{task name: result}`` over every play (each account's play runs on localhost)."""
    return run.task_results()


def make_mesh(accounts, prefix):
    """The network account's network, shared with the provider and the consumer; the provider's service; the
    consumer's VPC. Made with boto3 in each account: the modules under test only associate them."""
    lattice = accounts["network"].client("vpc-lattice")
    network = lattice.create_service_network(name=f"{prefix}-mesh", authType="AWS_IAM")
    accounts["network"].share(network["arn"], accounts["provider"], accounts["consumer"])
    service = accounts["provider"].client("vpc-lattice").create_service(name=f"{prefix}-orders")
    ec2 = accounts["consumer"].client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    group_id = ec2.create_security_group(GroupName=f"{prefix}-clients", Description="clients", VpcId=vpc_id)["GroupId"]
    return network, service, vpc_id, group_id


def test_provider_and_consumer_associate_with_a_shared_network(playbook, local_aws, accounts):
    network, service, vpc_id, group_id = make_mesh(accounts, playbook.prefix)
    vpc_args = {
        "service_network": network["arn"],
        "vpc_id": vpc_id,
        "security_group_ids": [group_id],
        "tags": {"team": "clients"},
    }
    service_args = {"service_network": network["arn"], "service": service["name"], "tags": {"team": "orders"}}
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:aws:iam::{CONSUMER_ACCOUNT}:root"]},
                "Action": "vpc-lattice-svcs:Invoke",
                "Resource": "*",
            }
        ],
    }
    policy_args = {"resource": network["arn"], "policy": policy}

    def associate(check_mode=False, suffix=""):
        return [
            accounts["consumer"].play(task(f"vpc{suffix}", vpc_args, check_mode=check_mode, module=VPC_MODULE)),
            accounts["provider"].play(
                task(f"service{suffix}", service_args, check_mode=check_mode, module=SERVICE_MODULE)
            ),
            accounts["network"].play(
                task(f"policy{suffix}", policy_args, check_mode=check_mode, module=AUTH_POLICY_MODULE)
            ),
        ]

    local_aws.clear_requests()
    checked = playbook(associate(check_mode=True), json_output=True)
    assert checked.returncode == 0, checked.explain()
    assert mutating_by_account(local_aws) == {}
    assert all(result["changed"] for result in results_of(checked).values())

    local_aws.clear_requests()
    created = playbook(associate(), json_output=True)
    assert created.returncode == 0, created.explain()
    assert mutating_by_account(local_aws) == {
        CONSUMER_ACCOUNT: ["CreateServiceNetworkVpcAssociation (200)"],
        PROVIDER_ACCOUNT: ["CreateServiceNetworkServiceAssociation (200)"],
        NETWORK_ACCOUNT: ["PutAuthPolicy (200)"],
    }
    results = results_of(created)
    vpc_association = results["vpc"]["association"]
    assert vpc_association["status"] == "ACTIVE"
    assert vpc_association["arn"].split(":")[4] == CONSUMER_ACCOUNT
    assert vpc_association["service_network_arn"] == network["arn"]
    assert vpc_association["tags"] == {"team": "clients"}
    service_association = results["service"]["association"]
    assert service_association["created_by"] == PROVIDER_ACCOUNT and service_association["status"] == "ACTIVE"
    assert results["policy"]["auth_policy"]["policy"] == policy
    assert results["policy"]["auth_policy"]["resource_arn"] == network["arn"]

    local_aws.clear_requests()
    repeated = playbook(associate(suffix=" again") + associate(check_mode=True, suffix=" checked"), json_output=True)
    assert repeated.returncode == 0, repeated.explain()
    assert local_aws.requests(), "the repeat reached no endpoint"
    assert mutating_by_account(local_aws) == {}
    assert not any(result["changed"] for result in results_of(repeated).values()), results_of(repeated)

    # What each account sees: the owner its network and the associations other accounts made with it; the
    # consumer the shared network (owned by the network account, its tags the owner's) and its own.
    accounts["consumer"].client("vpc-lattice").create_service_network(name=f"{playbook.prefix}-local")
    local_aws.clear_requests()
    seen = playbook(
        [
            accounts["consumer"].play(
                task("consumer networks", {}, module=INFO_MODULE),
                task(
                    "by the shared network's name", dict(vpc_args, service_network=network["name"]), module=VPC_MODULE
                ),
            ),
            accounts["network"].play(
                task("owner networks", {}, module=INFO_MODULE),
                task("delete the network", {"name": network["arn"], "state": "absent"}, ignore_errors=True),
            ),
        ],
        json_output=True,
    )
    assert seen.returncode == 0, seen.explain()
    results = results_of(seen)
    consumer_view = {item["name"]: item for item in results["consumer networks"]["service_networks"]}
    assert set(consumer_view) == {network["name"], f"{playbook.prefix}-local"}
    assert consumer_view[network["name"]]["owner_account"] == NETWORK_ACCOUNT
    assert consumer_view[network["name"]]["arn"] == network["arn"]
    assert consumer_view[network["name"]]["number_of_associated_vpcs"] == 1
    assert "tags" not in consumer_view[network["name"]]
    assert consumer_view[f"{playbook.prefix}-local"]["owner_account"] == CONSUMER_ACCOUNT
    assert consumer_view[f"{playbook.prefix}-local"]["tags"] == {}
    [owner_view] = results["owner networks"]["service_networks"]
    assert owner_view["owner_account"] == NETWORK_ACCOUNT and owner_view["tags"] == {}
    assert owner_view["number_of_associated_services"] == 1
    # The consumer may name the shared network by its name while no other network it sees has that name.
    assert results["by the shared network's name"]["changed"] is False
    # The owner cannot delete a network other accounts' associations hold, and is told which.
    refused = results["delete the network"]
    assert refused["failed"] is True
    assert vpc_id in refused["msg"] and service["name"] in refused["msg"], refused["msg"]
    assert mutating_by_account(local_aws) == {NETWORK_ACCOUNT: ["DeleteServiceNetwork (409)"]}


def test_a_name_shared_by_two_visible_networks_is_refused(playbook, local_aws, accounts):
    network, dummy, vpc_id, group_id = make_mesh(accounts, playbook.prefix)
    accounts["consumer"].client("vpc-lattice").create_service_network(name=network["name"])
    local_aws.clear_requests()
    run = playbook(
        [
            accounts["consumer"].play(
                task(
                    "by name",
                    {"service_network": network["name"], "vpc_id": vpc_id, "security_group_ids": [group_id]},
                    ignore_errors=True,
                    module=VPC_MODULE,
                )
            )
        ],
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    result = results_of(run)["by name"]
    assert result["failed"] is True
    assert f"2 service networks are named '{network['name']}'" in result["msg"]
    assert network["arn"] in result["msg"] and "by its ARN" in result["msg"]
    assert mutating_by_account(local_aws) == {}


def test_without_a_share_the_association_is_denied(playbook, local_aws, accounts):
    network = accounts["network"].client("vpc-lattice").create_service_network(name=f"{playbook.prefix}-private")
    ec2 = accounts["consumer"].client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.41.0.0/16")["Vpc"]["VpcId"]
    local_aws.clear_requests()
    run = playbook(
        [
            accounts["consumer"].play(
                task(
                    "not shared",
                    {"service_network": network["arn"], "vpc_id": vpc_id},
                    ignore_errors=True,
                    module=VPC_MODULE,
                ),
                task("not listed", {}, module=INFO_MODULE),
            )
        ],
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = results_of(run)
    assert results["not shared"]["failed"] is True
    assert "AccessDenied" in json.dumps(results["not shared"]), results["not shared"]
    assert results["not listed"]["service_networks"] == []
    assert mutating_by_account(local_aws) == {}


def test_the_associations_are_deleted_from_each_account(playbook, local_aws, accounts):
    network, service, vpc_id, group_id = make_mesh(accounts, playbook.prefix)
    vpc_args = {"service_network": network["arn"], "vpc_id": vpc_id, "security_group_ids": [group_id]}
    service_args = {"service_network": network["arn"], "service": service["arn"]}
    created = playbook(
        [
            accounts["consumer"].play(task("vpc", vpc_args, module=VPC_MODULE)),
            accounts["provider"].play(task("service", service_args, module=SERVICE_MODULE)),
        ],
        json_output=True,
    )
    assert created.returncode == 0, created.explain()

    def teardown(check_mode=False, suffix=""):
        """Each account removes what it made; the network's owner last (check mode cannot predict that: the
        associations it would find are still there)."""
        plays = [
            accounts["consumer"].play(
                task(f"vpc{suffix}", dict(vpc_args, state="absent"), check_mode=check_mode, module=VPC_MODULE)
            ),
            accounts["provider"].play(
                task(
                    f"service{suffix}", dict(service_args, state="absent"), check_mode=check_mode, module=SERVICE_MODULE
                )
            ),
        ]
        if not check_mode:
            plays.append(
                accounts["network"].play(task(f"network{suffix}", {"name": network["arn"], "state": "absent"}))
            )
        return plays

    local_aws.clear_requests()
    checked = playbook(teardown(check_mode=True), json_output=True)
    assert checked.returncode == 0, checked.explain()
    assert mutating_by_account(local_aws) == {}
    assert all(result["changed"] for result in results_of(checked).values()), results_of(checked)

    local_aws.clear_requests()
    deleted = playbook(teardown() + teardown(suffix=" again"), json_output=True)
    assert deleted.returncode == 0, deleted.explain()
    assert mutating_by_account(local_aws) == {
        CONSUMER_ACCOUNT: ["DeleteServiceNetworkVpcAssociation (200)"],
        PROVIDER_ACCOUNT: ["DeleteServiceNetworkServiceAssociation (200)"],
        NETWORK_ACCOUNT: ["DeleteServiceNetwork (204)"],
    }
    results = results_of(deleted)
    assert [results[name]["changed"] for name in ("vpc", "service", "network")] == [True, True, True]
    assert [results[f"{name} again"]["changed"] for name in ("vpc", "service", "network")] == [False, False, False]


def test_listeners_of_every_service_leave_out_shared_services(playbook, local_aws, accounts):
    """listener_info without a service lists this account's services' listeners; a service another account shares
    with it is listed by ListServices, but its listeners are the owner's (AccessDenied), so it is left out."""
    provider, consumer = accounts["provider"], accounts["consumer"]
    shared = provider.client("vpc-lattice").create_service(name=f"{playbook.prefix}-shared")
    fixed_response = {"fixedResponse": {"statusCode": 404}}
    provider.client("vpc-lattice").create_listener(
        serviceIdentifier=shared["id"], name="web", protocol="HTTP", defaultAction=fixed_response
    )
    provider.share(shared["arn"], consumer)
    own = consumer.client("vpc-lattice").create_service(name=f"{playbook.prefix}-own")
    listener = consumer.client("vpc-lattice").create_listener(
        serviceIdentifier=own["id"], name="api", protocol="HTTP", defaultAction=fixed_response
    )
    assert shared["arn"] in [s["arn"] for s in consumer.client("vpc-lattice").list_services()["items"]]
    whole = {key: True for key in ("include_listeners", "include_rules", "include_associations", "include_auth_policy")}
    run = playbook(
        [
            consumer.play(
                task("every listener", {}, module="lattice.mesh.listener_info"),
                task("every service whole", whole, module="lattice.mesh.service_info"),
            )
        ],
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    listeners = results_of(run)["every listener"]["listeners"]
    assert [(item["service_name"], item["id"]) for item in listeners] == [(own["name"], listener["id"])]
    # service_info lists the shared service too, without the listeners and policy that are its owner's; its
    # associations listed are this account's (none)
    services = {item["arn"]: item for item in results_of(run)["every service whole"]["services"]}
    assert [item["id"] for item in services[own["arn"]]["listeners"]] == [listener["id"]]
    assert services[own["arn"]]["auth_policy"] is None
    assert services[own["arn"]]["service_network_associations"] == []
    assert not {"listeners", "auth_policy"} & set(services[shared["arn"]])
    assert services[shared["arn"]]["service_network_associations"] == []
