#include "io/yaml_path.h"

#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "util/time_parse.h"

namespace gpufleet {

namespace {

struct Step {
  std::string key;               // a map key, or empty for a list selection
  std::optional<std::string> selector;  // [N] or [NAME]
};

Result<std::vector<Step>> parse_path(const std::string& path, const std::string& option) {
  auto bad = [&](const std::string& why) {
    return fail("<command line>", 0, 0, option, fmt::format("'{}': {}; expected a path like plan.demand.training.growth_per_year, "
                                                            "markets[2].on_demand_usd_per_gpu_hour or sites[NAME].power_cap_mw",
                                                            path, why));
  };
  std::vector<Step> steps;
  size_t i = 0;
  while (i < path.size()) {
    size_t end = path.find_first_of(".[", i);
    if (end == std::string::npos) end = path.size();
    const std::string key = path.substr(i, end - i);
    if (key.empty() && (steps.empty() || (end < path.size() && path[end] == '.'))) return bad("an empty key");
    if (!key.empty()) steps.push_back({key, std::nullopt});
    i = end;
    while (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos) return bad("a '[' without its ']'");
      const std::string sel = path.substr(i + 1, close - i - 1);
      if (sel.empty()) return bad("an empty [ ]");
      steps.push_back({"", sel});
      i = close + 1;
    }
    if (i < path.size()) {
      if (path[i] != '.') return bad(fmt::format("'{}' after ']'; expected '.' or '['", path[i]));
      ++i;
      if (i == path.size()) return bad("a path ending in '.'");
    }
  }
  if (steps.empty()) return bad("an empty path");
  return steps;
}

// The nearest of names to word: by edit distance, else the first that holds word or is held
// by it ("growth" -> "growth_per_year"); "" when none is near.
std::string nearest_name(const std::string& word, const std::vector<std::string>& names) {
  std::vector<std::string_view> views(names.begin(), names.end());
  std::string near = nearest_word(word, views);
  if (!near.empty()) return near;
  for (const auto& n : names)
    if (n.find(word) != std::string::npos || word.find(n) != std::string::npos) return n;
  return "";
}

// What names a list element: its name, else its jurisdiction, site or provider.
std::optional<std::string> element_name(const YAML::Node& e) {
  if (!e.IsMap()) return std::nullopt;
  for (const char* k : {"name", "jurisdiction", "site", "provider"})
    if (e[k] && e[k].IsScalar()) return e[k].Scalar();
  return std::nullopt;
}

// Follows the path from root; returns the node at its end (a reference into root's tree).
Result<YAML::Node> walk(YAML::Node root, const std::string& path, const std::string& option) {
  auto steps = parse_path(path, option);
  if (!steps) return fail(steps.error());
  YAML::Node node = root;
  std::string at;  // the path walked so far
  for (const Step& s : *steps) {
    auto missing = [&](const std::string& what, const std::string& nearest, const std::string& known) {
      return fail("<command line>", 0, 0, option,
                  fmt::format("'{}': {} {}{}{}", path, at.empty() ? "the scenario has no" : at + " has no", what,
                              nearest.empty() ? "" : fmt::format(" (nearest: {})", nearest),
                              known.empty() ? "" : fmt::format("; it has {}", known)));
    };
    if (!s.selector) {
      if (!node.IsMap()) return fail("<command line>", 0, 0, option, fmt::format("'{}': {} is not a map with keys", path, at));
      // Node = Node in yaml-cpp overwrites the node referred to: moves use reset().
      YAML::Node next;
      bool found = false;
      std::vector<std::string> keys;
      for (const auto& kv : node) {
        keys.push_back(kv.first.Scalar());
        if (!found && kv.first.Scalar() == s.key) {
          next.reset(kv.second);
          found = true;
        }
      }
      if (!found) {
        std::string list;
        for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
        return missing(fmt::format("key '{}'", s.key), nearest_name(s.key, keys), list);
      }
      node.reset(next);
      at += (at.empty() ? "" : ".") + s.key;
      continue;
    }
    if (!node.IsSequence()) return fail("<command line>", 0, 0, option, fmt::format("'{}': {} is not a list", path, at));
    const std::string& sel = *s.selector;
    const bool numeric = sel.find_first_not_of("0123456789") == std::string::npos;
    if (numeric) {
      const size_t n = std::stoul(sel);
      if (n >= node.size()) return missing(fmt::format("element [{}]", n), "", fmt::format("{} elements, [0] to [{}]", node.size(), node.size() - 1));
      node.reset(node[n]);
    } else {
      std::vector<std::string> names;
      std::vector<size_t> hits;
      for (size_t k = 0; k < node.size(); ++k) {
        const YAML::Node& element = node[k];
        auto name = element_name(element);
        if (!name) continue;
        names.push_back(*name);
        if (*name == sel) hits.push_back(k);
      }
      if (hits.size() > 1)
        return fail("<command line>", 0, 0, option,
                    fmt::format("'{}': {} has {} elements named '{}' ([{}] and [{}]); select one by its index", path, at, hits.size(), sel,
                                hits[0], hits[1]));
      if (hits.empty()) {
        std::string list;
        for (const auto& k : names) list += (list.empty() ? "" : ", ") + k;
        return missing(fmt::format("element named '{}'", sel), nearest_name(sel, names), list.empty() ? "" : "elements " + list);
      }
      node.reset(node[hits[0]]);
    }
    at += "[" + sel + "]";
  }
  return node;
}

Result<double> number_of(const YAML::Node& node, const std::string& path, const std::string& option) {
  const std::string what = node.IsMap() ? "a map" : node.IsSequence() ? "a list" : node.IsNull() ? "nothing" : "";
  if (!what.empty()) return fail("<command line>", 0, 0, option, fmt::format("'{}' holds {}; expected a number", path, what));
  const std::string& text = node.Scalar();
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  return fail("<command line>", 0, 0, option, fmt::format("'{}' holds '{}'; expected a number", path, text));
}

Result<YAML::Node> load(const std::string& text, const std::string& option) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return fail("<command line>", 0, 0, option, fmt::format("the scenario is not YAML: {}", e.what()));
  }
}

}  // namespace

Result<double> yaml_number_at(const std::string& text, const std::string& path, const std::string& option) {
  auto root = load(text, option);
  if (!root) return fail(root.error());
  auto node = walk(*root, path, option);
  if (!node) return fail(node.error());
  return number_of(*node, path, option);
}

Result<std::string> with_yaml_number(const std::string& text, const std::string& path, double value, const std::string& option) {
  auto root = load(text, option);
  if (!root) return fail(root.error());
  auto node = walk(*root, path, option);
  if (!node) return fail(node.error());
  if (auto old = number_of(*node, path, option); !old) return fail(old.error());
  *node = fmt::format("{}", value);  // the shortest text that reads back as value
  YAML::Emitter out;
  out << *root;
  if (!out.good()) return fail("<command line>", 0, 0, option, fmt::format("the scenario could not be written again: {}", out.GetLastError()));
  return std::string(out.c_str()) + "\n";
}

}  // namespace gpufleet
