#include "util/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

namespace gpufleet {

AtomicFile::~AtomicFile() {
  if (file_) {
    std::fclose(file_);
    std::remove(tmp_path_.c_str());
  }
}

Result<void> AtomicFile::open(const std::string& path) {
  path_ = path;
  tmp_path_ = fmt::format("{}.tmp.{}", path, ::getpid());
  file_ = std::fopen(tmp_path_.c_str(), "wb");
  if (!file_) return fail(path, 0, 0, "", fmt::format("cannot write: {}", std::strerror(errno)));
  static thread_local char buffer[1 << 16];
  std::setvbuf(file_, buffer, _IOFBF, sizeof buffer);
  return {};
}

Result<void> AtomicFile::commit() {
  const bool write_failed = std::ferror(file_) != 0;
  const bool flush_failed = std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0;
  const int saved = errno;
  std::fclose(file_);
  file_ = nullptr;
  if (write_failed || flush_failed) {
    std::remove(tmp_path_.c_str());
    return fail(path_, 0, 0, "", fmt::format("write failed: {}", std::strerror(saved)));
  }
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp_path_.c_str());
    return fail(path_, 0, 0, "", fmt::format("cannot rename into place: {}", std::strerror(e)));
  }
  return {};
}

Result<void> write_file_atomically(const std::string& path, std::string_view content) {
  AtomicFile f;
  if (auto r = f.open(path); !r) return r;
  f.write(content);
  return f.commit();
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path, 0, 0, "", fmt::format("cannot read: {}", std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace gpufleet
