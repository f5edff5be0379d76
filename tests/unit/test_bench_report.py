"""The benchmark's rows, targets and tables (tools/bench/report.py, tools/bench/measure.py)."""

import sys
import time

from bench import measure, report


def run(seconds, ok=True, mutating=0, read=10, rss=100 * report.MIB):
    return {
        "ok": ok,
        "seconds": seconds,
        "peak_rss": rss,
        "calls": {"mutating": mutating, "read": read, "total": mutating + read, "by_operation": {}},
    }


def result(services=10, resources=100, ours_noop=None, ours_deploy=None, floor_deploy=None, cli_deploy=None):
    rows = {
        "ours": {
            "deploy": report.summarise([ours_deploy or run(30, mutating=120, read=200)]),
            "noop": report.summarise([ours_noop or run(20, read=150)]),
        },
        "floor": {"deploy": report.summarise([floor_deploy or run(3, mutating=100, read=20)])},
    }
    if cli_deploy:
        rows["cli"] = {"deploy": report.summarise([cli_deploy])}
    return {"scenario": str(services), "services": services, "resources": resources, "rows": rows}


def verdict(verdicts, starting):
    return next(v for v in verdicts if v["target"].startswith(starting))


def test_summary_is_the_median_and_the_worst_memory():
    row = report.summarise([run(5, rss=1 * report.MIB), run(1, rss=3 * report.MIB), run(9, rss=2 * report.MIB)])
    assert row["seconds"] == 5 and row["peak_rss_mib"] == 3.0 and row["ok"] and row["runs"] == 3


def test_a_failed_run_marks_the_row_and_is_left_out_of_the_median():
    row = report.summarise([run(5), run(100, ok=False)])
    assert not row["ok"] and row["seconds"] == 5


def test_noop_targets():
    verdicts = report.judge(result(ours_noop=run(20, mutating=1, read=150)))
    assert verdict(verdicts, "no-op: zero mutating")["met"] is False
    assert verdict(verdicts, "no-op: at most 2 read")["value"] == 1.5
    assert verdict(verdicts, "no-op: at most 2 read")["met"] is True
    verdicts = report.judge(result(ours_noop=run(20, read=201)))
    assert verdict(verdicts, "no-op: zero mutating")["met"] is True
    assert verdict(verdicts, "no-op: at most 2 read")["met"] is False


def test_deploy_calls_against_the_floor():
    verdicts = report.judge(
        result(ours_deploy=run(30, mutating=100, read=56), floor_deploy=run(3, mutating=100, read=20))
    )
    assert verdict(verdicts, "deploy: at most 1.3")["value"] == 1.3 and verdict(verdicts, "deploy: at most 1.3")["met"]
    verdicts = report.judge(
        result(ours_deploy=run(30, mutating=100, read=57), floor_deploy=run(3, mutating=100, read=20))
    )
    assert not verdict(verdicts, "deploy: at most 1.3")["met"]


def test_large_mesh_targets_apply_from_100_services_only():
    assert not any("AWS CLI" in v["target"] for v in report.judge(result(cli_deploy=run(50))))
    verdicts = report.judge(result(services=100, ours_noop=run(61), ours_deploy=run(40), cli_deploy=run(50)))
    assert verdict(verdicts, "deploy faster than the AWS CLI")["met"] is True
    assert verdict(verdicts, "no-op under 60")["met"] is False


def test_realistic_ratio():
    scenario = result()
    scenario["realistic"] = {
        "critical_path_seconds": 2.0,
        "transition_seconds": 2.0,
        "ours": report.summarise([run(3.0)]),
        "floor": report.summarise([run(2.5)]),
    }
    assert verdict(report.judge(scenario), "realistic")["met"] is True
    scenario["realistic"]["ours"] = report.summarise([run(3.1)])
    assert verdict(report.judge(scenario), "realistic")["met"] is False


def test_tables_show_every_row_and_the_unsupported_scenario():
    results = [result(), {"scenario": "100x5", "services": 100, "accounts": 5, "unsupported": "no accounts yet"}]
    text = report.text_table(results)
    assert "not yet supported: no accounts yet" in text
    assert "MISSED: deploy: at most 1.3 x the floor's API calls (2.67 vs 1.3)" in text
    markdown = report.markdown_table(results).splitlines()
    assert markdown[0].startswith("| scenario |") and len(markdown) == 2 + 3 + 1


def test_calls_are_split_into_mutating_and_read():
    requests = [
        {"service": "ec2", "operation": "CreateVpc", "mutating": True},
        {"service": "ec2", "operation": "DescribeVpcs", "mutating": False},
        {"service": "ec2", "operation": "DescribeVpcs", "mutating": False},
    ]
    assert measure.count_calls(requests) == {
        "mutating": 1,
        "read": 2,
        "total": 3,
        "by_operation": {"ec2:CreateVpc": 1, "ec2:DescribeVpcs": 2},
    }


def test_peak_memory_counts_the_children_of_the_process():
    # a parent that starts a child holding 60 MB: the tree's peak is above the child's allocation
    child = "import time; block = bytearray(60 * 2**20); time.sleep(1.5)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    start = time.monotonic()
    measured = measure.run_measured([sys.executable, "-c", parent], env=None, cwd=".", timeout=60)
    assert measured.ok and time.monotonic() - start >= 1.5
    assert measured.peak_rss > 60 * 2**20
    alone = measure.run_measured([sys.executable, "-c", "pass"], env=None, cwd=".", timeout=60)
    assert alone.peak_rss < measured.peak_rss


def test_the_recorded_command_leaves_out_the_tool_paths_the_wrapper_adds():
    from bench.__main__ import shown_arguments

    argv = ["--aws", "/x/aws", "--plot-python=/x/python", "--scenarios", "dev,10", "--realistic", ""]
    assert shown_arguments(argv) == ["--scenarios", "dev,10", "--realistic", "''"]


def test_profile_samples_are_shared_out_by_cost():
    from bench.profile import sample_costs, task_times

    raw = "\n".join(
        [
            'process 1:"ansible-playbook site.yml";run (/v/ansible/plugins/strategy/linear.py:1) 6',
            'process 2:"python AnsiballZ_service.py";<module> (/t/AnsiballZ_service.py:1);'
            "_find_and_load (<frozen importlib._bootstrap>:1);create_client (/v/botocore/session.py:9);"
            "load_service_model (/v/botocore/loaders.py:3) 4",
        ]
    )
    costs = sample_costs(raw)
    assert costs["samples"] == 10
    assert costs["processes_percent"] == {"controller (ansible-playbook)": 60.0, "module processes (AnsiballZ)": 40.0}
    assert costs["percent"]["controller: strategy, task queue, forks"] == 60.0
    assert costs["percent"]["boto3/botocore client creation"] == 40.0
    assert costs["percent"]["botocore service model loading (JSON)"] == 40.0
    assert "HTTP calls to the endpoint" not in costs["percent"]
    assert (
        costs["within_process_percent"]["module processes (AnsiballZ)"]["imports (module and controller start-up)"]
        == 100
    )
    output = "lattice.mesh.service : Create the service ------- 2.50s\nGather the plan ------------- 10.01s\n"
    assert task_times(output) == [("Gather the plan", 10.01), ("lattice.mesh.service : Create the service", 2.5)]


def test_separate_invocations_merge_into_one_table():
    from bench.merge import merge

    first = {"command": "scripts/bench --tools ours", "started": "t1", "checkout": "abc", "results": [result()]}
    cli_only = result()
    cli_only["rows"] = {"cli": {"deploy": report.summarise([run(90, mutating=100, read=30)])}}
    second = {"command": "scripts/bench --tools cli", "started": "t0", "checkout": "abc", "results": [cli_only]}
    merged = merge([first, second])
    assert merged["started"] == "t0" and merged["checkout"] == "abc"
    (scenario,) = merged["results"]
    assert set(scenario["rows"]) == {"ours", "floor", "cli"}
    assert scenario["rows"]["ours"]["noop"]["seconds"] == 20
