#include "util/atomic_file.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace gpufleet {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("gpufleet-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(AtomicFile, CommitReplacesTheTarget) {
  const fs::path dir = fresh_dir("atomic-commit");
  const std::string path = (dir / "out.txt").string();
  ASSERT_TRUE(write_file_atomically(path, "first"));
  ASSERT_TRUE(write_file_atomically(path, "second"));
  EXPECT_EQ(*read_file(path), "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(AtomicFile, AbandonedWriteLeavesTheOldFileAndNoTemporary) {
  const fs::path dir = fresh_dir("atomic-abandon");
  const std::string path = (dir / "out.txt").string();
  ASSERT_TRUE(write_file_atomically(path, "good result"));
  {
    AtomicFile f;
    ASSERT_TRUE(f.open(path));
    f.write("half a res");
    // destroyed without commit(): as if the run failed part-way
  }
  EXPECT_EQ(*read_file(path), "good result");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(AtomicFile, UnwritableFolderIsAnErrorNamingThePath) {
  auto r = write_file_atomically("/nonexistent-dir/x/out.txt", "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().file, "/nonexistent-dir/x/out.txt");
}

TEST(AtomicFile, ReadMissingFileNamesIt) {
  auto r = read_file("/nonexistent-file.yaml");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("/nonexistent-file.yaml"), std::string::npos);
}

}  // namespace
}  // namespace gpufleet
