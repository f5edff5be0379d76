# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The linear strategy, run through Mitogen for Ansible when it is installed.

A deploy is hundreds of module runs; as separate Python processes each one spends most of its time importing
ansible, boto3 and botocore (docs/benchmarks.md). Mitogen runs them in one persistent interpreter per host.
Without the mitogen package this is ansible's own linear strategy, unchanged.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: lattice_linear
short_description: linear, through Mitogen for Ansible when installed
description:
  - Ansible's linear strategy; when the C(mitogen) package is importable, Mitogen's mitogen_linear.
author: lattice.mesh contributors
"""

try:
    import ansible_mitogen.loaders
    import ansible_mitogen.strategy
except ImportError:
    from ansible.plugins.strategy import linear

    StrategyModule = linear.StrategyModule
else:

    class StrategyModule(
        ansible_mitogen.strategy.StrategyMixin, ansible_mitogen.loaders.strategy_loader.get("linear", class_only=True)
    ):
        """mitogen_linear, under the name this project's ansible.cfg selects."""
