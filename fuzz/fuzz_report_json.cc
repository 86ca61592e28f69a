// libFuzzer target for the report's inputs: the bytes become summary.json (first byte even)
// or plan.json (odd) of a results folder, beside a well-formed jobs.csv and timeseries.csv;
// write_report gives a page or an Error, never a crash (nlohmann's type errors included).
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
  const bool plan = data[0] & 1;
  std::ofstream(dir / (plan ? "plan.json" : "summary.json"), std::ios::binary)
      .write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  if (!plan) {
    // As `simulate --out` writes them for tests/bad_input/base/small.yaml (two providers).
    std::ofstream(dir / "jobs.csv") << "id,name,submit_s,start_s,end_s,gpus,site,provider,source,queue_s,jct_s,cost_usd,restarts\n"
                                       "0,,507.479,507.479,2982.475,1,aws-east,aws,contract,0.000,2474.996,1.7187,0\n";
    std::ofstream(dir / "timeseries.csv")
        << "hour,time,busy_physical_gpus,capacity_physical_gpus,queued_jobs,spend_usd_per_hour_aws,spend_usd_per_hour_gcp,committed_physical_gpus_aws,committed_physical_gpus_gcp\n"
           "0,2026-01-01T00:00:00Z,1.684,448.000,0,640.0000,0.0000,256,0\n";
  }
  auto r = gpufleet::write_report(dir.string(), (dir / "report.html").string());
  if (!r && r.error().message.empty()) __builtin_trap();
  return 0;
}
