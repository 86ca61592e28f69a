// Outputs never overwrite inputs: `report D -o D/summary.json`, `plan X --emit-scenario X` or
// `simulate D/s.yaml --out D` are refused before anything is written.
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.h"

namespace gpufleet::cli {

namespace {

namespace fs = std::filesystem;

// The absolute, normal form of a path that may not exist yet (symlinks of existing parts resolved).
fs::path resolved(const std::string& p) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? fs::absolute(p).lexically_normal() : r;
}

bool inside(const fs::path& file, const fs::path& folder) {
  auto f = file.begin();
  for (auto d = folder.begin(); d != folder.end(); ++d, ++f) {
    if (d->empty()) continue;  // a trailing separator
    if (f == file.end() || *f != *d) return false;
  }
  return true;
}

}  // namespace

Result<void> check_not_overwriting_input(const std::string& option, const std::string& output, const std::vector<std::string>& inputs,
                                         bool output_is_folder) {
  const fs::path out = resolved(output);
  for (const std::string& input : inputs) {
    if (input.empty()) continue;
    const fs::path in = resolved(input);
    if (in == out || (output_is_folder && inside(in, out)))
      return fail("<command line>", 0, 0, option, fmt::format("'{}' would overwrite the input '{}'; write the output elsewhere", output, input));
  }
  return {};
}

void refuse_overwriting_input(const std::string& option, const std::string& output, const std::vector<std::string>& inputs,
                              bool output_is_folder) {
  if (auto ok = check_not_overwriting_input(option, output, inputs, output_is_folder); !ok) exit_bad_input(ok.error());
}

}  // namespace gpufleet::cli
