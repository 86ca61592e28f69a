#include "report/run_record.h"

#include <algorithm>
#include <filesystem>
#include <map>
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

// The entries of a run.json: command name -> {command, files}. The old single record
// ({command, files} at the top) is the entry "".
Result<std::map<std::string, nlohmann::ordered_json>> run_entries(const std::string& dir) {
  std::map<std::string, nlohmann::ordered_json> out;
  const std::string path = (fs::path(dir) / kRunRecord).string();
  if (!fs::exists(path)) return out;
  auto j = report::read_json_object(path);
  if (!j) return fail(j.error());
  if (j->contains("command")) {
    const report::JsonObject record(*j, path);
    if (auto command = record.string("command"); !command) return fail(command.error());
    if (j->contains("files"))
      if (auto files = record.object("files"); !files) return fail(files.error());
    out[""] = *j;
    return out;
  }
  for (const auto& [name, entry] : j->items()) {
    const report::JsonObject record(entry, path, name);
    if (!entry.is_object()) return fail(record.error("", fmt::format("expected an object, found {}", entry.type_name())));
    if (auto command = record.string("command"); !command) return fail(command.error());
    if (auto files = record.object("files"); !files) return fail(files.error());
    out[name] = entry;
  }
  return out;
}

}  // namespace

Result<void> carry_other_runs(const std::string& from_dir, const std::string& to_dir, const std::string& command_name) {
  std::error_code ec;
  if (!fs::is_directory(from_dir, ec)) return {};
  auto entries = run_entries(from_dir);
  if (!entries) return {};  // an unreadable record keeps nothing: the folder is replaced whole
  nlohmann::ordered_json kept = nlohmann::ordered_json::object();
  for (const auto& [name, entry] : *entries) {
    if (name.empty() || name == command_name) continue;
    bool whole = true;
    for (const auto& [file, digest] : entry.at("files").items())
      whole = whole && fs::exists(fs::path(from_dir) / file, ec) && !fs::exists(fs::path(to_dir) / file, ec);
    if (!whole) continue;  // incomplete, or overlapping what this command wrote: not kept
    for (const auto& [file, digest] : entry.at("files").items()) {
      const fs::path from = fs::path(from_dir) / file, to = fs::path(to_dir) / file;
      fs::create_hard_link(from, to, ec);  // the old folder goes once the new one is in
      if (ec && !fs::copy_file(from, to, ec))
        return fail(to.string(), 0, 0, "", fmt::format("cannot keep {}'s result beside the new ones: {}", name, ec.message()));
    }
    kept[name] = entry;
  }
  if (kept.empty()) return {};
  return write_file_atomically((fs::path(to_dir) / kRunRecord).string(), kept.dump(2) + "\n");
}

Result<void> write_run_record(const std::string& dir, const std::string& command_name, const std::string& command_line) {
  auto entries = run_entries(dir);
  if (!entries) return fail(entries.error());
  std::map<std::string, bool> others_files;
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [name, entry] : *entries) {
    if (name.empty() || name == command_name) continue;
    for (const auto& [file, digest] : entry.at("files").items()) others_files[file] = true;
    j[name] = entry;
  }
  nlohmann::ordered_json files = nlohmann::ordered_json::object();
  for (const std::string& name : result_files(dir)) {
    if (others_files.contains(name)) continue;
    auto content = read_file((fs::path(dir) / name).string());
    if (!content) return fail(content.error());
    files[name] = file_digest(*content);
  }
  j[command_name] = {{"command", command_line}, {"files", files}};
  return write_file_atomically((fs::path(dir) / kRunRecord).string(), j.dump(2) + "\n");
}

namespace report {

Result<std::map<std::string, std::string>> read_run_record(const std::string& dir) {
  auto entries = run_entries(dir);
  if (!entries) return fail(entries.error());
  std::map<std::string, std::string> out;
  for (const auto& [name, entry] : *entries) out[name] = entry.at("command").get<std::string>();
  return out;
}

Result<void> verify_run_files(const std::string& dir, const std::vector<std::string>& inputs) {
  const std::string path = (fs::path(dir) / kRunRecord).string();
  auto entries = run_entries(dir);
  if (!entries) return fail(entries.error());
  if (entries->empty()) return {};  // a folder put together by hand: nothing to check against
  std::map<std::string, std::string> digests;  // file -> digest, over every entry
  for (const auto& [name, entry] : *entries) {
    if (!entry.contains("files")) return {};  // written before run.json recorded digests
    for (const auto& [file, digest] : entry.at("files").items()) {
      if (!digest.is_string())
        return fail(report::JsonObject(entry, path, name.empty() ? "files" : name + ".files").error(file, "expected a digest (a string)"));
      if (digests.contains(file))
        return fail((fs::path(dir) / file).string(), 0, 0, "", "is listed by two runs in run.json: the folder mixes runs");
      digests[file] = digest.get<std::string>();
    }
  }
  for (const std::string& name : inputs) {
    const std::string file = (fs::path(dir) / name).string();
    const auto recorded = digests.find(name);
    if (!fs::exists(file)) {
      if (recorded != digests.end()) return fail(file, 0, 0, "", "is missing, but run.json lists it: the folder is incomplete");
      continue;
    }
    if (recorded == digests.end())
      return fail(file, 0, 0, "", "is not part of the run that run.json records: the folder mixes two runs");
    auto content = read_file(file);
    if (!content) return fail(content.error());
    if (file_digest(*content) != recorded->second)
      return fail(file, 0, 0, "",
                  fmt::format("has digest {}, but run.json records {}: the file was changed or comes from another run",
                              file_digest(*content), recorded->second));
  }
  return {};
}

}  // namespace report
}  // namespace gpufleet
