"""Fixes to moto's EC2 where it is not faithful to AWS and our playbooks notice.

Security group rules whose source is a managed prefix list (``PrefixListIds``):

- AWS stores the ``Description`` given with a prefix-list rule and returns it in
  ``DescribeSecurityGroups`` (``IpPermissions[].PrefixListIds[].Description``) and in
  ``DescribeSecurityGroupRules`` (``SecurityGroupRules[].Description``). moto keeps only the
  ``PrefixListId``, so a second run of ``amazon.aws.ec2_security_group`` with ``rule_desc`` on an
  ``ip_prefix`` rule always sees a changed description.
- AWS ``UpdateSecurityGroupRuleDescriptions{Ingress,Egress}`` replaces the description of the matching
  prefix-list rule (omitting ``Description`` removes it); moto only updates CIDR and group-pair rules.
- AWS answers both update operations with ``Return: true``; moto answers with an empty body, and
  ``ec2_security_group`` reads ``Return`` (KeyError: 'Return').

``install()`` patches moto's classes in place (the venv is never edited); it is idempotent.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

_INSTALLED = "_local_aws_ec2_fidelity"


def install() -> None:
    from moto.ec2.models.security_groups import SecurityGroup, SecurityGroupBackend, SecurityGroupRule
    from moto.ec2.responses.security_groups import SecurityGroups

    if getattr(SecurityGroupRule, _INSTALLED, False):
        return
    setattr(SecurityGroupRule, _INSTALLED, True)
    _keep_prefix_list_descriptions(SecurityGroupRule)
    _show_prefix_list_descriptions(SecurityGroup)
    _update_prefix_list_descriptions(SecurityGroupBackend)
    for name in ("update_security_group_rule_descriptions_ingress",
                 "update_security_group_rule_descriptions_egress"):
        setattr(SecurityGroups, name, _returning_true(getattr(SecurityGroups, name)))


def _keep_prefix_list_descriptions(rule_cls: type) -> None:
    """Store the Description of a prefix-list source; make it the rule's ``description``
    (what DescribeSecurityGroupRules returns)."""
    original_init = rule_cls.__init__
    signature = inspect.signature(original_init)
    cidr_or_group_description = rule_cls.description

    @functools.wraps(original_init)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        prefix_list = signature.bind(self, *args, **kwargs).arguments.get("prefix_list_id") or {}
        self.prefix_list_description = prefix_list.get("Description")

    def description(self) -> str | None:
        if self.prefix_list_id:
            return getattr(self, "prefix_list_description", None)
        return cidr_or_group_description.fget(self)

    rule_cls.__init__ = __init__
    rule_cls.description = property(description)


def _show_prefix_list_descriptions(group_cls: type) -> None:
    """Add the stored Description to ``IpPermissions[].PrefixListIds[]`` (DescribeSecurityGroups).

    moto's ``_flattened_rules`` groups rules by (protocol, ports) and lists each prefix-list rule as
    ``{"PrefixListId": ...}``; a prefix list appears at most once per (protocol, ports), so the entry
    is matched back to its rule by those keys."""
    original = group_cls._flattened_rules

    @functools.wraps(original)
    def _flattened_rules(self, rules: list) -> list:
        views = original(self, rules)
        descriptions = {
            (rule.ip_protocol, rule.from_port, rule.to_port, rule.prefix_list_id): rule.description
            for rule in rules if rule.prefix_list_id
        }
        for view in views:
            for entry in view.prefix_list_ids:
                key = (view.ip_protocol, view.from_port, view.to_port, entry["PrefixListId"])
                if descriptions.get(key) is not None:
                    entry["Description"] = descriptions[key]
        return views

    group_cls._flattened_rules = _flattened_rules


def _update_prefix_list_descriptions(backend_cls: type) -> None:
    """UpdateSecurityGroupRuleDescriptions*: moto's matching (rule equality, which compares the prefix
    list ID) already found the stored rule; also copy the requested prefix-list description onto it."""
    original = backend_cls._sg_update_description

    @functools.wraps(original)
    def _sg_update_description(self, security_rule: Any, rule: Any) -> None:
        original(self, security_rule, rule)
        if security_rule.prefix_list_id and security_rule.prefix_list_id == rule.prefix_list_id:
            rule.prefix_list_description = security_rule.prefix_list_description

    backend_cls._sg_update_description = _sg_update_description


def _returning_true(handler: Any) -> Any:
    """AWS answers UpdateSecurityGroupRuleDescriptions{Ingress,Egress} with ``<return>true</return>``."""
    from moto.core.responses import ActionResult

    @functools.wraps(handler)
    def wrapper(self, *args: Any, **kwargs: Any) -> Any:
        handler(self, *args, **kwargs)
        return ActionResult({"Return": True})

    return wrapper
