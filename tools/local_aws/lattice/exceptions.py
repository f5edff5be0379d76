"""VPC Lattice errors, serialized by moto from the error shapes in botocore's model."""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class LatticeError(ServiceException):
    pass


class ValidationException(LatticeError):
    code = "ValidationException"

    def __init__(self, message: str, field_list: list[dict] | None = None, reason: str = "fieldValidationFailed"):
        super().__init__(message)
        self.reason = reason
        if field_list:
            self.fieldList = field_list


class _ResourceError(LatticeError):
    def __init__(self, message: str, resource_id: str = "", resource_type: str = ""):
        super().__init__(message)
        self.resourceId = resource_id
        self.resourceType = resource_type


class ResourceNotFoundException(_ResourceError):
    code = "ResourceNotFoundException"


class ConflictException(_ResourceError):
    code = "ConflictException"


class ServiceQuotaExceededException(_ResourceError):
    code = "ServiceQuotaExceededException"

    def __init__(self, message: str, resource_type: str, quota_code: str = "", service_code: str = "vpc-lattice"):
        super().__init__(message, resource_type=resource_type)
        self.quotaCode = quota_code
        self.serviceCode = service_code


class AccessDeniedException(LatticeError):
    code = "AccessDeniedException"
