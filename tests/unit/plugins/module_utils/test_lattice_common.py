import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.exceptions import ClientError

from ansible_collections.lattice.mesh.plugins.module_utils._vpc_lattice import common
from ansible_collections.lattice.mesh.tests.unit.plugins.module_utils.lattice_fakes import (
    FakeClient,
    Scripted,
    client_error,
)


def retrying(client):
    return RetryingBotoClientWrapper(client, common.lattice_retry)


class TestRetry:
    @pytest.mark.parametrize("code", ["ThrottlingException", "InternalServerException", "TooManyRequestsException"])
    def test_transient_errors_are_retried(self, code):
        client = retrying(FakeClient(get_service_network=Scripted(client_error(code), client_error(code), {"id": 1})))
        assert client.get_service_network(serviceNetworkIdentifier="x", aws_retry=True) == {"id": 1}
        assert len(client.client.get_service_network.calls) == 3

    @pytest.mark.parametrize("code", ["ConflictException", "ResourceNotFoundException", "ValidationException"])
    def test_other_errors_are_not_retried(self, code):
        client = retrying(FakeClient(get_service_network=Scripted(client_error(code))))
        with pytest.raises(ClientError):
            client.get_service_network(serviceNetworkIdentifier="x", aws_retry=True)
        assert len(client.client.get_service_network.calls) == 1

    def test_gives_up_after_ten_attempts(self):
        client = retrying(FakeClient(get_service_network=Scripted(client_error("ThrottlingException"))))
        with pytest.raises(ClientError):
            client.get_service_network(serviceNetworkIdentifier="x", aws_retry=True)
        assert len(client.client.get_service_network.calls) == common.RETRIES == 10

    def test_paginate_is_retried_as_a_whole(self):
        client = FakeClient()
        client.pages["list_service_networks"] = [[{"id": "a"}], [{"id": "b"}]]
        calls = []
        original = client.get_paginator

        def flaky_get_paginator(operation):
            calls.append(operation)
            if len(calls) == 1:
                raise client_error("ThrottlingException")
            return original(operation)

        client.get_paginator = flaky_get_paginator
        assert common.paginate(client, "list_service_networks", "list", maxResults=None) == [{"id": "a"}, {"id": "b"}]
        assert len(calls) == 2


class TestCall:
    def test_returns_result(self):
        assert common.call("do it", Scripted(42)) == 42

    def test_wraps_client_errors(self):
        error = client_error("AccessDeniedException", "no")
        with pytest.raises(common.AnsibleLatticeError) as excinfo:
            common.call("get service network sn-1", Scripted(error))
        assert excinfo.value.message == "Failed to get service network sn-1"
        assert excinfo.value.exception is error

    def test_not_found_with_missing(self):
        assert common.call("get", Scripted(client_error("ResourceNotFoundException")), missing=lambda: None) is None

    def test_not_found_without_missing_is_an_error(self):
        with pytest.raises(common.AnsibleLatticeError):
            common.call("update", Scripted(client_error("ResourceNotFoundException")))

    def test_access_denied_with_denied(self):
        denied = Scripted(client_error("AccessDeniedException"))
        assert common.call("list tags", denied, missing=lambda: None, denied=lambda: "denied") == "denied"

    def test_access_denied_without_denied_is_an_error(self):
        error = client_error("AccessDeniedException")
        with pytest.raises(common.AnsibleLatticeError) as excinfo:
            common.call("list tags", Scripted(error), missing=lambda: None)
        assert excinfo.value.exception is error

    def test_error_code(self):
        assert common.error_code(client_error("ConflictException")) == "ConflictException"
        assert common.error_code(ValueError()) is None

    def test_client_tokens_are_unique(self):
        assert common.new_client_token() != common.new_client_token()
        assert 1 <= len(common.new_client_token()) <= 64
