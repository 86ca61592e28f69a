"""gpufleet from Python: load a scenario, simulate it or plan it, and get pandas DataFrames.

    import gpufleet
    s = gpufleet.load_scenario("scenario.yaml")        # or gpufleet.default_scenario()
    r = gpufleet.simulate(s, policy="fifo", seed=7)      # r.jobs, r.timeseries, r.summary
    p = gpufleet.plan(s)                                 # p.commitments, p.summary, p.status

The work is done by the engine the `gpufleet` command runs (the native module _gpufleet), with
the same options and the same results: r.jobs has jobs.csv's columns, r.timeseries those of
timeseries.csv, r.summary is summary.json as a dict; p.summary is plan.json, p.commitments
plan.csv. Bad input raises gpufleet.Error (a ValueError) with the command's error text and
.file, .line, .column, .field (None when unknown) and .reason. See docs/python.md.
"""

import io
import json

import numpy as np
import pandas as pd

from . import _gpufleet
from ._gpufleet import Error, Scenario

__all__ = ["Error", "Scenario", "SimulationResult", "PlanResult", "load_scenario", "default_scenario", "simulate", "plan"]


def load_scenario(path):
    """The scenario in the YAML file at path (docs/scenario-format.md)."""
    return _gpufleet.load_scenario(str(path))


def default_scenario():
    """The built-in scenario: what `gpufleet simulate` runs without a file (and, for plan(),
    the built-in planning scenario, as `gpufleet plan` without a file)."""
    return _gpufleet.default_scenario()


class SimulationResult:
    """What `gpufleet simulate --out DIR` writes: jobs (jobs.csv), timeseries (timeseries.csv)
    and summary (summary.json) as DataFrames and a dict."""

    def __init__(self, jobs, timeseries, summary):
        self.jobs = jobs
        self.timeseries = timeseries
        self.summary = summary

    def __repr__(self):
        return "<gpufleet.SimulationResult '{}': {} jobs, {} hours>".format(
            self.summary.get("scenario"), len(self.jobs), len(self.timeseries))


class PlanResult:
    """What `gpufleet plan --out DIR` writes: summary (plan.json) as a dict and commitments
    (plan.csv: the new commitments, then the contracts in force before the plan) as a DataFrame;
    status is plan.json's ("optimal", "time_limit", "infeasible", "no_plan_found")."""

    def __init__(self, status, summary, commitments):
        self.status = status
        self.summary = summary
        self.commitments = commitments

    def __repr__(self):
        return "<gpufleet.PlanResult '{}': {}, {} rows>".format(self.summary.get("scenario"), self.status, len(self.commitments))


def _frame(columns):
    """A DataFrame from the native columns: numpy arrays, or (codes, categories) made
    categorical (code -1: an empty cell, NaN as pandas reads the CSV)."""
    data = {}
    for name, values in columns:
        if isinstance(values, tuple):
            codes, categories = values
            values = pd.Categorical.from_codes(codes, categories=categories)
        data[name] = values
    return pd.DataFrame(data, copy=False)


def _text(value):
    return "" if value is None else str(value)


def simulate(scenario, trace=None, gpus=None, policy=None, placement=None, seed=None, no_faults=False,
             skip_bad_rows=False, map=None, time_format=None, checkpoint_cost=None, preemption=None,
             las_demotion=None):
    """Simulates the scenario as `gpufleet simulate` does with the same options: trace
    ("philly:PATH", "sia:PATH", "csv:PATH" with map=..., "slurm:PATH"), gpus (one cluster of N
    reference GPUs), policy ("fifo", "sjf", "fifo-backfill", "srtf", "las", optionally
    "/PLACEMENT"), placement, seed, no_faults, skip_bad_rows, time_format, checkpoint_cost
    ("1m"), preemption ("checkpoint" or "free"), las_demotion ("exact" or "tiresias").
    Returns a SimulationResult; bad input raises gpufleet.Error."""
    if not isinstance(scenario, Scenario):
        raise TypeError("simulate() needs a gpufleet.Scenario (load_scenario or default_scenario), not {}".format(type(scenario).__name__))
    native = _gpufleet.simulate(
        scenario, _text(trace), None if gpus is None else int(gpus), _text(policy), _text(placement), _text(seed),
        bool(no_faults), bool(skip_bad_rows), _text(map), _text(time_format), _text(checkpoint_cost), _text(preemption),
        _text(las_demotion))
    jobs = _frame(native["jobs"])
    timeseries = _frame(native["timeseries"])
    timeseries["time"] = pd.to_datetime(timeseries["time"], unit="s", utc=True)
    return SimulationResult(jobs, timeseries, json.loads(native["summary_json"]))


def plan(scenario, time_limit=60.0, gap=0.005, threads=1, relax=False, limit_costs=True):
    """Plans capacity commitments as `gpufleet plan` does (time_limit in wall seconds, gap the
    relative optimality gap, threads, relax for the LP relaxation only, limit_costs for the
    provider share cap's cost). The scenario's file must have a `plan:` section; the built-in
    scenario plans the built-in planning scenario. Returns a PlanResult; an infeasible plan is a
    result (status "infeasible", summary["diagnosis"]), bad input raises gpufleet.Error."""
    if not isinstance(scenario, Scenario):
        raise TypeError("plan() needs a gpufleet.Scenario (load_scenario or default_scenario), not {}".format(type(scenario).__name__))
    native = _gpufleet.plan(scenario, float(time_limit), float(gap), int(threads), bool(relax), bool(limit_costs))
    commitments = pd.read_csv(io.StringIO(native["plan_csv"]))
    return PlanResult(native["status"], json.loads(native["plan_json"]), commitments)
