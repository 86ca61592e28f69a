// gpufleet report DIR -o REPORT.html: one self-contained HTML page of the results that
// `simulate --out DIR`, `plan --out DIR` or `risk --out DIR` wrote. Also the helpers behind
// `--report FILE` on simulate, plan and risk, and run.json (the command line, for the report's header).
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "gpufleet/report.h"
#include "util/atomic_folder.h"

namespace gpufleet::cli {

namespace {

std::string& command_line_slot() {
  static std::string line;
  return line;
}

// A word as a POSIX shell reads it back: bare when only safe characters, else single-quoted.
std::string shell_word(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,+@%") ==
                           std::string::npos)
    return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void render_or_exit(const std::string& dir, const std::string& html_path) {
  if (auto ok = write_report(dir, html_path); !ok) exit_bad_input(ok.error());
}

}  // namespace

void record_command_line(int argc, char** argv) {
  std::string line = "gpufleet";  // the program's name, not the path it was started by
  for (int i = 1; i < argc; ++i) line += " " + shell_word(argv[i]);
  command_line_slot() = line;
}

const std::string& recorded_command_line() { return command_line_slot(); }

void record_run(const std::string& dir, const std::string& command_name) {
  if (auto ok = write_run_record(dir, command_name, command_line_slot()); !ok) exit_bad_input(ok.error());
}

void write_results_folder(const std::string& out_dir, const std::string& command_name,
                          const std::function<Result<void>(const std::string&)>& write_results) {
  FolderSwap swap;
  if (auto ok = swap.begin(out_dir); !ok) exit_bad_input(ok.error());
  if (auto ok = write_results(swap.staging()); !ok) {
    Error e = ok.error();
    e.message += fmt::format(" (the results in {} are unchanged)", out_dir);
    exit_bad_input(e);
  }
  if (auto ok = carry_other_runs(out_dir, swap.staging(), command_name); !ok) exit_bad_input(ok.error());
  record_run(swap.staging(), command_name);
  if (auto ok = swap.commit(); !ok) exit_bad_input(ok.error());
}

void report_results(const std::string& out_dir, const std::string& html_path, const std::string& command_name,
                    const std::function<Result<void>(const std::string&)>& write_results) {
  if (!out_dir.empty()) {
    render_or_exit(out_dir, html_path);
    return;
  }
  // No --out: the results go to a private temporary folder, removed once the page is written.
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / fmt::format("gpufleet-report-{}", ::getpid());
  std::error_code ec;
  fs::remove_all(dir, ec);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{dir};
  if (auto ok = write_results(dir.string()); !ok) exit_bad_input(ok.error());
  record_run(dir.string(), command_name);
  render_or_exit(dir.string(), html_path);
}

void add_report_command(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>("report.html");
  auto* cmd = app.add_subcommand("report", "Render the results of `simulate --out`, `plan --out` or `risk --out` as one self-contained HTML page");
  // Not checked by CLI11: a missing folder is bad input (exit 2) reported by write_report.
  cmd->add_option("dir", *dir, "Results folder written by `simulate --out DIR`, `plan --out DIR` or `risk --out DIR`")->required();
  cmd->add_option("-o,--out", *out, "The HTML file to write")->capture_default_str()->check(non_empty_path());
  cmd->callback([dir, out] {
    std::vector<std::string> inputs;
    for (const char* name :
         {"summary.json", "jobs.csv", "timeseries.csv", "focus.csv", "plan.json", "plan.csv", "plan_focus.csv", "risk.json", "futures.csv", "sweep.json",
          "run.json"})
      inputs.push_back((std::filesystem::path(*dir) / name).string());
    refuse_overwriting_input("--out", *out, inputs, false);
    render_or_exit(*dir, *out);
    std::printf("report written to %s\n", out->c_str());
  });
}

}  // namespace gpufleet::cli
