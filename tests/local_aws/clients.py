"""boto3 clients for the endpoint tests, and the list of Lattice operations the endpoint implements.

A module of its own (not conftest.py): every test directory has a conftest, so ``from conftest import``
would pick whichever was imported first in a whole-suite run.
"""

from __future__ import annotations

import boto3
from botocore.config import Config
from shapes import ResponseValidator

REGION = "us-east-1"

# Everything the endpoint says it implements for VPC Lattice; each must be called and validated.
IMPLEMENTED_LATTICE_OPERATIONS = sorted(
    [f"{verb}{noun}" for noun in ("ServiceNetwork", "Service", "TargetGroup", "Listener", "Rule")
     for verb in ("Create", "Get", "Update", "Delete")]
    + ["ListServiceNetworks", "ListServices", "ListTargetGroups", "ListListeners", "ListRules"]
    + [f"{verb}ServiceNetworkServiceAssociation" for verb in ("Create", "Get", "Delete")]
    + ["ListServiceNetworkServiceAssociations"]
    + [f"{verb}ServiceNetworkVpcAssociation" for verb in ("Create", "Get", "Update", "Delete")]
    + ["ListServiceNetworkVpcAssociations"]
    + ["BatchUpdateRule", "RegisterTargets", "DeregisterTargets", "ListTargets"]
    + [f"{verb}AccessLogSubscription" for verb in ("Create", "Get", "Update", "Delete")]
    + ["ListAccessLogSubscriptions"]
    + [f"{verb}{noun}" for noun in ("AuthPolicy", "ResourcePolicy") for verb in ("Put", "Get", "Delete")]
    + ["TagResource", "UntagResource", "ListTagsForResource"]
    + ["ListServiceNetworkResourceAssociations"]
)

# Loopback only: never let a proxy from the environment see our traffic.
NO_PROXIES: dict = {}

VALIDATOR = ResponseValidator()


def make_client(endpoint_url: str, service: str, *, retries: int | None = None, validate_params: bool = True,
                validate_responses: bool = True):
    cfg = {"region_name": REGION, "proxies": NO_PROXIES, "parameter_validation": validate_params,
           "connect_timeout": 10, "read_timeout": 60}
    if service == "s3":
        cfg["s3"] = {"addressing_style": "path"}
    if retries is not None:
        cfg["retries"] = {"total_max_attempts": retries + 1, "mode": "standard"}
    client = boto3.session.Session().client(
        service,
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token="testing",
        config=Config(**cfg),
    )
    if service == "vpc-lattice" and validate_responses:
        VALIDATOR.register(client)
    return client
