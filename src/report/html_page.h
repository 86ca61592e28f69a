// Assembles the report page: each section's header (scenario, horizon, totals, its command) as static
// HTML, the data as JSON, and the embedded stylesheet, Chart.js and page script. A Content
// Security Policy forbids the page every network load.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/report_section.h"

namespace gpufleet::report {

// REQUIRES: sections is not empty.
std::string render_html(const std::vector<ReportSection>& sections);

// Text safe inside HTML element content and attribute values.
std::string escape_html(std::string_view text);
// Text safe inside a <script> element: no "</" sequence (which could end it) survives.
std::string escape_script(std::string_view text);

}  // namespace gpufleet::report
