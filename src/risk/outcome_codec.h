// The bytes MPI ranks exchange: a future's outcome, field by field, and an error. Numbers are
// copied bit for bit (the ranks of one run share the byte order and the double format), so
// that an outcome decoded on rank 0 is the outcome the other rank computed, and the results
// are byte-identical to one process. The encoder and decoder bind every field of
// FutureOutcome by name (a structured binding): a field added to the struct and not here
// fails to compile.
#pragma once

#include <string>
#include <string_view>

#include "gpufleet/error.h"
#include "gpufleet/risk.h"

namespace gpufleet::risk {

// Appends `outcome` to `out`.
void encode_outcome(const FutureOutcome& outcome, std::string& out);
// Reads one outcome from the front of `in` and advances it. false (outcome unspecified) when
// `in` is shorter than the outcome it starts or a length is impossible.
bool decode_outcome(std::string_view& in, FutureOutcome& outcome);

std::string encode_error(const Error& error);
// false when `bytes` is not exactly one encoded error.
bool decode_error(std::string_view bytes, Error& error);

}  // namespace gpufleet::risk
