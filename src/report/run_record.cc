#include "report/run_record.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "gpufleet/report.h"
#include "report/json_input.h"
#include "util/atomic_file.h"

namespace gpufleet {

Result<void> write_run_record(const std::string& dir, const std::string& command_line) {
  nlohmann::ordered_json j;
  j["command"] = command_line;
  return write_file_atomically((std::filesystem::path(dir) / "run.json").string(), j.dump(2) + "\n");
}

namespace report {

Result<std::optional<std::string>> read_run_record(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "run.json").string();
  if (!std::filesystem::exists(path)) return std::optional<std::string>{};
  auto j = read_json_object(path);
  if (!j) return fail(j.error());
  auto command = JsonObject(*j, path).string("command");
  if (!command) return fail(command.error());
  return std::optional<std::string>{*command};
}

}  // namespace report
}  // namespace gpufleet
