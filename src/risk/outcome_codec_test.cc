// The codec carries every field of FutureOutcome bit for bit: each field gets a value of its
// own (bound by name, so a field added to the struct fails to compile here until it is given
// one), the round trip returns an equal outcome, and a short buffer is refused, not misread.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "risk/outcome_codec.h"

namespace gpufleet::risk {
namespace {

// Every field distinct from every other, vectors of different lengths, awkward doubles.
FutureOutcome distinct_outcome() {
  FutureOutcome o;
  auto& [demand_multiplier_final, demand_scenario, delivery_delay_days, power_shortfall_share, on_demand_price_final, disrupted_days,
         cost_usd, commitments_usd, on_demand_usd, spot_usd, energy_usd, idle_take_or_pay_usd, cost_by_year_usd, cost_by_provider_usd,
         idle_by_provider_usd, shortfall_gpu_hours, shortfall_by_stream_gpu_hours] = o;
  demand_multiplier_final = {1.5, 0.1 + 0.2};
  demand_scenario = {-1, 3, 7};
  delivery_delay_days = {0, 91.25, 1e-300, 4};
  power_shortfall_share = {0.125};
  on_demand_price_final = {1.0 / 3, 2.0 / 3, std::nextafter(1.0, 2.0), 5, 6, 7};
  disrupted_days = {};
  cost_usd = 24.8e9 + 0.5;
  commitments_usd = 1.1e9;
  on_demand_usd = -0.0;
  spot_usd = std::numeric_limits<double>::denorm_min();
  energy_usd = 3.3e7;
  idle_take_or_pay_usd = 4.4e6;
  cost_by_year_usd = {1, 2, 3, 4, 5, 6, 7};
  cost_by_provider_usd = {8, 9};
  idle_by_provider_usd = {10, 11, 12};
  shortfall_gpu_hours = std::vector<double>(28, 13.5);
  shortfall_by_stream_gpu_hours = {14, 15, 16, 17};
  return o;
}

TEST(OutcomeCodec, EveryFieldRoundTripsBitForBit) {
  const FutureOutcome a = distinct_outcome(), b = [] {
    FutureOutcome o = distinct_outcome();
    o.cost_usd += 1;
    o.shortfall_gpu_hours[27] = 99;
    return o;
  }();
  std::string bytes;
  encode_outcome(a, bytes);
  encode_outcome(b, bytes);
  std::string_view in = bytes;
  FutureOutcome x, y;
  ASSERT_TRUE(decode_outcome(in, x));
  ASSERT_TRUE(decode_outcome(in, y));
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(x, a);
  EXPECT_EQ(y, b);
  EXPECT_TRUE(std::signbit(x.on_demand_usd));  // -0.0 stays negative zero: bits, not values
  // Re-encoding what was decoded gives the same bytes.
  std::string again;
  encode_outcome(x, again);
  encode_outcome(y, again);
  EXPECT_EQ(again, bytes);
}

TEST(OutcomeCodec, AShortOrImpossibleBufferIsRefused) {
  std::string bytes;
  encode_outcome(distinct_outcome(), bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string_view in(bytes.data(), n);
    FutureOutcome o;
    EXPECT_FALSE(decode_outcome(in, o)) << "prefix of " << n << " bytes";
  }
  // A vector length larger than what follows.
  std::string huge(8, '\xff');
  std::string_view in = huge;
  FutureOutcome o;
  EXPECT_FALSE(decode_outcome(in, o));
}

TEST(OutcomeCodec, AnErrorRoundTripsAndTrailingBytesAreRefused) {
  const Error e{"plan.yaml", 29, 64, "uncertainty.demand.training.correlation", "1.5: expected from -1 to 1"};
  const std::string bytes = encode_error(e);
  Error d;
  ASSERT_TRUE(decode_error(bytes, d));
  EXPECT_EQ(d.to_string(), e.to_string());
  EXPECT_EQ(d.line, 29);
  EXPECT_EQ(d.column, 64);
  EXPECT_FALSE(decode_error(bytes + "x", d));
  EXPECT_FALSE(decode_error(bytes.substr(0, bytes.size() - 1), d));
}

}  // namespace
}  // namespace gpufleet::risk
