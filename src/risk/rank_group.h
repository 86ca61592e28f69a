// The processes one risk run is split across: MPI ranks when gpufleet was built with MPI and
// started by mpirun, else this one process. The runner sees only this interface; the one
// file that knows MPI is mpi/mpi_rank_group.cc. Every member function but rank(), size() and
// local_size() is collective: every rank calls it, in the same order.
// Thread safety: call from the thread that joined the group.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gpufleet/error.h"

namespace gpufleet::risk {

class RankGroup {
 public:
  virtual ~RankGroup() = default;
  virtual int rank() const = 0;        // 0 .. size() - 1; rank 0 reports
  virtual int size() const = 0;        // >= 1
  virtual int local_size() const = 0;  // ranks on this machine (this one included)
  virtual bool under_mpirun() const = 0;  // started by mpirun (even with one rank)
  // Every rank gets the lowest rank that passed bytes, and its bytes; nullopt when none did.
  struct Failure {
    int rank = 0;
    std::string bytes;
  };
  virtual std::optional<Failure> lowest_failure(std::optional<std::string> mine) = 0;
  // Rank 0's `receive` is called once per rank, in rank order (its own bytes first), with
  // that rank's `mine`; the other ranks' is never called. Any size (sent in pieces).
  virtual void gather_to_root(const std::string& mine, const std::function<void(int rank, std::string_view bytes)>& receive) = 0;
  // Ends this rank's part (MPI_Finalize): call on every rank once no collective call is left
  // (after the gather, or when every rank has the same error from agree). The process goes on
  // alone. A group destroyed without it while an exception unwinds ends every rank at once
  // (exit 2), since the others may be waiting in a collective call.
  virtual void leave() = 0;
};

// The group this process belongs to: MPI's world when gpufleet was built with MPI and the
// process was started by mpirun (OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK set); this one
// process otherwise. Error when started by mpirun with more than one rank but built without
// MPI (K copies would each evaluate every future). Call at most once per process.
Result<std::unique_ptr<RankGroup>> join_rank_group();

// The rank mpirun (or srun) gave this process, read from its environment without MPI
// (OMPI_COMM_WORLD_RANK, PMIX_RANK, PMI_RANK); 0 outside mpirun. For what rank 0 alone prints
// before any group is joined (usage errors, help).
int launched_rank();

// This process alone (what join_rank_group returns outside mpirun).
std::unique_ptr<RankGroup> single_process_group();

// Collective: success on every rank, or on every rank the error of the lowest rank that
// failed, saying which rank it was when it was not rank 0 and there are several.
Result<void> agree(RankGroup& ranks, const Result<void>& mine);

}  // namespace gpufleet::risk
