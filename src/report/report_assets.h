// Files embedded into the binary at build time (cmake/embed_files.cmake), so that a report
// needs nothing installed or fetched when it is written or opened.
#pragma once

#include <string_view>

namespace gpufleet::report {

std::string_view embedded_chart_js();    // Chart.js from Debian's libjs-chart.js (UMD, minified)
std::string_view embedded_report_js();   // src/report/page/report.js: draws the charts and tables
std::string_view embedded_report_css();  // src/report/page/report.css

}  // namespace gpufleet::report
