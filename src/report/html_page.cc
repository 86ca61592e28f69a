#include "report/html_page.h"

#include <fmt/format.h>

#include "report/report_assets.h"

namespace gpufleet::report {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_script(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') out += '\\';  // "<\/": same string, no end tag
  }
  return out;
}

std::string render_html(const std::vector<ReportSection>& sections) {
  std::string title;
  for (const auto& s : sections) title += (title.empty() ? "" : " + ") + s.scenario;
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing but the inline script and style may run or load: no network, no other file.
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
         "style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>gpufleet report: {}</title>\n", escape_html(title));
  // Counts script errors and blocked loads from the start, before the page's own script runs.
  out += "<script>window.gpufleetErrors = [];"
         "addEventListener('error', function (e) { gpufleetErrors.push(String(e.message || e)); });"
         "addEventListener('unhandledrejection', function (e) { gpufleetErrors.push(String(e.reason)); });"
         "document.addEventListener('securitypolicyviolation', function (e) { gpufleetErrors.push('blocked load: ' + e.blockedURI); });"
         "</script>\n";
  out += "<style>\n";
  out += embedded_report_css();
  out += "</style>\n</head>\n<body>\n";
  out += "<output id=\"render-status\" hidden>rendering</output>\n";
  for (const auto& s : sections) {
    out += fmt::format("<section class=\"report\" data-kind=\"{}\">\n<header>\n", escape_html(s.kind));
    out += fmt::format("<p class=\"kind\">gpufleet {} report</p>\n<h1>{}</h1>\n", escape_html(s.kind), escape_html(s.scenario));
    out += fmt::format("<p class=\"horizon\">Horizon: {}</p>\n", escape_html(s.horizon));
    out += fmt::format("<p class=\"command\">Produced by: <code>{}</code></p>\n",
                       s.command ? escape_html(*s.command) : std::string("(not recorded: no run.json entry for these results)"));
    out += "<dl class=\"totals\">\n";
    for (const auto& [label, value] : s.totals)
      out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>\n", escape_html(label), escape_html(value));
    out += "</dl>\n</header>\n";
    out += fmt::format("<div class=\"charts\" id=\"{}-charts\"></div>\n</section>\n", escape_html(s.kind));
  }
  nlohmann::ordered_json data = nlohmann::ordered_json::object();
  for (const auto& s : sections) data[s.kind] = s.data;
  out += "<noscript><p>The charts and tables need JavaScript; the totals above do not.</p></noscript>\n";
  out += "<script id=\"report-data\" type=\"application/json\">";
  out += escape_script(data.dump());
  out += "</script>\n<script>\n";
  out += escape_script(embedded_chart_js());
  out += "\n</script>\n<script>\n";
  out += escape_script(embedded_report_js());
  out += "\n</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace gpufleet::report
