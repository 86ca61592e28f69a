#include "util/atomic_folder.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace gpufleet {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kNewTag = ".gpufleet-new.";
constexpr std::string_view kOldTag = ".gpufleet-old.";

Error folder_error(const std::string& path, std::string message) { return Error{path, 0, 0, "", std::move(message)}; }

bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

// The pid of a sibling ".NAME<tag>PID", or -1 when `entry` is not one for this target.
long sibling_pid(const std::string& entry, const std::string& name, std::string_view tag) {
  const std::string prefix = "." + name + std::string(tag);
  if (!entry.starts_with(prefix)) return -1;
  const std::string digits = entry.substr(prefix.size());
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) return -1;
  return std::stol(digits);
}

bool is_result_file(const fs::directory_entry& e) {
  std::error_code ec;
  if (!e.is_regular_file(ec)) return false;
  const std::string ext = e.path().extension().string();
  return ext == ".json" || ext == ".csv" || ext == ".html" || e.path().filename().string().find(".tmp.") != std::string::npos;
}

void sync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

FolderSwap::~FolderSwap() {
  if (!staging_.empty() && !committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

Result<void> FolderSwap::begin(const std::string& target) {
  std::error_code ec;
  fs::path t = fs::path(target).lexically_normal();
  if (t.has_filename() == false) t = t.parent_path();  // "out/" -> "out"
  if (t.empty() || t == "." || t == "..") return fail(folder_error(target, "expected a folder name for the results"));
  const fs::path parent = t.has_parent_path() ? t.parent_path() : fs::path(".");
  const std::string name = t.filename().string();
  if (!fs::is_directory(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) return fail(folder_error(target, fmt::format("cannot create the folder that holds it: {}", ec.message())));
  }

  // Leftovers of runs that died: an old set not put back (the two-rename path) is restored
  // first, then every dead run's sibling is removed.
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string entry = e.path().filename().string();
    const long old_pid = sibling_pid(entry, name, kOldTag);
    if (old_pid > 0 && !process_alive(old_pid)) {
      std::error_code missing;
      if (!fs::exists(t, missing)) fs::rename(e.path(), t, missing);
    }
  }
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string entry = e.path().filename().string();
    const long pid = std::max(sibling_pid(entry, name, kNewTag), sibling_pid(entry, name, kOldTag));
    if (pid > 0 && !process_alive(pid)) {
      std::error_code ignored;
      fs::remove_all(e.path(), ignored);
    }
  }

  if (fs::exists(t, ec)) {
    if (!fs::is_directory(t, ec)) return fail(folder_error(target, "is a file; expected a results folder"));
    for (const auto& e : fs::directory_iterator(t, ec))
      if (!is_result_file(e))
        return fail(folder_error(target, fmt::format("holds '{}', which is not a result file (*.json, *.csv, *.html); "
                                                     "refusing to replace the folder",
                                                     e.path().filename().string())));
  }
  target_ = t.string();
  staging_ = (parent / fmt::format(".{}{}{}", name, kNewTag, ::getpid())).string();
  old_ = (parent / fmt::format(".{}{}{}", name, kOldTag, ::getpid())).string();
  fs::remove_all(staging_, ec);
  if (!fs::create_directory(staging_, ec) || ec)
    return fail(folder_error(target, fmt::format("cannot create a folder beside it: {}", ec ? ec.message() : "exists")));
  return {};
}

Result<void> FolderSwap::commit() {
  sync_path(staging_);
  const std::string parent = fs::path(staging_).parent_path().string();
  std::error_code ec;
  if (fs::exists(target_, ec)) {
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
      committed_ = true;  // the old set is now under the staging name
      sync_path(parent.empty() ? "." : parent);
      fs::remove_all(staging_, ec);
      return {};
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
      return fail(folder_error(target_, fmt::format("cannot swap the new results in: {}", std::strerror(errno))));
    // No atomic exchange here: old set aside, new set in; a kill between leaves the old set
    // under old_, which the next begin() puts back.
    if (std::rename(target_.c_str(), old_.c_str()) != 0)
      return fail(folder_error(target_, fmt::format("cannot move the old results aside: {}", std::strerror(errno))));
  }
  if (std::rename(staging_.c_str(), target_.c_str()) != 0) {
    const int e = errno;
    std::rename(old_.c_str(), target_.c_str());
    return fail(folder_error(target_, fmt::format("cannot move the new results in: {}", std::strerror(e))));
  }
  committed_ = true;
  sync_path(parent.empty() ? "." : parent);
  fs::remove_all(old_, ec);
  return {};
}

}  // namespace gpufleet
