#include "util/atomic_file.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/utf8.h"

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
  // Non-blocking open: a FIFO given as an input must be an error, not a wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return fail(path, 0, 0, "", fmt::format("cannot read: {}", std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(path, 0, 0, "", fmt::format("cannot read: {}", std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) return fail(path, 0, 0, "", "is a folder; expected a file");
  if (!S_ISREG(st.st_mode))
    return fail(path, 0, 0, "", "is not a regular file (a pipe, device or socket); expected a file");
  if (static_cast<uint64_t>(st.st_size) > kMaxInputFileBytes)
    return fail(path, 0, 0, "", fmt::format("is {} bytes; inputs of at most {} bytes (4 GiB) are read",
                                            st.st_size, kMaxInputFileBytes));
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(path, 0, 0, "", fmt::format("cannot read: {}", std::strerror(errno)));
    if (n == 0) break;  // shrank while read
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  if (const auto bad = first_invalid_utf8(text))
    return fail(path, bad->first, bad->second, "", "a byte that is not UTF-8; expected UTF-8 text");
  return text;
}

}  // namespace gpufleet
