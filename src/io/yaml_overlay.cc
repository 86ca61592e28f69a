#include "io/yaml_overlay.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace gpufleet {

namespace {

Result<YAML::Node> parse_map(const std::string& text, const std::string& name) {
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return fail(name, 1, 1, "", "expected a map of top-level keys");
    return root;
  } catch (const YAML::Exception& e) {
    return fail(name, e.mark.line + 1, e.mark.column + 1, "", "not valid YAML: " + e.msg);
  }
}

// Byte offset of the start of each line, plus one past the end.
std::vector<size_t> line_starts(const std::string& text) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts.push_back(i + 1);
  if (starts.back() != text.size()) starts.push_back(text.size());
  return starts;
}

bool blank_or_comment(std::string_view line) {
  const size_t i = line.find_first_not_of(" \t\r\n");
  return i == std::string_view::npos || line[i] == '#';
}

struct Edit {
  size_t begin = 0, end = 0;
  std::string text;
};

std::string apply(std::string text, std::vector<Edit> edits) {
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin > b.begin; });
  for (const auto& e : edits) text.replace(e.begin, e.end - e.begin, e.text);
  return text;
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The end of the scalar that starts at `pos`: past its closing quote, or, for a plain scalar,
// before a flow indicator, a comment or the end of the line (trailing spaces left out).
size_t scalar_end(const std::string& text, size_t pos) {
  if (pos < text.size() && (text[pos] == '"' || text[pos] == '\'')) {
    const char q = text[pos];
    for (size_t i = pos + 1; i < text.size(); ++i) {
      if (q == '"' && text[i] == '\\') {
        ++i;
      } else if (text[i] == q) {
        if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;
          continue;
        }
        return i + 1;
      }
    }
    return text.size();
  }
  size_t i = pos;
  while (i < text.size() && text[i] != '\n' && text[i] != ',' && text[i] != '}' && text[i] != ']' &&
         !(text[i] == '#' && i > pos && (text[i - 1] == ' ' || text[i - 1] == '\t')))
    ++i;
  while (i > pos && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\r')) --i;
  return i;
}

}  // namespace

Result<std::string> replace_top_level_sections(const std::string& text, const std::string& name,
                                               const std::vector<std::pair<std::string, std::string>>& sections) {
  auto root = parse_map(text, name);
  if (!root) return fail(root.error());
  struct Key {
    std::string name;
    int line = 0;
  };
  std::vector<Key> keys;
  for (auto it = root->begin(); it != root->end(); ++it) keys.push_back({it->first.as<std::string>(), it->first.Mark().line});
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) { return a.line < b.line; });
  const std::vector<size_t> starts = line_starts(text);
  const int lines = static_cast<int>(starts.size()) - 1;
  std::vector<Edit> edits;
  std::string appended;
  for (const auto& section : sections) {
    const std::string& key = section.first;
    const std::string& block = section.second;
    const auto at = std::find_if(keys.begin(), keys.end(), [&key](const Key& k) { return k.name == key; });
    if (at == keys.end()) {
      appended += "\n" + block;
      continue;
    }
    int last = std::next(at) == keys.end() ? lines : std::next(at)->line;  // one past the block's last line
    while (last > at->line + 1) {
      const size_t b = starts[static_cast<size_t>(last - 1)], e = starts[static_cast<size_t>(last)];
      if (!blank_or_comment(std::string_view(text).substr(b, e - b))) break;
      --last;
    }
    std::string replacement = block;
    const size_t end = starts[static_cast<size_t>(last)];
    if (end > 0 && text[end - 1] != '\n') replacement.pop_back();  // the text ended without a newline
    edits.push_back({starts[static_cast<size_t>(at->line)], end, std::move(replacement)});
  }
  std::string out = apply(text, std::move(edits));
  if (!appended.empty()) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += appended;
  }
  return out;
}

Result<std::string> absolute_scenario_paths(const std::string& text, const std::string& name, const std::string& base_dir) {
  auto root = parse_map(text, name);
  if (!root) return fail(root.error());
  std::vector<Edit> edits;
  auto absolute = [&](const YAML::Node& node) {
    if (!node || !node.IsScalar() || node.Mark().pos < 0) return;
    const std::filesystem::path p(node.Scalar());
    if (p.empty() || p.is_absolute()) return;
    const auto pos = static_cast<size_t>(node.Mark().pos);
    const std::string abs = std::filesystem::absolute(std::filesystem::path(base_dir) / p).lexically_normal().string();
    edits.push_back({pos, scalar_end(text, pos), double_quoted(abs)});
  };
  auto each = [](const YAML::Node& seq, auto f) {
    if (seq && seq.IsSequence())
      for (const auto& item : seq)
        if (item.IsMap()) f(item);
  };
  const YAML::Node& r = *root;
  if (r["workload"] && r["workload"].IsMap()) each(r["workload"]["traces"], [&](const YAML::Node& t) { absolute(t["path"]); });
  if (r["faults"] && r["faults"].IsMap() && r["faults"]["trace"] && r["faults"]["trace"].IsMap()) absolute(r["faults"]["trace"]["path"]);
  each(r["markets"], [&](const YAML::Node& m) { absolute(m["from_catalog"]); });
  each(r["sites"], [&](const YAML::Node& s) {
    if (s["carbon_hourly"] && s["carbon_hourly"].IsMap()) absolute(s["carbon_hourly"]["path"]);
    const YAML::Node backend = s["backend"];
    if (backend && backend.IsMap() && backend["slurm"] && backend["slurm"].IsMap())
      for (const char* key : {"conf", "bin_dir", "script"}) absolute(backend["slurm"][key]);
  });
  return apply(text, std::move(edits));
}

}  // namespace gpufleet
