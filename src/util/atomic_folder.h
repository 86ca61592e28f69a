// Replaces a results folder whole or not at all. The new set is written into a fresh sibling
// folder, then swapped in: with renameat2(RENAME_EXCHANGE), one atomic step, where the
// filesystem has it; else two renames, where a kill between them leaves the old set under a
// sibling name that the next run puts back. After a kill -9 or a full disk at any moment the
// target holds either the complete old set or the complete new one; leftovers of a dead run
// (its sibling folders, named ".NAME.gpufleet-new.PID" and ".NAME.gpufleet-old.PID") are
// removed by the next run on the same target.
#pragma once

#include <string>

#include "gpufleet/error.h"

namespace gpufleet {

class FolderSwap {
 public:
  FolderSwap() = default;
  FolderSwap(const FolderSwap&) = delete;
  FolderSwap& operator=(const FolderSwap&) = delete;
  // Removes the staging folder if commit() was not reached.
  ~FolderSwap();

  // Prepares to replace `target`. Fails if target is a file, or a folder holding anything
  // but result files (*.json, *.csv, *.html): a folder of other files is not replaced.
  Result<void> begin(const std::string& target);
  // REQUIRES: begin() succeeded. The fresh, empty folder to write the new set into.
  const std::string& staging() const { return staging_; }
  // Syncs the staging folder and swaps it in place of the target (created if absent); the
  // old set is then removed.
  Result<void> commit();

 private:
  std::string target_, staging_, old_;
  bool committed_ = false;
};

}  // namespace gpufleet
