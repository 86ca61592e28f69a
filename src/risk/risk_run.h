// A risk run with any per-future evaluator: what run_risk does with the period model, for
// another fidelity (e.g. each future through the simulator) to plug into. The run checks the
// options and the commitments, builds the book, asks make_evaluator for the evaluator (once per
// rank, before any future: its error is agreed like the others), evaluates futures 0 .. N-1
// through the runner (threads; MPI ranks with options.ranks) and summarises on rank 0.
#pragma once

#include <functional>
#include <vector>

#include "gpufleet/risk.h"
#include "risk/future_runner.h"
#include "risk/risk_book.h"

namespace gpufleet::risk {

// The evaluator of one run, made from its book (which outlives it).
using EvaluatorFactory = std::function<Result<FutureEvaluator>(const Book& book)>;

// REQUIRES: as run_risk. Collective with options.ranks, as run_risk.
Result<RiskResult> run_risk_with(const PlanInputs& inputs, const std::vector<Contract>& commitments, const RiskOptions& options,
                                 const EvaluatorFactory& make_evaluator);

}  // namespace gpufleet::risk
