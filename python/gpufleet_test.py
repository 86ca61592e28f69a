"""The Python module against the gpufleet command: the same scenario, options and seed give the
same rows, columns, totals and summaries as `gpufleet simulate --out` and `gpufleet plan --out`
write, and bad input raises gpufleet.Error with the command's error text.

Run by ctest (Python.gpufleet) with PYTHONPATH=build/python, GPUFLEET_BINARY the command and
GPUFLEET_SHARED_DATA ../shared/data."""

import json
import math
import os
import subprocess
import sys
import threading

import pandas as pd
import pytest

import gpufleet

BINARY = os.environ.get("GPUFLEET_BINARY", "build/gpufleet")
SHARED = os.environ.get("GPUFLEET_SHARED_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
PHILLY = os.path.join(SHARED, "philly", "philly.csv")

# Decimals of jobs.csv's and timeseries.csv's number cells (sim_results_writer.cc).
JOBS_DECIMALS = {"submit_s": 3, "start_s": 3, "end_s": 3, "queue_s": 3, "jct_s": 3, "gpu_hours_allocated": 4,
                 "cost_usd": 4, "contract_usd": 4, "on_demand_usd": 4, "spot_usd": 4}

SMALL_SCENARIO = """\
name: small
start: 2026-01-01
horizon: 10d
seed: 3
accelerators: [{name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700}]
providers: [{name: aws}]
sites: [{name: aws-us-west-2, provider: aws, region: us-west-2, jurisdiction: US}]
contracts:
  - {name: c, site: aws-us-west-2, accelerator: H100-SXM, usd_per_gpu_hour: 2, start: 0d, end: 10d, gpus: 16}
workload:
  fixed:
    - {name: a, submit: 1d, gpus: 8, duration: 1h}
    - {name: b, submit: 1d, gpus: 16, duration: 2h}
"""


def run_cli(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True)


def cli_error(*args):
    """The command's error text (its stderr's "error: ..." line, without "error: ") and status."""
    r = run_cli(*args)
    lines = [l for l in r.stderr.splitlines() if l.startswith("error: ")]
    assert lines, r.stderr
    return r.returncode, lines[0][len("error: "):]


def cli_simulate(out_dir, *args):
    r = run_cli("simulate", "--quiet", "--out", str(out_dir), *args)
    assert r.returncode == 0, r.stderr
    return (pd.read_csv(out_dir / "jobs.csv", dtype=str, keep_default_na=False),
            pd.read_csv(out_dir / "timeseries.csv", dtype=str, keep_default_na=False),
            json.loads((out_dir / "summary.json").read_text()))


def cells(series, decimals=None):
    """A column as the CSV writes its cells: fixed decimals, integers, names; "" when empty."""
    if isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object:
        return [("" if pd.isna(v) else str(v)) for v in series]
    if decimals is None:
        return [str(int(v)) for v in series]
    return [("" if math.isnan(v) else "{:.{}f}".format(v, decimals)) for v in series]


def assert_same_jobs(frame, csv):
    assert list(frame.columns) == list(csv.columns)
    assert len(frame) == len(csv)
    for column in csv.columns:
        assert cells(frame[column], JOBS_DECIMALS.get(column)) == list(csv[column]), column


def assert_same_timeseries(frame, csv):
    assert list(frame.columns) == list(csv.columns)
    assert len(frame) == len(csv)
    assert list(frame["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")) == list(csv["time"])
    for column in csv.columns:
        if column == "time":
            continue
        integer = column in ("hour", "queued_jobs") or column.startswith("committed_physical_gpus_")
        decimals = None if integer else (4 if column.startswith("spend_usd") else 3)
        assert cells(frame[column], decimals) == list(csv[column]), column


def assert_same_summary(summary, cli_summary):
    # sim_wall_s is the one value that differs between two identical runs.
    ours = {k: v for k, v in summary.items() if k != "sim_wall_s"}
    theirs = {k: v for k, v in cli_summary.items() if k != "sim_wall_s"}
    assert ours == theirs


def test_default_scenario_is_the_built_in_one():
    s = gpufleet.default_scenario()
    assert s.path is None
    assert s.providers and s.sites and s.accelerators
    assert "<built-in>" in repr(s)


def test_load_scenario_reads_a_file(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SCENARIO)
    s = gpufleet.load_scenario(path)
    assert s.path == str(path)
    assert s.name == "small"
    assert s.seed == 3
    assert s.providers == ["aws"]
    assert s.sites == ["aws-us-west-2"]
    assert s.contracts == ["c"]
    assert s.horizon_s == 10 * 86400


def test_simulate_of_a_file_equals_the_command(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SCENARIO)
    r = gpufleet.simulate(gpufleet.load_scenario(path))
    jobs, timeseries, summary = cli_simulate(tmp_path / "out", str(path))
    assert_same_jobs(r.jobs, jobs)
    assert_same_timeseries(r.timeseries, timeseries)
    assert_same_summary(r.summary, summary)
    # Job b (16 GPUs) waits for a (8 of the 16) to end: an hour.
    b = r.jobs.set_index("name").loc["b"]
    assert b["queue_s"] == pytest.approx(3600)
    assert r.summary["completed"] == 2


def test_simulate_built_in_equals_the_command(tmp_path):
    r = gpufleet.simulate(gpufleet.default_scenario(), seed=11, policy="sjf")
    jobs, timeseries, summary = cli_simulate(tmp_path / "out", "--seed", "11", "--policy", "sjf")
    assert len(r.jobs) == summary["jobs"] > 1000
    assert_same_jobs(r.jobs, jobs)
    assert_same_timeseries(r.timeseries, timeseries)
    assert_same_summary(r.summary, summary)
    assert r.summary["seed"] == 11 and r.summary["queue_policy"] == "sjf"
    # Totals: the jobs' own spend and GPU-hours add up to what the summary attributes to kinds.
    by_kind = r.jobs.groupby("kind", observed=True)["cost_usd"].sum()
    for kind, totals in summary["kinds"].items():
        assert by_kind[kind] == pytest.approx(totals["cost_usd"], rel=1e-9)
    assert isinstance(r.jobs["site"].dtype, pd.CategoricalDtype)
    assert str(r.timeseries["time"].dt.tz) == "UTC"


@pytest.mark.skipif(not os.path.exists(PHILLY), reason="../shared/data/philly/philly.csv is absent")
def test_trace_replay_on_a_cluster_equals_the_command(tmp_path):
    trace = "philly:" + PHILLY
    r = gpufleet.simulate(gpufleet.default_scenario(), trace=trace, gpus=2816, policy="fifo", no_faults=True)
    jobs, timeseries, summary = cli_simulate(tmp_path / "out", "--trace", trace, "--gpus", "2816", "--policy", "fifo",
                                             "--no-faults")
    assert len(r.jobs) == 82247
    assert_same_jobs(r.jobs, jobs)
    assert_same_timeseries(r.timeseries, timeseries)
    assert_same_summary(r.summary, summary)
    # As recorded: the work done is the trace's GPU-seconds exactly.
    assert r.summary["gpu_seconds_busy"] == 3521082502.0
    assert r.jobs["end_s"].notna().all()


def test_plan_equals_the_command(tmp_path):
    p = gpufleet.plan(gpufleet.default_scenario())
    out = tmp_path / "plan"
    r = run_cli("plan", "--quiet", "--out", str(out))
    assert r.returncode == 0, r.stderr
    csv = pd.read_csv(out / "plan.csv")
    pd.testing.assert_frame_equal(p.commitments, csv)
    assert (p.commitments["kind"] == "new").sum() == len(p.summary["commitments"]) > 0
    cli_json = json.loads((out / "plan.json").read_text())
    assert p.status == cli_json["status"] == "optimal"
    # Wall times aside (passes and search passes), plan.json is the same.
    for summary in (p.summary, cli_json):
        summary.pop("passes")
        for step in summary["search"]:
            step.pop("seconds")
    assert p.summary == cli_json


def test_bad_scenario_raises_with_file_line_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(SMALL_SCENARIO.replace("site: aws-us-west-2, accelerator", "site: aws-us-east-1, accelerator"))
    with pytest.raises(gpufleet.Error) as caught:
        gpufleet.load_scenario(path)
    e = caught.value
    assert isinstance(e, ValueError)
    assert e.file == str(path)
    assert e.line == 9
    assert e.field == "contracts[0].site"
    assert "aws-us-east-1" in e.reason
    status, message = cli_error("simulate", "--quiet", str(path))
    assert status == 2
    assert str(e) == message


def test_unknown_policy_raises_the_command_s_error():
    with pytest.raises(gpufleet.Error) as caught:
        gpufleet.simulate(gpufleet.default_scenario(), policy="bogus")
    status, message = cli_error("simulate", "--quiet", "--policy", "bogus")
    assert status == 2
    assert str(caught.value) == message
    assert caught.value.field == "policy.queue"


def test_bad_keywords_raise_the_command_s_errors():
    s = gpufleet.default_scenario()
    for kwargs, args in [({"seed": -1}, ["--seed=-1"]), ({"trace": "nope"}, ["--trace", "nope"]),
                         ({"preemption": "free", "policy": "fifo"}, ["--preemption", "free", "--policy", "fifo"])]:
        with pytest.raises(gpufleet.Error) as caught:
            gpufleet.simulate(s, **kwargs)
        status, message = cli_error("simulate", "--quiet", *args)
        assert status == 2
        assert str(caught.value) == message, kwargs
        assert caught.value.file == "<command line>"
    with pytest.raises(gpufleet.Error, match="expected a whole number of GPUs from 1 to 134,217,728, found '0'"):
        gpufleet.simulate(s, gpus=0)


def test_bad_plan_keywords_raise_the_command_s_errors():
    s = gpufleet.default_scenario()
    for kwargs, args in [({"threads": 0}, ["--threads", "0"]), ({"gap": 2}, ["--gap", "2"]),
                         ({"time_limit": 0}, ["--time-limit", "0"])]:
        with pytest.raises(gpufleet.Error) as caught:
            gpufleet.plan(s, **kwargs)
        status, message = cli_error("plan", "--quiet", *args)
        assert status == 2
        assert str(caught.value) == message, kwargs


def test_plan_of_a_file_without_a_plan_section_is_an_error(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SCENARIO)
    with pytest.raises(gpufleet.Error) as caught:
        gpufleet.plan(gpufleet.load_scenario(path))
    status, message = cli_error("plan", "--quiet", str(path))
    assert status == 2
    assert str(caught.value) == message
    assert caught.value.file == str(path)


def test_simulate_and_plan_let_other_threads_run():
    """With a switch interval longer than the call, the interpreter never takes the GIL from the
    worker: this thread can run while the worker is inside the native call only if the call
    gives the GIL up (gil_scoped_release). It looks at `done` then: still False."""
    s = gpufleet.default_scenario()
    calls = [lambda: gpufleet._gpufleet.simulate(s, "", None, "", "", "", False, False, "", "", "", "", ""),
             lambda: gpufleet._gpufleet.plan(s, 60.0, 0.005, 1, True, False)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000)
    try:
        for call in calls:
            started, state = threading.Event(), {"done": False}

            def work():
                started.set()
                call()
                state["done"] = True

            worker = threading.Thread(target=work)
            worker.start()
            started.wait()
            ran_during_the_call = not state["done"]
            worker.join()
            assert ran_during_the_call
            assert state["done"]
    finally:
        sys.setswitchinterval(interval)


def test_missing_trace_file_names_it(tmp_path):
    missing = tmp_path / "none.csv"
    with pytest.raises(gpufleet.Error) as caught:
        gpufleet.simulate(gpufleet.default_scenario(), trace="philly:" + str(missing), gpus=8)
    assert caught.value.file == str(missing)
