// gpufleet catalog import CATALOGUE.csv --provider NAME: prints a SkyPilot price catalogue as a
// scenario's `markets:` list (io/catalog/catalog_markets_yaml.h; rules in docs/catalog-format.md).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "io/catalog/catalog_markets_yaml.h"
#include "io/catalog/skypilot_catalog.h"
#include "util/time_parse.h"

namespace gpufleet::cli {

namespace {

struct ImportOptions {
  std::string path, provider, accelerator_map, date;
  std::vector<std::string> instance_types;
  int64_t on_demand_gpus = 0, spot_gpus = 0;
  bool skip_bad_rows = false;
};

}  // namespace

void add_catalog_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("catalog", "Price catalogues (SkyPilot's vms.csv) into a scenario's markets");
  cmd->require_subcommand(1);
  auto* import = cmd->add_subcommand("import", "Print a catalogue's per-GPU prices as a `markets:` list to paste");
  auto o = std::make_shared<ImportOptions>();
  import->add_option("catalogue", o->path, "SkyPilot catalogue CSV (vms.csv)")->required();
  import->add_option("--provider", o->provider, "Provider the catalogue is of (sites are named PROVIDER-REGION)")
      ->required();
  import->add_option("--accelerator-map", o->accelerator_map,
                     "NAME=SCENARIO_NAME,... over the default name map (NAME= drops NAME)");
  import->add_option("--instance-types", o->instance_types,
                     "Only instance types starting with one of these (e.g. Standard_ND), comma-separated")
      ->delimiter(',');
  import->add_option("--on-demand-gpus", o->on_demand_gpus, "GPUs each on-demand market offers at once (default 0)")
      ->check(CLI::NonNegativeNumber);
  import->add_option("--spot-gpus", o->spot_gpus, "GPUs each spot market offers at once (default 0)")
      ->check(CLI::NonNegativeNumber);
  import->add_option("--date", o->date, "The catalogue's date for the heading (default: the file's modification date)");
  import->add_flag("--skip-bad-rows", o->skip_bad_rows, "Skip and count malformed rows instead of stopping");
  import->callback([o] {
    CatalogReadOptions read;
    read.skip_bad_rows = o->skip_bad_rows;
    for (const auto& prefix : o->instance_types)
      if (prefix.empty())
        exit_bad_input(Error{"<command line>", 0, 0, "--instance-types", "an empty prefix; expected instance type prefixes such as Standard_ND"});
    read.instance_prefixes = o->instance_types;
    if (!o->accelerator_map.empty()) {
      auto overrides = parse_catalog_accelerator_map(o->accelerator_map, "--accelerator-map");
      if (!overrides) exit_bad_input(overrides.error());
      read.accelerator_map = catalog_map_with_overrides(*overrides);
    }
    if (!o->date.empty() && !parse_iso_datetime(o->date))
      exit_bad_input(Error{"<command line>", 0, 0, "--date", fmt::format("found '{}'; expected a date such as 2026-05-20", o->date)});
    auto catalog = read_skypilot_catalog(o->path, read);
    if (!catalog) exit_bad_input(catalog.error());
    CatalogYamlOptions yaml;
    yaml.provider = o->provider;
    yaml.date = o->date.empty() ? catalog_file_date(o->path).value_or("unknown") + ", the file's modification date" : o->date;
    yaml.command = recorded_command_line();
    yaml.on_demand_gpus = o->on_demand_gpus;
    yaml.spot_gpus = o->spot_gpus;
    std::cout << catalog_markets_yaml(*catalog, yaml);
  });
}

}  // namespace gpufleet::cli
