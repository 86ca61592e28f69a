// libFuzzer target for the report's inputs: the first byte modulo 4 chooses what the other
// bytes become: 0 summary.json (beside a well-formed jobs.csv and timeseries.csv), 1 plan.json,
// 2 risk.json (beside a well-formed futures.csv of two futures), 3 futures.csv (beside a
// well-formed risk.json of two futures); write_report gives a page or an Error, never a crash
// (nlohmann's type errors included), and so does compare_results on the folder and itself.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "gpufleet/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fs = std::filesystem;
  static const fs::path dir = fs::temp_directory_path() / ("gpufleet-fuzz-report-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  if (size == 0) return 0;
  const int kind = data[0] % 4;
  static const char* const kNames[] = {"summary.json", "plan.json", "risk.json", "futures.csv"};
  std::ofstream(dir / kNames[kind], std::ios::binary)
      .write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  if (kind == 0) {
    // As `simulate --out` writes them for tests/bad_input/base/small.yaml (two providers).
    std::ofstream(dir / "jobs.csv") << "id,name,submit_s,start_s,end_s,gpus,site,provider,source,queue_s,jct_s,cost_usd,restarts\n"
                                       "0,,507.479,507.479,2982.475,1,aws-east,aws,contract,0.000,2474.996,1.7187,0\n";
    std::ofstream(dir / "timeseries.csv")
        << "hour,time,busy_physical_gpus,capacity_physical_gpus,queued_jobs,spend_usd_per_hour_aws,spend_usd_per_hour_gcp,committed_physical_gpus_aws,committed_physical_gpus_gcp\n"
           "0,2026-01-01T00:00:00Z,1.684,448.000,0,640.0000,0.0000,256,0\n";
  }
  if (kind == 2) std::ofstream(dir / "futures.csv") << "future,demand_multiplier_final training,cost_usd\n0,1.1,100\n1,0.9,80\n";
  if (kind == 3) {
    const char* d = R"({"mean": 1, "p5": 1, "p50": 1, "p95": 1, "cvar95": 1})";
    std::ofstream(dir / "risk.json") << R"({"scenario": "s", "model": "period", "futures": 2, "seed": 7, "cost_usd": )" << d
                                     << R"(, "shortfall_gpu_hours": )" << d << R"(, "providers": [{"provider": "aws", "cost_usd": )" << d
                                     << R"(}], "periods": [{"period": "2026Q1", "shortfall_probability": 0, "shortfall_gpu_hours": )" << d
                                     << R"(, "demand_ref_gpus": )" << d << R"(, "delivered_ref_gpus": )" << d
                                     << R"(, "spend_by_provider_usd": {"aws": )" << d << "}}]}";
  }
  if (kind >= 2) {
    auto c = gpufleet::compare_results({dir.string(), dir.string()}, "");
    if (!c && c.error().message.empty()) __builtin_trap();
  }
  auto r = gpufleet::write_report(dir.string(), (dir / "report.html").string());
  if (!r && r.error().message.empty()) __builtin_trap();
  return 0;
}
