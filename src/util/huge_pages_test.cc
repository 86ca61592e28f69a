#include "util/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace gpufleet {
namespace {

// kB of AnonHugePages in the mapping of /proc/self/smaps that holds address p; -1 if unknown.
long huge_kib_at(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const auto at = reinterpret_cast<uintptr_t>(p);
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = lo <= at && at < hi;
      continue;
    }
    if (inside && line.rfind("AnonHugePages:", 0) == 0) return std::stol(line.substr(14));
  }
  return -1;
}

TEST(HugePages, ReservedStorageHoldsWhatIsWritten) {
  std::vector<uint64_t> v;
  reserve_huge(v, 3'000'000);  // 24 MB
  ASSERT_GE(v.capacity(), 3'000'000u);
  const uint64_t* before = v.data();
  for (uint64_t i = 0; i < 3'000'000; ++i) v.push_back(i * 7);
  EXPECT_EQ(v.data(), before);  // no reallocation
  for (uint64_t i = 0; i < 3'000'000; i += 99'991) EXPECT_EQ(v[i], i * 7);
  // madvise splits the mapping at the 2 MiB boundaries: look in the middle of the array.
  const long kib = huge_kib_at(v.data() + v.size() / 2);
  std::ifstream mode("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  std::getline(mode, modes);
  if (modes.find("[always]") == std::string::npos && modes.find("[madvise]") == std::string::npos)
    GTEST_SKIP() << "transparent huge pages are off here ('" << modes << "'): the advice has no effect";
  // With defrag "madvise" (the default) the kernel compacts memory for advised ranges.
  EXPECT_GT(kib, 0);
}

TEST(HugePages, SmallAndEmptyRangesAreLeftAlone) {
  advise_huge_pages(nullptr, 0);
  advise_huge_pages(nullptr, 1 << 22);
  std::vector<int> small;
  reserve_huge(small, 10);
  small.assign(10, 3);
  EXPECT_EQ(small[9], 3);
  std::vector<int> none;
  reserve_huge(none, 0);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace gpufleet
