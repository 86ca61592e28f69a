// Writes an LpModel as free-format MPS (rows R<i>, columns C<j>, objective row "obj"), so that
// an independent solver (GLPK's glpsol --freemps) can solve the very model the builder made.
// The objective constant (objective_offset) is not written: compare objectives without it.
#pragma once

#include <string>

#include "plan/lp_model.h"

namespace gpufleet::plan {

std::string to_free_mps(const LpModel& model);

}  // namespace gpufleet::plan
