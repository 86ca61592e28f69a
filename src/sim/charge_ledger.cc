#include "sim/charge_ledger.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace gpufleet::sim {

namespace {

constexpr double kSecondsPerDay = 86400;

auto key_of(const DailyCharge& c) {
  return std::tuple(c.day, c.provider, c.site, c.accelerator, static_cast<int>(c.source), c.contract,
                    c.spend_commitment, static_cast<int>(c.kind));
}

}  // namespace

void ChargeLedger::add_to_day(size_t slot, const DailyCharge& key, int64_t day, double share, double usd,
                              double gpu_hours, double list_usd) {
  if (slot >= open_.size()) {
    open_.resize(slot + 1);
    has_open_.resize(slot + 1, false);
  }
  DailyCharge& line = open_[slot];
  DailyCharge probe = key;
  probe.day = day;
  if (has_open_[slot] && key_of(probe) != key_of(line)) {  // another day or key: close the open line
    done_.push_back(line);
    has_open_[slot] = false;
  }
  if (!has_open_[slot]) {
    line = probe;
    line.usd = line.gpu_hours = line.list_usd = 0;
    has_open_[slot] = true;
  }
  line.usd += usd * share;
  line.gpu_hours += gpu_hours * share;
  line.list_usd += list_usd * share;
}

void ChargeLedger::book(size_t slot, const DailyCharge& key, double usd, double gpu_hours, double list_usd,
                        double from_s, double to_s) {
  if (usd == 0 && gpu_hours == 0) return;
  // Simulated second t is Unix second epoch + t, which lies in day epoch_day + floor((into + t)
  // / 86400), into being the epoch's seconds into its day (kept small, so that an instant just
  // before a midnight stays in the day before); that day begins at simulated d x 86400 - into.
  const int64_t epoch_day = epoch_unix_s_ / 86400 - (epoch_unix_s_ % 86400 < 0 ? 1 : 0);
  const double into = static_cast<double>(epoch_unix_s_ - epoch_day * 86400);
  const auto day_of = [&](double t_s) { return static_cast<int64_t>(std::floor((into + t_s) / kSecondsPerDay)); };
  if (!(to_s > from_s)) {
    add_to_day(slot, key, epoch_day + day_of(from_s), 1.0, usd, gpu_hours, list_usd);
    return;
  }
  const double span = to_s - from_s;
  for (int64_t d = day_of(from_s);; ++d) {
    const double day_start = static_cast<double>(d) * kSecondsPerDay - into;
    const double day_end = day_start + kSecondsPerDay;
    const double lo = std::max(from_s, day_start), hi = std::min(to_s, day_end);
    if (hi > lo) add_to_day(slot, key, epoch_day + d, (hi - lo) / span, usd, gpu_hours, list_usd);
    if (day_end >= to_s) break;
  }
}

std::vector<DailyCharge> ChargeLedger::take() {
  for (size_t s = 0; s < open_.size(); ++s)
    if (has_open_[s]) done_.push_back(open_[s]);
  open_.clear();
  has_open_.clear();
  std::stable_sort(done_.begin(), done_.end(),
                   [](const DailyCharge& a, const DailyCharge& b) { return key_of(a) < key_of(b); });
  std::vector<DailyCharge> out;
  for (const DailyCharge& c : done_) {
    if (!out.empty() && key_of(out.back()) == key_of(c)) {
      out.back().usd += c.usd;
      out.back().gpu_hours += c.gpu_hours;
      out.back().list_usd += c.list_usd;
    } else {
      out.push_back(c);
    }
  }
  done_.clear();
  std::erase_if(out, [](const DailyCharge& c) { return c.usd == 0 && c.gpu_hours == 0; });
  return out;
}

}  // namespace gpufleet::sim
