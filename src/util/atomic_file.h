// Writes a result file so that a reader never sees half of it: the content goes to a
// temporary file beside the target, which is renamed over the target only on commit().
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "gpufleet/error.h"

namespace gpufleet {

class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  // Removes the temporary file if commit() was not reached.
  ~AtomicFile();

  Result<void> open(const std::string& path);
  // REQUIRES: open() succeeded. Buffered; errors are reported by commit().
  std::FILE* stream() { return file_; }
  void write(std::string_view text) { std::fwrite(text.data(), 1, text.size(), file_); }
  // Flushes, syncs and renames into place.
  Result<void> commit();

 private:
  std::string path_, tmp_path_;
  std::FILE* file_ = nullptr;
};

// Whole-content convenience.
Result<void> write_file_atomically(const std::string& path, std::string_view content);

// Inputs larger than this (4 GiB) are refused before anything is read.
inline constexpr uint64_t kMaxInputFileBytes = uint64_t{4} << 30;

// Reads a whole regular file of UTF-8 text, at most kMaxInputFileBytes; the error names the
// path (and the line and column of a byte that is not UTF-8). A folder, FIFO or device is an
// error, never a wait or an endless read.
Result<std::string> read_file(const std::string& path);

}  // namespace gpufleet
