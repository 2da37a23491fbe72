#pragma once

#include <filesystem>
#include <system_error>

namespace vo::core {

// The folder of the running executable (bin/ in a build tree, /usr/bin once installed), where
// the plugins and the dashboard are looked for beside it; the working folder if it is unknown.
inline std::filesystem::path executableDir() {
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::current_path(error) : executable.parent_path();
}

}  // namespace vo::core
