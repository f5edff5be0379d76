"""The managed_prefix_list lookup under throttling.

A lookup runs on the controller, outside any task's ``environment`` (site.yml's AWS_MAX_ATTEMPTS does not reach it)
and through a paginator, which a client's retry decorator does not wrap: it must retry the whole pagination itself.
Found by the faults drill (a seeded dev deploy lost the network role's prefix-list lookup to RequestLimitExceeded
after botocore's three attempts).
"""


import pytest

pytestmark = pytest.mark.slow

# With this seed and rate the endpoint throttles the first attempts of the lookup's call more often than
# botocore's own retries allow for.
SEED = 3
BOTOCORE_ATTEMPTS = 3


def test_the_lookup_outlasts_throttling(playbook, local_aws):
    lookup = (
        "{{ lookup('lattice.mesh.managed_prefix_list', 'com.amazonaws.{region}.vpc-lattice', region=aws_region,"
        " endpoint_url=aws_endpoint_url, access_key=aws_access_key, secret_key=aws_secret_key) }}"
    )
    local_aws.configure(throttle_rate=0.8, seed=SEED)
    try:
        run = playbook(
            [
                {
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": [{"name": "look up", "ansible.builtin.set_fact": {"found": lookup}}],
                }
            ],
            json_output=True,
        )
    finally:
        local_aws.configure(throttle_rate=0.0)
    assert run.returncode == 0, run.explain()
    assert run.task_results()["look up"]["ansible_facts"]["found"].startswith("pl-")
    calls = [entry for entry in local_aws.requests(service="ec2") if entry["operation"] == "DescribeManagedPrefixLists"]
    throttled = [entry for entry in calls if entry["status"] == 503]
    assert len(throttled) >= BOTOCORE_ATTEMPTS, calls
    assert len(calls) == len(throttled) + 1, calls
