// Static checks of a report page: every way it could reach the network; the data it draws.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpufleet::testing {

// Remote src/href/action/srcset attributes, CSS url() or @import of remote files, and the
// script APIs that load (fetch, XMLHttpRequest, WebSocket, sendBeacon, EventSource,
// importScripts, dynamic import). Empty when the page can load nothing.
inline std::vector<std::string> network_references(const std::string& html) {
  std::vector<std::string> found;
  static const std::regex remote(
      R"((src|href|action|srcset|poster|data)\s*=\s*["']?\s*([a-z]+:)?//|url\(\s*["']?\s*([a-z]+:)?//|@import)",
      std::regex::icase | std::regex::optimize);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), remote); it != std::sregex_iterator(); ++it)
    found.push_back(it->str());
  for (const char* api : {"fetch(", "XMLHttpRequest", "WebSocket", "sendBeacon", "EventSource", "importScripts", "import("})
    if (html.find(api) != std::string::npos) found.push_back(api);
  return found;
}

// The JSON the page draws (<script id="report-data">).
inline nlohmann::json page_data(const std::string& html) {
  const std::string open = "<script id=\"report-data\" type=\"application/json\">";
  const auto from = html.find(open) + open.size();
  return nlohmann::json::parse(html.substr(from, html.find("</script>", from) - from));
}

}  // namespace gpufleet::testing
