#!/usr/bin/env python3
"""The Python layer's cost: the built-in scenario simulated through gpufleet.simulate() (the
DataFrames built, in an interpreter that has imported gpufleet and pandas) against the command
`gpufleet simulate --out DIR --quiet` (the whole process: load, simulate, write the results).
Alternates them, prints every time, then the best and median of each and their ratio; and, for
what the engine alone takes, the command without --out (no job rows kept, no files written).

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_python.py --binary build/gpufleet --reps 7
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build/gpufleet", help="the gpufleet command")
    parser.add_argument("--reps", type=int, default=7, help="repetitions of each (at least 5)")
    args = parser.parse_args()
    if args.reps < 5:
        parser.error("--reps: at least 5")

    started = time.perf_counter()
    import gpufleet  # noqa: E402 (timed: the import of pandas and the module)
    import_s = time.perf_counter() - started

    scratch = tempfile.mkdtemp(prefix="bench_python_")
    cli, python, bare = [], [], []
    try:
        for rep in range(args.reps):
            out = os.path.join(scratch, "out{}".format(rep))
            t = time.perf_counter()
            subprocess.run([args.binary, "simulate", "--out", out, "--quiet"], check=True)
            cli.append(time.perf_counter() - t)
            t = time.perf_counter()
            r = gpufleet.simulate(gpufleet.default_scenario())
            python.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run([args.binary, "simulate", "--quiet"], check=True)
            bare.append(time.perf_counter() - t)
            print("rep {}: command {:.3f} s, Python {:.3f} s ({} jobs, {} hours), command without --out {:.3f} s".format(
                rep + 1, cli[-1], python[-1], len(r.jobs), len(r.timeseries), bare[-1]), flush=True)
            del r
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    best_cli, best_py = min(cli), min(python)
    median_cli, median_py = statistics.median(cli), statistics.median(python)
    print("import gpufleet (pandas, numpy, the module), once: {:.3f} s".format(import_s))
    print("gpufleet simulate --out DIR --quiet: best {:.3f} s, median {:.3f} s".format(best_cli, median_cli))
    print("gpufleet.simulate() with DataFrames: best {:.3f} s, median {:.3f} s".format(best_py, median_py))
    print("Python / command: best {:+.1f}%, median {:+.1f}% (of {} repetitions each)".format(
        100 * (best_py / best_cli - 1), 100 * (median_py / median_cli - 1), args.reps))
    print("gpufleet simulate --quiet (no --out): best {:.3f} s, median {:.3f} s; Python / that: best {:+.1f}%, median {:+.1f}%".format(
        min(bare), statistics.median(bare), 100 * (best_py / min(bare) - 1), 100 * (median_py / statistics.median(bare) - 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
