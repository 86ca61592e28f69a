#include "risk/rank_group.h"

#include <cstdlib>

#include <fmt/format.h>

#include "risk/outcome_codec.h"

namespace gpufleet::risk {

namespace {

class SingleProcess final : public RankGroup {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int local_size() const override { return 1; }
  bool under_mpirun() const override { return false; }
  std::optional<Failure> lowest_failure(std::optional<std::string> mine) override {
    if (!mine) return std::nullopt;
    return Failure{0, std::move(*mine)};
  }
  void gather_to_root(const std::string& mine, const std::function<void(int, std::string_view)>& receive) override { receive(0, mine); }
  void leave() override {}
};

}  // namespace

int launched_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* v = std::getenv(name)) return std::atoi(v);
  return 0;
}

std::unique_ptr<RankGroup> single_process_group() { return std::make_unique<SingleProcess>(); }

Result<void> agree(RankGroup& ranks, const Result<void>& mine) {
  std::optional<std::string> bytes;
  if (!mine) bytes = encode_error(mine.error());
  const std::optional<RankGroup::Failure> lowest = ranks.lowest_failure(std::move(bytes));
  if (!lowest) return {};
  Error error;
  if (!decode_error(lowest->bytes, error)) error = Error{"<mpi>", 0, 0, "", "a rank failed and its error did not arrive whole"};
  // Rank 0 reports: name the rank an error came from when it was another.
  if (lowest->rank != 0) error.message += fmt::format(" (on MPI rank {} of {})", lowest->rank, ranks.size());
  return fail(error);
}

#ifndef GPUFLEET_HAVE_MPI
// Built without MPI: refuse to run as one of several copies started by mpirun.
Result<std::unique_ptr<RankGroup>> join_rank_group() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (!size) size = std::getenv("PMI_SIZE");
  if (size && std::atoi(size) > 1)
    return fail("<command line>", 0, 0, "mpirun",
                fmt::format("this gpufleet was built without MPI, so the {} copies mpirun started would each evaluate every future; "
                            "install libopenmpi-dev (scripts/setup.sh) and rebuild, or run gpufleet without mpirun",
                            size));
  return single_process_group();
}
#endif

}  // namespace gpufleet::risk
