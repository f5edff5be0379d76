"""HTTP layer of the VPC Lattice backend.

moto routes each request to an operation with botocore's model and parses its parameters; ``call_action`` then
validates them against the model (once, for every operation) and calls the method named after the operation.
Each such method hands the parameters, renamed to snake_case, to the backend method of the same name and returns an
``ActionResult`` that moto's serializer renders with the operation's output shape.
"""

from __future__ import annotations

import json
from typing import Any

from botocore import xform_name
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import get_service_model

from ..validation import validate_input
from .models import LatticeBackend, lattice_backends

# What each backend method returns, and so how its result is rendered:
#   resource  one resource, rendered with its describe()
#   page      (items, next token) of a List operation
#   nothing   an empty response
#   as_is     a dict already in the output shape
RESULT_KINDS = {
    "resource": [
        "create_service_network", "get_service_network", "update_service_network",
        "create_service", "get_service", "update_service", "delete_service",
        "create_target_group", "get_target_group", "update_target_group", "delete_target_group",
        "create_listener", "get_listener", "update_listener",
        "create_rule", "get_rule", "update_rule",
        "create_service_network_service_association", "get_service_network_service_association",
        "delete_service_network_service_association",
        "create_service_network_vpc_association", "get_service_network_vpc_association",
        "update_service_network_vpc_association", "delete_service_network_vpc_association",
        "create_access_log_subscription", "get_access_log_subscription", "update_access_log_subscription",
    ],
    "page": [
        "list_service_networks", "list_services", "list_target_groups", "list_targets", "list_listeners",
        "list_rules", "list_service_network_service_associations", "list_service_network_vpc_associations",
        "list_service_network_resource_associations", "list_access_log_subscriptions",
    ],
    "nothing": [
        "delete_service_network", "delete_listener", "delete_rule", "delete_access_log_subscription",
        "delete_auth_policy", "put_resource_policy", "delete_resource_policy", "tag_resource", "untag_resource",
    ],
    "as_is": [
        "register_targets", "deregister_targets", "batch_update_rule", "put_auth_policy", "get_auth_policy",
        "get_resource_policy", "list_tags_for_resource",
    ],
}  # fmt: skip

RENDERERS = {
    "resource": lambda resource: resource.describe(),
    "page": lambda page: {"items": [item.describe() for item in page[0]], "nextToken": page[1]},
    "nothing": lambda dummy: {},
    "as_is": lambda result: result,
}


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
        if not hasattr(self, xform_name(operation)):
            # A real operation this endpoint does not model: say so plainly rather than fail with an HTML 500.
            message = f"The local AWS endpoint does not implement VPC Lattice's {operation}"
            headers = {"status": 501, "x-amzn-ErrorType": "NotImplemented", "Content-Type": "application/json"}
            return 501, headers, json.dumps({"message": message})
        # No lock here: the middleware serves one request at a time, for every backend (ours touches EC2's too).
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


def _operation_handler(operation: str, render) -> Any:
    def handle(self: LatticeResponse) -> ActionResult:
        return ActionResult(render(getattr(self.backend, operation)(**self._kwargs())))

    handle.__name__ = operation
    return handle


# moto calls the response method named after the operation; every one of ours is a table entry.
for _kind, _operations in RESULT_KINDS.items():
    for _operation in _operations:
        setattr(LatticeResponse, _operation, _operation_handler(_operation, RENDERERS[_kind]))
