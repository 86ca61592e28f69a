// Reads an hourly series (one named column of a CSV file with a header row) for a site's
// carbon_hourly, through the CsvScanner every trace reader uses.
#pragma once

#include <string>
#include <vector>

#include "gpufleet/error.h"
#include "io/yaml_field.h"

namespace gpufleet {

// The values of column `column` in row order, parsed as numbers >= 0. Errors: the file is
// missing or not a regular file (located at path_field), the column is absent (located at
// column_field, naming the columns that exist), a value is not a number (located at the CSV
// file's line and column, the field being the column name), or the file has no data rows.
Result<std::vector<double>> read_hourly_csv_column(const std::string& file_path,
                                                   const std::string& column,
                                                   const YamlField& path_field,
                                                   const YamlField& column_field);

}  // namespace gpufleet
