// write_file_atomically() / commit_file(): the one way synsim writes an
// output file (temporary beside it, fsync, rename, fsync of the directory).
#include "sim/core/atomic_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace synsim {
namespace {

namespace fs = std::filesystem;

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("synsim_atomic_file_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::size_t entries() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(root_)) ++n;
    return n;
  }

  fs::path root_;
};

TEST_F(AtomicFile, WritesTheWholeFileAndLeavesNoTemporary) {
  write_file_atomically(root_ / "page.html", "<p>one</p>");
  EXPECT_EQ(read(root_ / "page.html"), "<p>one</p>");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFile, ReplacesAnExistingFile) {
  std::ofstream(root_ / "out.txt") << "old and longer";
  write_file_atomically(root_ / "out.txt", "new");
  EXPECT_EQ(read(root_ / "out.txt"), "new");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFile, AFailureNamesThePathAndLeavesNothingBehind) {
  try {
    write_file_atomically(root_ / "missing" / "out.txt", "x");
    FAIL() << "expected a failure";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((root_ / "missing").string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(entries(), 0u);
}

TEST_F(AtomicFile, CommitPublishesAFileWrittenUnderATemporaryName) {
  std::ofstream(root_ / "runs.jsonl.tmp") << "{\"run\":1}\n";
  commit_file(root_ / "runs.jsonl.tmp", root_ / "runs.jsonl");
  EXPECT_EQ(read(root_ / "runs.jsonl"), "{\"run\":1}\n");
  EXPECT_FALSE(fs::exists(root_ / "runs.jsonl.tmp"));
}

TEST_F(AtomicFile, StagedFilesAppearTogetherWhenPublished) {
  std::ofstream(root_ / "a.txt") << "old a";
  StagedFiles staged;
  staged.stage(root_ / "a.txt", "new a");
  staged.stage(root_ / "b.txt", "new b");
  EXPECT_EQ(read(root_ / "a.txt"), "old a");  // staged: not yet under its name
  EXPECT_FALSE(fs::exists(root_ / "b.txt"));
  staged.publish();
  EXPECT_EQ(read(root_ / "a.txt"), "new a");
  EXPECT_EQ(read(root_ / "b.txt"), "new b");
  EXPECT_EQ(entries(), 2u);
}

TEST_F(AtomicFile, StagedFilesNeverPublishedLeaveNothingBehind) {
  std::ofstream(root_ / "a.txt") << "old a";
  try {
    StagedFiles staged;
    staged.stage(root_ / "a.txt", "new a");
    throw std::logic_error("an internal check fails before the next file");
  } catch (const std::logic_error&) {
  }
  EXPECT_EQ(read(root_ / "a.txt"), "old a");
  EXPECT_EQ(entries(), 1u);
}

TEST(AtomicFileName, TemporaryNamesAreRecognised) {
  EXPECT_TRUE(is_atomic_write_temporary_name(atomic_write_temporary_name("summary.txt")));
  EXPECT_TRUE(is_atomic_write_temporary_name(".scenario.yaml.tmp.12345"));
  EXPECT_FALSE(is_atomic_write_temporary_name("summary.txt"));
  EXPECT_FALSE(is_atomic_write_temporary_name(".summary.txt.tmp"));
  EXPECT_FALSE(is_atomic_write_temporary_name(".tmp.12"));
}

}  // namespace
}  // namespace synsim
