// The built-in scenarios cite docs/sources.md by section: every citation names a section the
// page has, each section is cited, and nothing cites the old sheet ("FACTS") that ships with
// neither the binary nor the repository.
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

// The anchors of the page's "## " headings, as GitHub makes them: lower case, spaces to
// hyphens, other punctuation dropped.
std::set<std::string> section_anchors(const std::string& markdown) {
  std::set<std::string> anchors;
  std::istringstream in(markdown);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("## ")) continue;
    std::string anchor;
    for (const char c : line.substr(3)) {
      if (std::isalnum(static_cast<unsigned char>(c))) anchor += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      else if (c == ' ' || c == '-') anchor += '-';
    }
    anchors.insert(anchor);
  }
  return anchors;
}

// Every "sources.md#name" and every bare "#name" that continues a list of them
// ("sources.md#aws-prices, #azure-prices").
std::vector<std::string> citations(const std::string& text) {
  std::vector<std::string> found;
  const std::regex cited("sources\\.md(#[a-z0-9-]+(?:, #[a-z0-9-]+)*)");
  const std::regex one("#([a-z0-9-]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), cited); it != std::sregex_iterator(); ++it) {
    const std::string list = (*it)[1];
    for (auto j = std::sregex_iterator(list.begin(), list.end(), one); j != std::sregex_iterator(); ++j)
      found.push_back((*j)[1]);
  }
  return found;
}

TEST(Sources, EveryCitationInTheBuiltInScenariosNamesASectionOfSourcesMd) {
  const std::set<std::string> anchors = section_anchors(slurp(std::string(GPUFLEET_SOURCE_DIR) + "/docs/sources.md"));
  ASSERT_GE(anchors.size(), 10u);
  std::set<std::string> cited;
  for (const char* command : {"example", "example --plan"}) {
    const auto r = run_gpufleet(command);
    ASSERT_EQ(r.status, 0) << command << ": " << r.err;
    EXPECT_EQ(r.out.find("FACTS"), std::string::npos) << command << " still cites FACTS";
    const auto list = citations(r.out);
    EXPECT_GT(list.size(), 20u) << command;
    for (const std::string& c : list) {
      EXPECT_TRUE(anchors.contains(c)) << command << " cites sources.md#" << c << ", which has no such section";
      cited.insert(c);
    }
  }
  // Each section of figures is used by a scenario (the page describes what is built in).
  for (const std::string& a : anchors) EXPECT_TRUE(cited.contains(a)) << "sources.md#" << a << " is cited nowhere";
}

// Prices carry the date of their price list: every line of the built-in scenarios that sets a
// price per GPU-hour cites a price section, and that section states a date.
TEST(Sources, EveryPriceSectionStatesTheDateOfItsPriceList) {
  const std::string page = slurp(std::string(GPUFLEET_SOURCE_DIR) + "/docs/sources.md");
  for (const char* section : {"## AWS prices", "## Azure prices", "## Google Cloud prices", "## Oracle prices",
                              "## CoreWeave prices", "## Term discounts"}) {
    const size_t at = page.find(section);
    ASSERT_NE(at, std::string::npos) << section;
    const std::string body = page.substr(at, page.find("\n## ", at + 1) - at);
    EXPECT_TRUE(std::regex_search(body, std::regex("20[0-9]{2}(-[0-9]{2}-[0-9]{2})?"))) << section << " has no date";
  }
  const auto r = run_gpufleet("example");
  ASSERT_EQ(r.status, 0);
  std::istringstream in(r.out);
  int prices = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("usd_per_gpu_hour:") == std::string::npos || line.find('#') == std::string::npos) continue;
    ++prices;
    const std::string comment = line.substr(line.find('#'));
    EXPECT_TRUE(comment.find("prices") != std::string::npos || comment.find("(d) see above") != std::string::npos) << line;
    if (comment.find("prices") != std::string::npos) {
      EXPECT_TRUE(std::regex_search(comment, std::regex("20[0-9]{2}-[0-9]{2}-[0-9]{2}"))) << "no price-list date: " << line;
    }
  }
  EXPECT_GE(prices, 10);
}

}  // namespace
}  // namespace gpufleet::testing
