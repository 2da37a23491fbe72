#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vo::testing {

// Environment changes for a child: a value sets the variable, nullopt removes it. Everything
// else is inherited from the test process.
using EnvVars = std::map<std::string, std::optional<std::string>>;

// One child process with stdout and stderr appended to a log file. The destructor kills
// (SIGKILL) and reaps a child still running, so a failing test leaves nothing behind.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // argv[0] is the executable's path. Throws std::runtime_error when it cannot be started.
  void spawn(const std::vector<std::string>& argv, const EnvVars& env, const std::string& workDir,
             const std::string& logFile);
  int pid() const { return pid_; }
  // True while the child has not exited (reaps it when it has).
  bool running();
  void signal(int signalNumber);
  // Waits up to `timeout` for the child to exit; its exit code (128 + signal when killed by
  // one), or nullopt when it is still running.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // The exit code once the child has been reaped.
  std::optional<int> exitCode() const { return exitCode_; }

 private:
  int pid_ = -1;
  std::optional<int> exitCode_;
};

struct ProcessResult {
  int exitCode = -1;   // -1: it did not finish within the timeout (it was killed)
  std::string output;  // stdout and stderr, interleaved
};

// Runs a command to completion in `workDir` ("" = the current directory).
ProcessResult runProcess(const std::vector<std::string>& argv, const EnvVars& env = {},
                         const std::string& workDir = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(120));

}  // namespace vo::testing
