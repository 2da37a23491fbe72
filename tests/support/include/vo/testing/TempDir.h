#pragma once

#include <string>

namespace vo::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
// Set VO_KEEP_TEMP=1 to keep it for a post-mortem.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "vo-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name (not created).
  std::string file(const std::string& name) const;
  // Writes `text` to path()/name and returns the full path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

// The whole content of a file; empty when it cannot be read.
std::string readFile(const std::string& path);
// Replaces the file's content with `text`; throws std::runtime_error when it cannot.
void writeFile(const std::string& path, const std::string& text);

}  // namespace vo::testing
