// The one source of randomness: a seeded xoshiro256** generator handed to whatever needs it.
// Own implementations of the distributions keep results identical across standard libraries.
#pragma once

#include <cmath>
#include <cstdint>

namespace gpufleet {

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : state_) s = splitmix(x);
  }

  uint64_t next_u64() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for log().
  double uniform_open0() { return 1.0 - uniform(); }
  // Exponential with the given rate (mean 1/rate). REQUIRES: rate > 0.
  double exponential(double rate) { return -std::log(uniform_open0()) / rate; }
  // Standard normal (Box-Muller; the second value is discarded to keep the stream simple).
  double normal() {
    const double u1 = uniform_open0();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Lognormal with the given median and sigma of ln(x).
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  // Uniform integer in [0, n). REQUIRES: n > 0.
  uint64_t below(uint64_t n) { return static_cast<uint64_t>(uniform() * static_cast<double>(n)) % n; }

  // An independent stream derived from this seed and a label (e.g. one per job class).
  static Rng derived(uint64_t seed, uint64_t label) {
    uint64_t x = seed ^ (label * 0x9E3779B97F4A7C15ULL);
    return Rng(splitmix(x));
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t state_[4];
};

}  // namespace gpufleet
