# Copyright: Contributors to the lattice.mesh project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The wait options of every module that manages an asynchronous VPC Lattice resource.
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Whether to wait until the resource has settled, that is V(ACTIVE) after it is created or changed and gone
        after it is deleted.
      - The wait polls with backoff and fails at once, with the reason AWS gives (C(failureCode) and
        C(failureMessage)), if the resource reaches a V(*_FAILED) status.
      - With O(wait=false) the module returns as soon as AWS has accepted the request; the status returned may then
        be V(CREATE_IN_PROGRESS), V(UPDATE_IN_PROGRESS) or V(DELETE_IN_PROGRESS).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait before failing, when O(wait=true).
    type: int
    default: 600
"""
