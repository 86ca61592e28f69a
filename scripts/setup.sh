#!/usr/bin/env bash
# Installs every Debian package gpufleet needs to build, run and test. Idempotent; run as root.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config   # toolchain
  libyaml-cpp-dev        # scenario files
  libexpected-dev        # tl::expected: errors as values (std::expected is not usable from clang 14, which builds the fuzzers)
  nlohmann-json3-dev     # summary.json / plan.json, fault traces
  libfmt-dev             # fast, safe formatting of CSV rows and tables
  libcli11-dev           # command-line parsing
  coinor-libcbc-dev coinor-libclp-dev  # planner MILP / LP solver
  libsqlite3-dev         # gpufleet serve: the embedded durable store (WAL)
  libcpp-httplib-dev     # gpufleet serve: the HTTP/1.1 server and the client commands
  libssl-dev             # SHA-256 of bearer tokens (libcrypto); cpp-httplib links it too
  libpqxx-dev            # gpufleet serve --db postgresql://...: state shared by several processes
  postgresql             # a real PostgreSQL 15 server that the serve tests start and stop themselves
  slurmctld slurmd slurm-client munge  # a real Slurm cluster (controller, nodes, sbatch/squeue/...) that the serve tests start and stop themselves
  openmpi-bin libopenmpi-dev  # mpirun -n K gpufleet risk: futures split across MPI ranks (optional at build time; the tests run mpirun)
  libgtest-dev libgmock-dev   # unit tests
  libbenchmark-dev       # opt-in benchmarks
  clang libclang-rt-14-dev    # libFuzzer targets run briefly in the tests
  glpk-utils             # independent solver (glpsol) the planner tests cross-check against
  libjs-chart.js         # Chart.js, embedded into every HTML report at build time
  chromium               # headless browser: the report's browser test
  poppler-utils          # pdftotext / pdftoppm: the report test reads the pages Chromium prints
  pybind11-dev python3-pybind11 python3-dev  # the Python module (python/): pybind11's headers and CMake files, Python's headers
  python3-numpy python3-pandas  # the Python module's results: columns as numpy arrays, tables as pandas DataFrames
  python3-pytest         # the Python module's tests (ctest -R Python)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
