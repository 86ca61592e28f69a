#include "cli/usage_hint.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/time_parse.h"

namespace gpufleet::cli {

namespace {

// The nearest candidate, as nearest_word finds it, or "".
std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::vector<std::string_view> views(candidates.begin(), candidates.end());
  return nearest_word(word, views);
}

std::vector<std::string> long_option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options())
    for (const auto& n : o->get_lnames()) names.push_back("--" + n);
  return names;
}

}  // namespace

std::string usage_hint(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) return "";
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) commands.push_back(sub->get_name());
  const std::string first = argv[1];
  const CLI::App* sub = nullptr;
  for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; }))
    if (s->get_name() == first) sub = s;
  if (!sub) {
    if (first.starts_with("-")) {
      const std::string word = first.substr(0, first.find('='));
      const auto names = long_option_names(app);
      if (std::find(names.begin(), names.end(), word) != names.end()) return "";
      const std::string n = nearest(word, names);
      return n.empty() ? fmt::format("'{}' is not an option of gpufleet; commands: {}", word, fmt::join(commands, ", "))
                       : fmt::format("did you mean {}?", n);
    }
    const std::string n = nearest(first, commands);
    return n.empty() ? fmt::format("commands: {}", fmt::join(commands, ", ")) : fmt::format("did you mean '{}'?", n);
  }
  const auto names = long_option_names(*sub);
  for (int i = 2; i < argc; ++i) {
    std::string_view word = argv[i];
    if (!word.starts_with("--")) continue;
    word = word.substr(0, word.find('='));
    if (std::find(names.begin(), names.end(), word) != names.end()) continue;
    const std::string n = nearest(word, names);
    return n.empty() ? fmt::format("'{}' is not an option of {}; see gpufleet {} --help", word, first, first)
                     : fmt::format("did you mean {}?", n);
  }
  return "";
}

}  // namespace gpufleet::cli
