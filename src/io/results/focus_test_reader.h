// For tests: focus.csv read back through the project's CSV scanner, row by row as column name
// -> cell, every row checked to have the header's number of cells.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io/csv_scanner.h"
#include "util/atomic_file.h"

namespace gpufleet::testing {

struct FocusTable {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
};

inline FocusTable read_focus_table(const std::string& path) {
  FocusTable t;
  auto text = read_file(path);
  EXPECT_TRUE(text) << path;
  if (!text) return t;
  CsvScanner csv(*text, path);
  EXPECT_TRUE(csv.read_header());
  t.header = csv.header();
  for (;;) {
    auto more = csv.next_row();
    EXPECT_TRUE(more) << (more ? "" : more.error().to_string());
    if (!more || !*more) break;
    EXPECT_EQ(csv.size(), t.header.size()) << "line " << csv.line();
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < csv.size() && i < t.header.size(); ++i) row[t.header[i]] = std::string(csv.field(i));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace gpufleet::testing
