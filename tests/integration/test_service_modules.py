"""lattice.mesh.service and service_info against the local endpoint, proven at the endpoint.

- check mode and repeated runs make no mutating call (request log), and leave the service as it was;
- deleting a service still associated with service networks fails naming them, in check mode too,
  while an association being deleted is waited out;
- the waiter: a creation ending in CREATE_FAILED fails with AWS's failureCode/failureMessage, and
  ``wait: false`` returns CREATE_IN_PROGRESS / DELETE_IN_PROGRESS under the realistic profile.
"""

import pytest
from lattice_playbooks import mutating, play, task

pytestmark = pytest.mark.slow

SERVICE = "lattice.mesh.service"
SERVICE_INFO = "lattice.mesh.service_info"


def service_task(name, module_args, **options):
    return task(name, module_args, module=SERVICE, **options)


def test_check_mode_and_repeats_make_no_mutating_call(playbook, local_aws):
    name = f"{playbook.prefix}-idem"
    desired = {"name": name, "auth_type": "AWS_IAM", "idle_timeout_seconds": 90, "tags": {"team": "mesh"}}

    setup = playbook(play(service_task("create", desired)))
    assert setup.returncode == 0, setup.explain()
    assert mutating(local_aws.requests()) == ["CreateService (201)"]

    local_aws.clear_requests()
    probe = playbook(
        play(
            service_task("repeat", desired),
            service_task("repeat by name only", {"name": name}),
            service_task("repeat in check mode", desired, check_mode=True),
            service_task("create another in check mode", dict(desired, name=f"{name}-new"), check_mode=True),
            service_task(
                "update in check mode",
                dict(desired, auth_type="NONE", idle_timeout_seconds=600, certificate_arn="", tags={"x": "y"}),
                check_mode=True,
            ),
            service_task("delete in check mode", {"name": name, "state": "absent"}, check_mode=True),
            service_task("delete a missing one", {"name": f"{name}-missing", "state": "absent"}),
            task("info", {"name": name}, module=SERVICE_INFO),
            task("info, all", {}, module=SERVICE_INFO),
        ),
        json_output=True,
    )
    assert probe.returncode == 0, probe.explain()
    logged = local_aws.requests()
    assert logged, "the endpoint logged no vpc-lattice request: the probe did not reach it"
    assert mutating(logged) == [], f"check mode or a repeat made mutating calls: {mutating(logged)}"

    results = probe.task_results()
    for unchanged in ("repeat", "repeat by name only", "repeat in check mode", "delete a missing one"):
        assert results[unchanged]["changed"] is False, (unchanged, results[unchanged])
    for changed in ("create another in check mode", "update in check mode", "delete in check mode"):
        assert results[changed]["changed"] is True, (changed, results[changed])
    predicted = results["update in check mode"]["service"]
    assert (predicted["auth_type"], predicted["idle_timeout_seconds"], predicted["tags"]) == ("NONE", 600, {"x": "y"})
    assert results["update in check mode"]["diff"]["before"]["auth_type"] == "AWS_IAM"

    # and the check-mode calls really left everything as it was
    lattice = local_aws.client("vpc-lattice")
    service = lattice.get_service(serviceIdentifier=results["repeat"]["service"]["id"])
    assert (service["authType"], service["idleTimeoutSeconds"]) == ("AWS_IAM", 90)
    assert lattice.list_tags_for_resource(resourceArn=service["arn"])["tags"] == {"team": "mesh"}


def test_delete_blocked_by_service_networks_names_them(playbook, local_aws):
    name = f"{playbook.prefix}-blocked"
    lattice = local_aws.client("vpc-lattice")
    service_id = lattice.create_service(name=name)["id"]
    networks = sorted(
        (lattice.create_service_network(name=f"{playbook.prefix}-sn{n}")["id"], f"{playbook.prefix}-sn{n}")
        for n in (1, 2)
    )
    for network_id, dummy in networks:
        lattice.create_service_network_service_association(
            serviceIdentifier=service_id, serviceNetworkIdentifier=network_id
        )

    local_aws.clear_requests()
    run = playbook(
        play(
            service_task(
                "delete in check mode", {"name": name, "state": "absent"}, check_mode=True, ignore_errors=True
            ),
            service_task("delete", {"name": name, "state": "absent"}, ignore_errors=True),
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = run.task_results()
    listed = ", ".join(f"{network_name} ({network_id})" for network_id, network_name in networks)
    expected = f"service '{name}' ({service_id}) still has 2 service network associations: "
    for task_name in ("delete in check mode", "delete"):
        assert results[task_name].get("failed") is True, results[task_name]
        assert results[task_name]["changed"] is False
        message = results[task_name]["msg"]
        assert expected in message, message
        assert all(f"{network_name} ({network_id})" in message for network_id, network_name in networks), listed

    assert mutating(local_aws.requests()) == ["DeleteService (409)"]
    assert lattice.get_service(serviceIdentifier=service_id)["status"] == "ACTIVE"


def test_waiter_under_realistic_transitions(playbook, local_aws):
    """CREATE_FAILED fails with AWS's reason; wait: false returns the transitional status; an association
    being deleted and the service's own creation in progress are waited out by a delete."""
    failing, quick, draining = (f"{playbook.prefix}-{suffix}" for suffix in ("fail", "quick", "draining"))
    # Set up at once (instant profile): a service associated with a network.
    lattice = local_aws.client("vpc-lattice")
    draining_id = lattice.create_service(name=draining)["id"]
    network_id = lattice.create_service_network(name=f"{playbook.prefix}-sn")["id"]
    association_id = lattice.create_service_network_service_association(
        serviceIdentifier=draining_id, serviceNetworkIdentifier=network_id
    )["id"]
    # A transition's length is fixed when it begins: this deletion outlasts the playbook's start-up.
    local_aws.configure(profile="realistic", transition_seconds=20, fail_creates=f"{playbook.prefix}-fail*")
    lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=association_id)
    # Long enough that the next task surely meets the deletion in progress, even on a busy machine.
    local_aws.configure(transition_seconds=8)

    local_aws.clear_requests()
    run = playbook(
        play(
            service_task(
                "delete while the association is being deleted", {"name": draining, "state": "absent", "wait": False}
            ),
            service_task("create one that fails", {"name": failing}, ignore_errors=True),
            service_task("create without waiting", {"name": quick, "wait": False}),
            service_task("delete while it is being created", {"name": quick, "state": "absent", "wait": False}),
            service_task("delete again without waiting", {"name": quick, "state": "absent", "wait": False}),
            service_task("create it again, waiting for the deletion first", {"name": quick}),
        ),
        json_output=True,
    )
    assert run.returncode == 0, run.explain()
    results = run.task_results()

    assert results["delete while the association is being deleted"]["changed"] is True
    deletes = [entry["status"] for entry in local_aws.requests() if entry["operation"] == "DeleteService"]
    assert deletes[0] == 409, f"expected the first delete to meet the association being deleted: {deletes}"
    assert len([status for status in deletes if status == 200]) == 2, f"one delete per service expected: {deletes}"

    failed = results["create one that fails"]
    assert failed.get("failed") is True, failed
    assert "is CREATE_FAILED: LOCAL_FAULT_INJECTED: Creation of svc-" in failed["msg"], failed["msg"]
    assert "(fail_creates)" in failed["msg"], failed["msg"]

    created = results["create without waiting"]
    assert created["changed"] is True and created["service"]["status"] == "CREATE_IN_PROGRESS", created
    assert results["delete while it is being created"]["changed"] is True
    again = results["delete again without waiting"]
    assert again["changed"] is False and again["diff"]["before"]["status"] == "DELETE_IN_PROGRESS", again
    recreated = results["create it again, waiting for the deletion first"]
    assert recreated["changed"] is True and recreated["service"]["status"] == "ACTIVE", recreated
    assert recreated["service"]["id"] != created["service"]["id"]

    names = {service["name"]: service["status"] for service in lattice.list_services()["items"]}
    assert draining not in names
    assert names[failing] == "CREATE_FAILED"
    assert names[quick] == "ACTIVE"
