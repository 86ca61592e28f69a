// "KEY=VALUE,KEY=VALUE" as command-line options give them (--map, --accelerator-map): the
// items split at commas, each trimmed of spaces and tabs, empty items dropped.
#pragma once

#include <string_view>
#include <vector>

namespace gpufleet {

// s without leading and trailing spaces and tabs.
inline std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct KeyValueItem {
  std::string_view item;   // the whole item, trimmed
  std::string_view key;    // before the first '=', trimmed ("" when there is none)
  std::string_view value;  // after it, trimmed
  bool has_equals = false;
};

// The non-empty items of text in order; views into text.
inline std::vector<KeyValueItem> key_value_items(std::string_view text) {
  std::vector<KeyValueItem> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    KeyValueItem kv;
    kv.item = trimmed(text.substr(pos, comma - pos));
    pos = comma + 1;
    if (kv.item.empty()) continue;
    const size_t eq = kv.item.find('=');
    kv.has_equals = eq != std::string_view::npos;
    if (kv.has_equals) {
      kv.key = trimmed(kv.item.substr(0, eq));
      kv.value = trimmed(kv.item.substr(eq + 1));
    }
    out.push_back(kv);
  }
  return out;
}

}  // namespace gpufleet
