"""HTTP layer of the VPC Lattice backend.

moto routes each request to an operation with botocore's model and parses its parameters; ``call_action`` then
validates them against the model (once, for every operation) and calls the method named after the operation.
Each method hands the parameters, renamed to snake_case, to the backend method of the same name and returns an
``ActionResult`` that moto's serializer renders with the operation's output shape.
"""

from __future__ import annotations

from typing import Any

from botocore import xform_name
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import get_service_model

from ..validation import validate_input
from .models import BACKEND_LOCK, LatticeBackend, LatticeResource, lattice_backends


class LatticeResponse(BaseResponse):
    def __init__(self) -> None:
        super().__init__(service_name="vpc-lattice")
        self.automated_parameter_parsing = True

    @property
    def backend(self) -> LatticeBackend:
        return lattice_backends[self.current_account][self.region]

    def call_action(self) -> Any:
        operation = self._get_action()
        if not operation:
            return super().call_action()  # moto answers 404 for an unknown route
        with BACKEND_LOCK:
            try:
                operation_model = get_service_model(self.boto3_service_name).operation_model(operation)
                validate_input(operation_model, self.params)
            except ServiceException as error:
                status, headers, body = self.serialized(ActionResult(error))
                headers, body = self._enrich_response(headers, body)
                return status, headers, body
            return super().call_action()

    def _kwargs(self) -> dict[str, Any]:
        """The operation's parameters as the backend methods name them."""
        return {xform_name(name): value for name, value in {**self.uri_match, **self.params}.items()}

    def _call(self, operation: str) -> Any:
        return getattr(self.backend, operation)(**self._kwargs())

    def _describe(self, operation: str) -> ActionResult:
        resource: LatticeResource = self._call(operation)
        return ActionResult(resource.describe())

    def _page(self, operation: str) -> ActionResult:
        items, next_token = self._call(operation)
        return ActionResult({"items": [item.describe() for item in items], "nextToken": next_token})

    def _empty(self, operation: str) -> ActionResult:
        self._call(operation)
        return ActionResult({})

    def _as_is(self, operation: str) -> ActionResult:
        return ActionResult(self._call(operation))

    # Service networks
    def create_service_network(self) -> ActionResult:
        return self._describe("create_service_network")

    def get_service_network(self) -> ActionResult:
        return self._describe("get_service_network")

    def list_service_networks(self) -> ActionResult:
        return self._page("list_service_networks")

    def update_service_network(self) -> ActionResult:
        return self._describe("update_service_network")

    def delete_service_network(self) -> ActionResult:
        return self._empty("delete_service_network")

    # Services
    def create_service(self) -> ActionResult:
        return self._describe("create_service")

    def get_service(self) -> ActionResult:
        return self._describe("get_service")

    def list_services(self) -> ActionResult:
        return self._page("list_services")

    def update_service(self) -> ActionResult:
        return self._describe("update_service")

    def delete_service(self) -> ActionResult:
        return self._describe("delete_service")

    # Target groups and targets
    def create_target_group(self) -> ActionResult:
        return self._describe("create_target_group")

    def get_target_group(self) -> ActionResult:
        return self._describe("get_target_group")

    def list_target_groups(self) -> ActionResult:
        return self._page("list_target_groups")

    def update_target_group(self) -> ActionResult:
        return self._describe("update_target_group")

    def delete_target_group(self) -> ActionResult:
        return self._describe("delete_target_group")

    def register_targets(self) -> ActionResult:
        return self._as_is("register_targets")

    def deregister_targets(self) -> ActionResult:
        return self._as_is("deregister_targets")

    def list_targets(self) -> ActionResult:
        return self._page("list_targets")

    # Listeners
    def create_listener(self) -> ActionResult:
        return self._describe("create_listener")

    def get_listener(self) -> ActionResult:
        return self._describe("get_listener")

    def list_listeners(self) -> ActionResult:
        return self._page("list_listeners")

    def update_listener(self) -> ActionResult:
        return self._describe("update_listener")

    def delete_listener(self) -> ActionResult:
        return self._empty("delete_listener")

    # Rules
    def create_rule(self) -> ActionResult:
        return self._describe("create_rule")

    def get_rule(self) -> ActionResult:
        return self._describe("get_rule")

    def list_rules(self) -> ActionResult:
        return self._page("list_rules")

    def update_rule(self) -> ActionResult:
        return self._describe("update_rule")

    def batch_update_rule(self) -> ActionResult:
        return self._as_is("batch_update_rule")

    def delete_rule(self) -> ActionResult:
        return self._empty("delete_rule")

    # Service network service associations
    def create_service_network_service_association(self) -> ActionResult:
        return self._describe("create_service_network_service_association")

    def get_service_network_service_association(self) -> ActionResult:
        return self._describe("get_service_network_service_association")

    def list_service_network_service_associations(self) -> ActionResult:
        return self._page("list_service_network_service_associations")

    def delete_service_network_service_association(self) -> ActionResult:
        return self._describe("delete_service_network_service_association")

    # Service network VPC associations
    def create_service_network_vpc_association(self) -> ActionResult:
        return self._describe("create_service_network_vpc_association")

    def get_service_network_vpc_association(self) -> ActionResult:
        return self._describe("get_service_network_vpc_association")

    def list_service_network_vpc_associations(self) -> ActionResult:
        return self._page("list_service_network_vpc_associations")

    def update_service_network_vpc_association(self) -> ActionResult:
        return self._describe("update_service_network_vpc_association")

    def delete_service_network_vpc_association(self) -> ActionResult:
        return self._describe("delete_service_network_vpc_association")

    # Access log subscriptions
    def create_access_log_subscription(self) -> ActionResult:
        return self._describe("create_access_log_subscription")

    def get_access_log_subscription(self) -> ActionResult:
        return self._describe("get_access_log_subscription")

    def list_access_log_subscriptions(self) -> ActionResult:
        return self._page("list_access_log_subscriptions")

    def update_access_log_subscription(self) -> ActionResult:
        return self._describe("update_access_log_subscription")

    def delete_access_log_subscription(self) -> ActionResult:
        return self._empty("delete_access_log_subscription")

    # Auth and resource policies
    def put_auth_policy(self) -> ActionResult:
        return self._as_is("put_auth_policy")

    def get_auth_policy(self) -> ActionResult:
        return self._as_is("get_auth_policy")

    def delete_auth_policy(self) -> ActionResult:
        return self._empty("delete_auth_policy")

    def put_resource_policy(self) -> ActionResult:
        return self._empty("put_resource_policy")

    def get_resource_policy(self) -> ActionResult:
        return self._as_is("get_resource_policy")

    def delete_resource_policy(self) -> ActionResult:
        return self._empty("delete_resource_policy")

    # Tags
    def tag_resource(self) -> ActionResult:
        return self._empty("tag_resource")

    def untag_resource(self) -> ActionResult:
        return self._empty("untag_resource")

    def list_tags_for_resource(self) -> ActionResult:
        return ActionResult({"tags": self._call("list_tags_for_resource")})
