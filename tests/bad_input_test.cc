// The bad-input suite: every file tests/bad_input/cases/*.case is one hostile input, run on the
// gpufleet binary with a time limit. Each must exit with its expected status (2 for bad input,
// 3 for an infeasible plan) and print its expected message fragment: no crash (signal or exit
// 70), no hang (killed at the limit), no exit 0.
//
// A case file:
//   # what it checks (comments anywhere)
//   command: simulate scenario.yaml --quiet     (run in a fresh folder holding the inputs)
//   status: 2
//   message: a fragment of what stderr (or stdout) must contain
//   from: small.yaml -> scenario.yaml           (copy tests/bad_input/base/small.yaml in as scenario.yaml)
//   replace: scenario.yaml: OLD => NEW          (OLD must occur; \n, \t, \\ and \xNN escapes)
//   append: scenario.yaml: TEXT                 (same escapes)
//   setup: sh commands run first, in the folder  ($GPUFLEET is the binary; e.g. a good result to
//                                                 break, a FIFO); a setup that fails fails the case
//   --- name.csv                                (a file whose content is the lines up to the next ---)
// `{shared}` in a command or content is the shared data folder.
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kCaseSeconds = 30;  // a case that runs longer has hung

const fs::path kSuite = fs::path(GPUFLEET_SOURCE_DIR) / "tests" / "bad_input";

struct Case {
  std::string command;
  std::vector<std::string> setup;
  int status = -1;
  std::vector<std::string> messages;
  std::map<std::string, std::string> files;  // name -> content
  std::vector<std::string> problems;         // malformed case file
};

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    if (c == 'n') out += '\n';
    else if (c == 't') out += '\t';
    else if (c == '\\') out += '\\';
    else if (c == 'x' && i + 2 < s.size() + 1) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += '\\';
      out += c;
    }
  }
  return out;
}

std::string replace_shared(std::string s) {
  const std::string key = "{shared}";
  for (size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), GPUFLEET_SHARED_DATA);
  return s;
}

Case read_case(const fs::path& path) {
  Case c;
  std::istringstream in(slurp(path));
  std::string line, section;
  bool in_file = false;
  const auto split_file = [&](const std::string& rest, std::string& name, std::string& value) {
    const auto colon = rest.find(": ");
    if (colon == std::string::npos) return false;
    name = rest.substr(0, colon);
    value = rest.substr(colon + 2);
    return true;
  };
  while (std::getline(in, line)) {
    if (line.starts_with("--- ")) {
      section = line.substr(4);
      c.files[section] = "";
      in_file = true;
      continue;
    }
    if (in_file) {
      c.files[section] += replace_shared(line) + "\n";
      continue;
    }
    if (line.empty() || line.starts_with("#")) continue;
    const auto colon = line.find(": ");
    const std::string key = colon == std::string::npos ? line : line.substr(0, colon);
    const std::string value = colon == std::string::npos ? "" : line.substr(colon + 2);
    std::string name, rest;
    if (key == "command") {
      c.command = replace_shared(value);
    } else if (key == "setup") {
      c.setup.push_back(replace_shared(value));
    } else if (key == "status") {
      c.status = std::stoi(value);
    } else if (key == "message") {
      c.messages.push_back(value);
    } else if (key == "from") {
      const auto arrow = value.find(" -> ");
      if (arrow == std::string::npos) {
        c.problems.push_back("from: expected BASE -> NAME");
        continue;
      }
      c.files[value.substr(arrow + 4)] = slurp(kSuite / "base" / value.substr(0, arrow));
    } else if (key == "replace" && split_file(value, name, rest)) {
      const auto arrow = rest.find(" => ");
      if (arrow == std::string::npos || !c.files.count(name)) {
        c.problems.push_back("replace: expected FILE: OLD => NEW of a file already given: " + value);
        continue;
      }
      const std::string old_text = unescape(rest.substr(0, arrow)), new_text = unescape(rest.substr(arrow + 4));
      std::string& content = c.files[name];
      const auto at = content.find(old_text);
      if (at == std::string::npos) {
        c.problems.push_back("replace: '" + old_text + "' does not occur in " + name);
        continue;
      }
      content.replace(at, old_text.size(), replace_shared(new_text));
    } else if (key == "append" && split_file(value, name, rest)) {
      c.files[name] += replace_shared(unescape(rest));
    } else {
      c.problems.push_back("unknown line: " + line);
    }
  }
  if (c.command.empty()) c.problems.push_back("no command:");
  if (c.status < 0) c.problems.push_back("no status:");
  if (c.messages.empty()) c.problems.push_back("no message:");
  return c;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kSuite / "cases"))
    if (e.path().extension() == ".case") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

class BadInput : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInput, ExitsWithItsStatusAndMessage) {
  const Case c = read_case(kSuite / "cases" / (GetParam() + ".case"));
  ASSERT_TRUE(c.problems.empty()) << "malformed case file: " << c.problems.front();
  const fs::path dir = fresh_dir("bad-" + GetParam());
  for (const auto& [name, content] : c.files) {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name, std::ios::binary) << content;
  }
  for (const auto& s : c.setup) {
    const std::string sh = "cd " + dir.string() + " && GPUFLEET=" + GPUFLEET_BINARY + " sh -c '" + s + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(sh.c_str()), 0) << "setup failed: " << s;
  }
  // SIGKILL at the limit: a hang shows as status -1 (killed), not as a stuck test run.
  const std::string cmd = "cd " + dir.string() + " && timeout -s KILL " + std::to_string(kCaseSeconds) + " " +
                          GPUFLEET_BINARY + " " + c.command + " </dev/null >stdout.txt 2>stderr.txt";
  const int raw = std::system(cmd.c_str());
  const int status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  const std::string out = slurp(dir / "stdout.txt"), err = slurp(dir / "stderr.txt");
  EXPECT_NE(status, 137) << "hung: killed after " << kCaseSeconds << " s";
  EXPECT_NE(status, 70) << "an uncaught exception reached main: " << err;
  EXPECT_EQ(status, c.status) << "command: " << c.command << "\nstderr: " << err << "\nstdout: " << out.substr(0, 2000);
  for (const auto& m : c.messages)
    EXPECT_NE((err + out).find(m), std::string::npos) << "missing message: " << m << "\nstderr: " << err;
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInput, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
                           return n;
                         });

// The suite is as large as the issue asks, so that it cannot quietly shrink.
TEST(BadInputSuite, HoldsAtLeastAHundredCases) { EXPECT_GE(case_names().size(), 100u); }

}  // namespace
}  // namespace gpufleet::testing
