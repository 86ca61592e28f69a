// A run split into shards (the tasks of a job array) and merged: DIR/shard.txt holds one
// header line, then one line per future of the block: its outcome through the outcome codec
// (the bytes rank 0 would have received from an MPI rank), in hex, so that the merged run is
// byte-identical to one process and the file is text (results folders hold text).
//   gpufleet risk shard 1 digest=<16 hex> futures=<N> shard=<I>/<K> outcomes=<M>
//   <hex of future first's outcome>
//   ...
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "gpufleet/risk.h"
#include "risk/future_runner.h"
#include "risk/outcome_codec.h"
#include "risk/risk_run.h"
#include "util/atomic_file.h"

namespace gpufleet {

namespace {

constexpr const char* kShardFile = "shard.txt";
constexpr int kMaxShards = 100000;

std::string shard_path(const std::string& dir) { return (std::filesystem::path(dir) / kShardFile).string(); }

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Result<void> write_risk_shard(const RiskShard& shard, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(dir, 0, 0, "", "cannot create the folder: " + ec.message());
  std::string bytes = fmt::format("gpufleet risk shard 1 digest={:016x} futures={} shard={}/{} outcomes={}\n", shard.inputs_digest,
                                  shard.futures, shard.shard, shard.shards, shard.outcomes.size());
  std::string outcome;
  for (const FutureOutcome& o : shard.outcomes) {
    outcome.clear();
    risk::encode_outcome(o, outcome);
    for (unsigned char c : outcome) {
      bytes += kHex[c >> 4];
      bytes += kHex[c & 15];
    }
    bytes += '\n';
  }
  return write_file_atomically(shard_path(dir), bytes);
}

Result<RiskShard> read_risk_shard(const std::string& dir) {
  const std::string path = shard_path(dir);
  auto bytes = read_file(path);
  if (!bytes) return fail(bytes.error());
  const size_t eol = bytes->find('\n');
  RiskShard s;
  uint64_t digest = 0;
  int64_t futures = 0, outcomes = 0;
  int shard = -1, shards = 0, used = 0;
  const std::string header = bytes->substr(0, std::min<size_t>(eol, 200));
  if (eol == std::string::npos ||
      std::sscanf(header.c_str(), "gpufleet risk shard 1 digest=%16" SCNx64 " futures=%" SCNd64 " shard=%d/%d outcomes=%" SCNd64 "%n", &digest,
                  &futures, &shard, &shards, &outcomes, &used) != 5 ||
      static_cast<size_t>(used) != header.size())
    return fail(path, 1, 0, "", "not a shard of `gpufleet risk --shard I/K --out DIR` (its first line is not the shard header)");
  if (futures < 1 || futures > kMaxRiskFutures || shards < 1 || shards > kMaxShards || shard < 0 || shard >= shards)
    return fail(path, 1, 0, "", fmt::format("impossible shard {}/{} of {} futures", shard, shards, futures));
  const auto [first, last] = risk::rank_block(futures, shard, shards);
  if (outcomes != last - first)
    return fail(path, 1, 0, "outcomes", fmt::format("{}: shard {}/{} of {} futures has {}", outcomes, shard, shards, futures, last - first));
  s.inputs_digest = digest;
  s.futures = futures;
  s.shard = shard;
  s.shards = shards;
  std::string_view rest(*bytes);
  rest.remove_prefix(eol + 1);
  // As many lines as the header says before any outcome is allocated (a header may lie).
  const auto lines = static_cast<int64_t>(std::count(rest.begin(), rest.end(), '\n'));
  if (lines < outcomes)
    return fail(path, static_cast<int>(lines + 2), 0, "",
                fmt::format("the file ends before the outcome of future {} ({} of {})", first + lines, lines + 1, outcomes));
  s.outcomes.resize(static_cast<size_t>(outcomes));
  std::string outcome;
  for (int64_t k = 0; k < outcomes; ++k) {
    const int line = static_cast<int>(k + 2);
    const size_t end = rest.find('\n');
    if (end == std::string::npos)
      return fail(path, line, 0, "", fmt::format("the file ends before the outcome of future {} ({} of {})", first + k, k + 1, outcomes));
    outcome.clear();
    for (size_t i = 0; i + 1 < end; i += 2) {
      const int hi = hex_value(rest[i]), lo = hex_value(rest[i + 1]);
      if (hi < 0 || lo < 0) return fail(path, line, static_cast<int>(i + 1), "", "expected lowercase hex digits");
      outcome += static_cast<char>(hi * 16 + lo);
    }
    std::string_view in(outcome);
    if (end % 2 != 0 || !risk::decode_outcome(in, s.outcomes[static_cast<size_t>(k)]) || !in.empty())
      return fail(path, line, 0, "", fmt::format("the outcome of future {} is not one this gpufleet wrote", first + k));
    rest.remove_prefix(end + 1);
  }
  if (!rest.empty()) return fail(path, static_cast<int>(outcomes + 2), 0, "", "lines after the last outcome");
  return s;
}

Result<RiskResult> merge_risk_shards(const PlanInputs& inputs, const std::vector<Contract>& commitments, std::vector<RiskShard> shards,
                                     const std::vector<std::string>& shard_dirs, uint64_t inputs_digest, int64_t futures) {
  if (shards.empty() || shards.size() != shard_dirs.size()) return fail("<command line>", 0, 0, "--merge", "expected the shards' folders");
  const int count = shards.front().shards;
  std::vector<int> seen(static_cast<size_t>(count), -1);
  for (size_t i = 0; i < shards.size(); ++i) {
    const RiskShard& s = shards[i];
    const std::string path = shard_path(shard_dirs[i]);
    if (s.inputs_digest != inputs_digest)
      return fail(path, 0, 0, "digest", "this shard was run on another scenario, plan or seed than the merge's: run every shard and the merge on the same ones");
    if (s.futures != futures)
      return fail(path, 0, 0, "futures", fmt::format("{} futures in this shard's run; the merge has --futures {}", s.futures, futures));
    if (s.shards != count)
      return fail(path, 0, 0, "shard", fmt::format("{}/{}: the first shard is one of {}", s.shard, s.shards, count));
    if (seen[static_cast<size_t>(s.shard)] >= 0)
      return fail(path, 0, 0, "shard", fmt::format("{}/{} again (also in {})", s.shard, count, shard_dirs[static_cast<size_t>(seen[static_cast<size_t>(s.shard)])]));
    seen[static_cast<size_t>(s.shard)] = static_cast<int>(i);
  }
  if (shards.size() != static_cast<size_t>(count)) {
    std::string missing;
    for (int k = 0; k < count; ++k)
      if (seen[static_cast<size_t>(k)] < 0) missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", k, count);
    return fail("<command line>", 0, 0, "--merge", fmt::format("{} of {} shards given; missing {}", shards.size(), count, missing));
  }
  // The outcomes in future order, then through the run as an evaluator that hands each over.
  std::vector<FutureOutcome> all;
  all.reserve(static_cast<size_t>(futures));
  for (int k = 0; k < count; ++k)
    for (FutureOutcome& o : shards[static_cast<size_t>(seen[static_cast<size_t>(k)])].outcomes) all.push_back(std::move(o));
  RiskOptions options;
  options.futures = futures;
  options.threads = 1;
  return risk::run_risk_with(inputs, commitments, options, [&all](const risk::Book&) -> Result<risk::FutureEvaluator> {
    return [&all](int64_t k) -> Result<FutureOutcome> { return std::move(all[static_cast<size_t>(k)]); };
  });
}

}  // namespace gpufleet
