// libFuzzer target: any bytes fed to the scenario loader give a Scenario or an Error, never a
// crash, hang or leak. Files named by the input are not opened (paths are attacker-chosen).
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/scenario/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  gpufleet::ScenarioLoadOptions options;
  options.read_files = false;
  auto scenario = gpufleet::load_scenario_text_with(text, "fuzz.yaml", "/nonexistent", options);
  if (!scenario) {
    // Every error must render; the message is never empty.
    const std::string message = scenario.error().to_string();
    if (scenario.error().message.empty()) __builtin_trap();
  }
  return 0;
}
