# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Service-network specifics: what keeps one from being deleted, and what AWS leaves out of its answers."""

from .common import AnsibleLatticeError
from .normalize import merge_dicts
from .resources import association_blockers

KIND = "service_network"

# What AWS means when GetServiceNetwork leaves a field out. Service networks could always be shared
# through AWS RAM before sharingConfig existed, so sharing is enabled unless it was turned off at creation.
SERVICE_NETWORK_DEFAULTS = {"authType": "NONE", "sharingConfig": {"enabled": True}}


def _named(name_key, id_key):
    def display(item):
        name, ident = item.get(name_key), item.get(id_key)
        if name and ident and name != ident:
            return f"{name} ({ident})"
        return name or ident or item.get("arn") or "?"

    return display


def service_network_blockers(client, network_id):
    """Everything associated with a service network (which blocks deleting it), as waiters.Blocker.

    Best effort: a listing that fails (no permission for it, an API a partition lacks) is skipped so
    that it does not hide the others; when nothing can be named, the conflict is reported in AWS's words.
    """
    listings = (
        ("service_network_vpc_association", "VPC association", lambda item: item.get("vpcId") or item.get("id")),
        ("service_network_service_association", "service association", _named("serviceName", "serviceId")),
        (
            "service_network_resource_association",
            "resource configuration association",
            _named("resourceConfigurationName", "resourceConfigurationId"),
        ),
    )
    blockers = []
    for kind, category, display in listings:
        try:
            blockers += association_blockers(client, kind, category, display, serviceNetworkIdentifier=network_id)
        except AnsibleLatticeError:
            continue
    return blockers


def with_defaults(resource):
    """A GetServiceNetwork answer with the fields AWS omits filled in, so results and comparisons are stable."""
    if not resource:
        return resource
    return merge_dicts(SERVICE_NETWORK_DEFAULTS, resource)
