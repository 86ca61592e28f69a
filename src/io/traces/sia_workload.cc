// Reader of the Sia (SOSP'23) / Pollux (OSDI'21) sampled workloads (workload-N.csv):
//   name,time,application,num_replicas,batch_size
//   cifar10-0,107,cifar10,6,2048
// name: job name; time: submit time in seconds from the start of the workload; application:
// one of the Pollux benchmark models; num_replicas: GPUs; batch_size: global batch (not used).
// The files carry no run time: it comes from the reference work of each application below.
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "gpufleet/workload.h"
#include "io/csv_scanner.h"
#include "io/traces/trace_rows.h"
#include "util/atomic_file.h"

namespace gpufleet {

namespace {

constexpr std::string_view kSiaHeader = "name,time,application,num_replicas,batch_size";

// Reference work of one job of each application, in GPU-hours on NVIDIA T4 GPUs.
// Source: Pollux (Qiao et al., OSDI'21), Table 1, which sorts its six benchmark models into
// job sizes by GPU-hours on its testbed of AWS g4dn.12xlarge nodes (4 x T4 each):
//   Small 0-1 (cifar10: ResNet18 on CIFAR-10; ncf: NeuMF on MovieLens),
//   Medium 1-10 (bert: BERT fine-tuning on SQuAD; deepspeech2: DeepSpeech2 on CMU-ARCTIC),
//   Large 10-100 (yolov3: YOLOv3 on PASCAL-VOC), XLarge 100-1000 (imagenet: ResNet-50).
// Sia (Subramanya et al., SOSP'23) reuses these models and sizes for its Philly-derived
// workloads. The table was recalled from the paper, not copied from a file here: the search
// tool did not return its text. Assumptions where the paper gives a range, not a figure:
// each job takes the (rounded) geometric middle of its size range (Small: 0.5).
struct Application {
  std::string_view name;
  double t4_gpu_hours;
};
constexpr std::array<Application, 6> kApplications{{
    {"bert", 3.0},
    {"cifar10", 0.5},
    {"deepspeech2", 3.0},
    {"imagenet", 300.0},
    {"ncf", 0.5},
    {"yolov3", 30.0},
}};
// Assumption: one H100-SXM (the reference accelerator) does the work of 10 T4s on these
// models (T4: 65 TFLOP/s FP16 tensor peak; H100-SXM: 989 TFLOP/s dense BF16; small models
// reach less of the peak, hence 10 rather than 15).
constexpr double kT4PerReferenceGpu = 10.0;

// Run time in seconds of a job of `app` on `replicas` reference GPUs, assuming it scales
// perfectly across its replicas.
double reference_duration_s(const Application& app, int64_t replicas) {
  return app.t4_gpu_hours * 3600.0 / kT4PerReferenceGpu / static_cast<double>(replicas);
}

std::string known_applications() {
  std::string out;
  for (const auto& app : kApplications) {
    if (!out.empty()) out += ", ";
    out += app.name;
  }
  return out;
}

struct SiaColumns {
  size_t name, time, application, replicas, batch, count;
};

Result<void> parse_row(const CsvScanner& csv, const SiaColumns& col, Job& job,
                       std::string_view& name) {
  const auto& header = csv.header();
  if (csv.size() < col.count)
    return fail(csv.error_at(csv.size(), header[csv.size()],
                             fmt::format("missing field: the row has {} fields; expected {} ({})",
                                         csv.size(), col.count, kSiaHeader)));
  if (csv.size() > col.count)
    return fail(csv.error_at(col.count, "",
                             fmt::format("unexpected field: the row has {} fields; expected {} ({})",
                                         csv.size(), col.count, kSiaHeader)));

  name = csv.field(col.name);
  if (name.empty())
    return fail(csv.error_at(col.name, header[col.name], "found an empty field; expected a job name"));

  const auto time = parse_csv_double(csv.field(col.time));
  if (!time || *time < 0)
    return fail(csv.error_at(col.time, header[col.time],
                             fmt::format("found {}; expected a submit time in seconds >= 0",
                                         quote_for_error(csv.field(col.time)))));

  const std::string_view app_name = csv.field(col.application);
  const Application* app = nullptr;
  for (const auto& a : kApplications)
    if (a.name == app_name) app = &a;
  if (!app)
    return fail(csv.error_at(col.application, header[col.application],
                             fmt::format("unknown application {}; expected one of: {}",
                                         quote_for_error(app_name), known_applications())));

  const auto replicas = parse_csv_int(csv.field(col.replicas));
  if (!replicas || *replicas < 1 || *replicas > std::numeric_limits<uint32_t>::max())
    return fail(csv.error_at(col.replicas, header[col.replicas],
                             fmt::format("found {}; expected a whole number of GPUs >= 1",
                                         quote_for_error(csv.field(col.replicas)))));

  const auto batch = parse_csv_int(csv.field(col.batch));
  if (!batch || *batch < 1)
    return fail(csv.error_at(col.batch, header[col.batch],
                             fmt::format("found {}; expected a whole batch size >= 1",
                                         quote_for_error(csv.field(col.batch)))));

  job.submit_s = *time;
  job.duration_s = reference_duration_s(*app, *replicas);
  job.gpus = static_cast<uint32_t>(*replicas);
  job.kind = JobKind::research;
  return {};
}

}  // namespace

Result<Workload> read_sia_workload_text(const std::string& text, const std::string& file_name,
                                        const TraceReadOptions& options) {
  CsvScanner csv(text, file_name);
  SiaColumns col{};
  if (auto h = read_trace_header(csv, kSiaHeader,
                                 {{"name", &col.name},
                                  {"time", &col.time},
                                  {"application", &col.application},
                                  {"num_replicas", &col.replicas},
                                  {"batch_size", &col.batch}});
      !h)
    return fail(h.error());
  col.count = csv.header().size();

  Workload w;
  w.tenants.emplace_back();
  w.jurisdictions.emplace_back();
  std::string_view name;
  auto rows = read_trace_rows(
      csv, file_name, kSiaHeader, options, w, [&](Job& job) { return parse_row(csv, col, job, name); },
      [&] { w.names.emplace_back(name); });
  if (!rows) return fail(rows.error());
  w.finalize();
  return w;
}

Result<Workload> read_sia_workload(const std::string& path, const TraceReadOptions& options) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  return read_sia_workload_text(*text, path, options);
}

}  // namespace gpufleet
