#include "report/run_record.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpufleet/report.h"
#include "report/json_input.h"
#include "util/atomic_file.h"
#include "util/digest.h"

namespace gpufleet {

namespace {

namespace fs = std::filesystem;

constexpr const char* kRunRecord = "run.json";

// The result files of a folder: every regular file but run.json, by name.
std::vector<std::string> result_files(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file(ec) && e.path().filename() != kRunRecord) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

Result<void> write_run_record(const std::string& dir, const std::string& command_line) {
  nlohmann::ordered_json j;
  j["command"] = command_line;
  nlohmann::ordered_json files = nlohmann::ordered_json::object();
  for (const std::string& name : result_files(dir)) {
    auto content = read_file((fs::path(dir) / name).string());
    if (!content) return fail(content.error());
    files[name] = file_digest(*content);
  }
  j["files"] = files;
  return write_file_atomically((fs::path(dir) / kRunRecord).string(), j.dump(2) + "\n");
}

namespace report {

Result<std::optional<std::string>> read_run_record(const std::string& dir) {
  const std::string path = (fs::path(dir) / kRunRecord).string();
  if (!fs::exists(path)) return std::optional<std::string>{};
  auto j = read_json_object(path);
  if (!j) return fail(j.error());
  const JsonObject record(*j, path);
  auto command = record.string("command");
  if (!command) return fail(command.error());
  return std::optional<std::string>{*command};
}

Result<void> verify_run_files(const std::string& dir, const std::vector<std::string>& inputs) {
  const std::string path = (fs::path(dir) / kRunRecord).string();
  if (!fs::exists(path)) return {};  // a folder put together by hand: nothing to check against
  auto j = read_json_object(path);
  if (!j) return fail(j.error());
  if (!j->contains("files")) return {};  // written before run.json recorded digests
  auto files = JsonObject(*j, path).object("files");
  if (!files) return fail(files.error());
  for (const std::string& name : inputs) {
    const std::string file = (fs::path(dir) / name).string();
    const bool recorded = files->json().contains(name);
    if (!fs::exists(file)) {
      if (recorded) return fail(file, 0, 0, "", "is missing, but run.json lists it: the folder is incomplete");
      continue;
    }
    if (!recorded)
      return fail(file, 0, 0, "", "is not part of the run that run.json records: the folder mixes two runs");
    auto expected = files->string(name);
    if (!expected) return fail(expected.error());
    auto content = read_file(file);
    if (!content) return fail(content.error());
    if (file_digest(*content) != *expected)
      return fail(file, 0, 0, "",
                  fmt::format("has digest {}, but run.json records {}: the file was changed or comes from another run",
                              file_digest(*content), *expected));
  }
  return {};
}

}  // namespace report
}  // namespace gpufleet
