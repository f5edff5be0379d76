# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Service specifics: what AWS leaves out of its answers, what may change in place, what keeps a service
from being deleted, and the limits of its settings (botocore's vpc-lattice 2022-11-30 model)."""

import re

from .normalize import changed_fields, merge_dicts
from .resources import association_blockers, own_status_blockers

KIND = "service"

# What AWS means when GetService leaves a field out (its documented defaults).
SERVICE_DEFAULTS = {"authType": "NONE", "idleTimeoutSeconds": 60}
# Omitted by AWS when unset; results carry them as None so that their shape does not depend on AWS's answer.
OPTIONAL_FIELDS = ("customDomainName", "certificateArn")

IDLE_TIMEOUT_MIN = 60
IDLE_TIMEOUT_MAX = 600
CUSTOM_DOMAIN_NAME_MIN = 3
CUSTOM_DOMAIN_NAME_MAX = 255
# botocore's CertificateArn pattern without its optional wrapper (an empty string means "no certificate").
CERTIFICATE_ARN_RE = re.compile(
    r"^arn(:[a-z0-9]+([.-][a-z0-9]+)*){2}(:([a-z0-9]+([.-][a-z0-9]+)*)?){2}:certificate/[0-9a-z-]+$"
)
_DOMAIN_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def service_with_defaults(resource):
    """A GetService answer with AWS's defaults filled in and unset optional fields as None, so that results and
    comparisons are stable (an empty certificateArn, as UpdateService may leave it, also means "none")."""
    if not resource:
        return resource
    result = merge_dicts(SERVICE_DEFAULTS, resource)
    for field in OPTIONAL_FIELDS:
        result[field] = result.get(field) or None
    return result


def service_updates(current, auth_type=None, certificate_arn=None, idle_timeout_seconds=None):
    """The UpdateService arguments that make ``current`` match the requested settings (None: leave it alone).

    ``certificate_arn=""`` asks for no certificate: a change only when the service has one.
    """
    current = service_with_defaults(current) or {}
    updates = changed_fields(current, {"authType": auth_type, "idleTimeoutSeconds": idle_timeout_seconds})
    if certificate_arn is not None and (certificate_arn or None) != current.get("certificateArn"):
        updates["certificateArn"] = certificate_arn
    return updates


def custom_domain_name_change(current, desired):
    """``[(field, current, desired)]`` when an existing service's custom domain name (create-only) differs from
    the requested one, else []. DNS names are compared without regard to case or a final dot."""
    if desired is None:
        return []
    existing = (current or {}).get("customDomainName")

    def canonical(name):
        return (name or "").rstrip(".").lower()

    if canonical(existing) == canonical(desired):
        return []
    return [("customDomainName", existing, desired)]


def validate_service_settings(idle_timeout_seconds=None, custom_domain_name=None, certificate_arn=None):
    """None when the settings are within the API's limits, else a message naming the option and the fix."""
    if idle_timeout_seconds is not None and not IDLE_TIMEOUT_MIN <= idle_timeout_seconds <= IDLE_TIMEOUT_MAX:
        return (
            f"idle_timeout_seconds: {idle_timeout_seconds} is out of range; give a number of seconds from"
            f" {IDLE_TIMEOUT_MIN} to {IDLE_TIMEOUT_MAX}."
        )
    if custom_domain_name is not None:
        name = custom_domain_name.rstrip(".").lower()
        labels = name.split(".")
        if (
            not CUSTOM_DOMAIN_NAME_MIN <= len(custom_domain_name) <= CUSTOM_DOMAIN_NAME_MAX
            or len(labels) < 2
            or not all(_DOMAIN_LABEL_RE.match(label) for label in labels)
        ):
            return (
                f"custom_domain_name: '{custom_domain_name}' is not a valid domain name; give a fully qualified"
                f" name of {CUSTOM_DOMAIN_NAME_MIN}-{CUSTOM_DOMAIN_NAME_MAX} characters such as"
                " 'orders.example.com' (labels of letters, digits and hyphens, separated by dots)."
            )
    if certificate_arn and not CERTIFICATE_ARN_RE.match(certificate_arn):
        return (
            f"certificate_arn: '{certificate_arn}' is not the ARN of an ACM certificate; give one like"
            " 'arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-...', or '' for no certificate."
        )
    return None


def _network_display(association):
    name, ident = association.get("serviceNetworkName"), association.get("serviceNetworkId")
    if name and ident:
        return f"{name} ({ident})"
    return name or ident or association.get("serviceNetworkArn") or association.get("id") or "?"


def service_blockers(client, service_id):
    """What keeps a service from being deleted, as waiters.Blocker: the service networks it is associated with
    (those whose association is being deleted only for a while), and the service itself while an operation on
    it is in progress (a service still being created cannot be deleted yet)."""
    blockers = association_blockers(
        client,
        "service_network_service_association",
        "service network association",
        _network_display,
        serviceIdentifier=service_id,
    )
    return blockers + own_status_blockers(client, KIND, service_id)
