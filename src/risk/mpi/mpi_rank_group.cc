// The rank group on MPI (OpenMPI; any MPI-3 library): the one file that includes mpi.h.
// Built only when CMake finds MPI. Only the thread that joined calls MPI (MPI_THREAD_FUNNELED):
// worker threads evaluate futures and never communicate.
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>

#include <fmt/format.h>

#include "risk/rank_group.h"

namespace gpufleet::risk {

namespace {

constexpr int kGatherTag = 14;
constexpr uint64_t kPieceBytes = uint64_t{1} << 30;  // MPI counts are int: big buffers go in pieces

bool launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK") || std::getenv("PMI_RANK");
}

class MpiWorld final : public RankGroup {
 public:
  MpiWorld(int rank, int size, int local_size) : rank_(rank), size_(size), local_size_(local_size) {}
  ~MpiWorld() override {
    if (left_) return;
    // An exception while others may wait in a collective call: end them all, now.
    if (std::uncaught_exceptions() > 0 && size_ > 1) MPI_Abort(MPI_COMM_WORLD, kExitBadInput);
    MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_size() const override { return local_size_; }
  bool under_mpirun() const override { return true; }

  std::optional<Failure> lowest_failure(std::optional<std::string> mine) override {
    const int candidate = mine ? rank_ : size_;
    int lowest = size_;
    MPI_Allreduce(&candidate, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (lowest == size_) return std::nullopt;
    uint64_t n = rank_ == lowest ? mine->size() : 0;
    MPI_Bcast(&n, 1, MPI_UINT64_T, lowest, MPI_COMM_WORLD);
    Failure f{lowest, rank_ == lowest ? std::move(*mine) : std::string(n, '\0')};
    for (uint64_t at = 0; at < n; at += kPieceBytes)
      MPI_Bcast(f.bytes.data() + at, static_cast<int>(std::min(kPieceBytes, n - at)), MPI_BYTE, lowest, MPI_COMM_WORLD);
    return f;
  }

  void gather_to_root(const std::string& mine, const std::function<void(int, std::string_view)>& receive) override {
    if (rank_ != 0) {
      const uint64_t n = mine.size();
      MPI_Send(&n, 1, MPI_UINT64_T, 0, kGatherTag, MPI_COMM_WORLD);
      for (uint64_t at = 0; at < n; at += kPieceBytes)
        MPI_Send(mine.data() + at, static_cast<int>(std::min(kPieceBytes, n - at)), MPI_BYTE, 0, kGatherTag, MPI_COMM_WORLD);
      return;
    }
    receive(0, mine);
    std::string bytes;
    for (int r = 1; r < size_; ++r) {  // one rank's bytes held at a time
      uint64_t n = 0;
      MPI_Recv(&n, 1, MPI_UINT64_T, r, kGatherTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      bytes.assign(n, '\0');
      for (uint64_t at = 0; at < n; at += kPieceBytes)
        MPI_Recv(bytes.data() + at, static_cast<int>(std::min(kPieceBytes, n - at)), MPI_BYTE, r, kGatherTag, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
      receive(r, bytes);
    }
  }

  void leave() override {
    if (left_) return;
    left_ = true;
    MPI_Finalize();
  }

 private:
  int rank_, size_, local_size_;
  bool left_ = false;
};

}  // namespace

Result<std::unique_ptr<RankGroup>> join_rank_group() {
  if (!launched_by_mpirun()) return single_process_group();
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    return fail("<mpi>", 0, 0, "mpirun", "MPI_Init_thread failed");
  int rank = 0, size = 1, local_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &local);
  MPI_Comm_size(local, &local_size);
  MPI_Comm_free(&local);
  return std::make_unique<MpiWorld>(rank, size, local_size);
}

}  // namespace gpufleet::risk
