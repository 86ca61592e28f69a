#include "util/digest.h"

#include <cstring>

#include <fmt/format.h>

namespace gpufleet {

namespace {
constexpr uint64_t kOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kPrime = 0x100000001b3ULL;
}  // namespace

uint64_t fnv1a64(std::string_view text) {
  uint64_t h = kOffset;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= kPrime;
  }
  return h;
}

uint64_t fnv1a64_words(std::string_view content) {
  uint64_t h = kOffset;
  size_t i = 0;
  for (; i + 8 <= content.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, content.data() + i, 8);  // little-endian on every target we build for
    h ^= word;
    h *= kPrime;
  }
  for (; i < content.size(); ++i) {
    h ^= static_cast<unsigned char>(content[i]);
    h *= kPrime;
  }
  h ^= content.size();
  h *= kPrime;
  return h;
}

std::string file_digest(std::string_view content) { return fmt::format("fnv1a64w:{:016x}", fnv1a64_words(content)); }

}  // namespace gpufleet
