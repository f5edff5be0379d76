# -*- coding: utf-8 -*-

# Copyright: lattice.mesh contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: managed_prefix_list
author:
  - lattice.mesh maintainers (@lattice-mesh)
short_description: Look up the ID of an AWS-managed prefix list by name
version_added: 0.1.0
description:
  - Returns the ID of each named managed prefix list, for example C(com.amazonaws.us-east-1.vpc-lattice).
  - Security groups of VPC Lattice targets must admit traffic from the C(com.amazonaws.<region>.vpc-lattice)
    prefix list; this lookup finds its ID so that a rule can reference it.
  - Fails when a name does not match exactly one prefix list.
options:
  _terms:
    description:
      - Names of the prefix lists to find.
      - The placeholder C({region}) in a name is replaced with the region in use.
    required: true
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
"""

EXAMPLES = r"""
- name: Find the VPC Lattice prefix list of the region
  ansible.builtin.set_fact:
    lattice_prefix_list: "{{ lookup('lattice.mesh.managed_prefix_list', 'com.amazonaws.{region}.vpc-lattice') }}"

- name: Admit VPC Lattice traffic (and health checks) on 443
  amazon.aws.ec2_security_group:
    name: service-b
    description: Service B targets
    vpc_id: "{{ vpc_id }}"
    rules:
      - proto: tcp
        ports: [443]
        ip_prefix: "{{ lattice_prefix_list }}"

- name: Several at once, as a list
  ansible.builtin.debug:
    msg: >-
      {{ query('lattice.mesh.managed_prefix_list', 'com.amazonaws.us-west-2.vpc-lattice',
               'com.amazonaws.us-west-2.s3', region='us-west-2') }}
"""

RETURN = r"""
_raw:
  description: The prefix list IDs, in the order of the names given.
  type: list
  elements: str
  sample: ["pl-0123456789abcdef0"]
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AWSLookupBase

from ansible.errors import AnsibleLookupError
from ansible_collections.amazon.aws.plugins.plugin_utils.lookup import AWSLookupBase

from ansible_collections.lattice.mesh.plugins.module_utils.vpc_lattice import full_pages, jittered_retry

# A lookup runs on the controller, outside any task's environment (site.yml's AWS_MAX_ATTEMPTS does not reach
# it), and a paginator bypasses a client's retry decorator: retry the whole pagination, as the modules do.
# EC2's throttling (RequestLimitExceeded) and 5xx codes are in AWSRetry's own list.
_describe_prefix_lists = jittered_retry(())(full_pages)


class LookupModule(AWSLookupBase):
    def run(self, terms, variables=None, **kwargs):
        super().run(terms, variables, **kwargs)

        region = self.region or ""
        names = [str(term).replace("{region}", region) for term in terms]
        if not names:
            raise AnsibleLookupError("managed_prefix_list needs at least one prefix list name")

        client = self.client("ec2")
        try:
            pages = _describe_prefix_lists(
                client, "describe_managed_prefix_lists", {"Filters": [{"Name": "prefix-list-name", "Values": names}]}
            )
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.fail_aws("Failed to describe managed prefix lists", exception=e)

        found = {}
        for prefix_list in pages.get("PrefixLists", []):
            found.setdefault(prefix_list["PrefixListName"], []).append(prefix_list["PrefixListId"])

        result = []
        for name in names:
            ids = sorted(set(found.get(name, [])))
            if len(ids) != 1:
                raise AnsibleLookupError(
                    f"Expected exactly one managed prefix list named {name!r} in region {region!r}, found {len(ids)}"
                )
            result.append(ids[0])
        return result
