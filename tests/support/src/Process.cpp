#include "vo/testing/Process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "vo/testing/TempDir.h"
#include "vo/testing/Wait.h"

extern char** environ;

namespace vo::testing {

namespace {

// The inherited environment with `changes` applied, as NAME=value strings.
std::vector<std::string> childEnvironment(const EnvVars& changes) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const auto equals = text.find('=');
    if (equals == std::string::npos) continue;
    merged[text.substr(0, equals)] = text.substr(equals + 1);
  }
  for (const auto& [name, value] : changes) {
    if (value) {
      merged[name] = *value;
    } else {
      merged.erase(name);
    }
  }
  std::vector<std::string> result;
  result.reserve(merged.size());
  for (const auto& [name, value] : merged) result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> pointersTo(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

int exitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exitCode_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void ChildProcess::spawn(const std::vector<std::string>& argv, const EnvVars& env,
                         const std::string& workDir, const std::string& logFile) {
  if (argv.empty()) throw std::runtime_error("ChildProcess: empty command");
  std::vector<std::string> arguments = argv;
  std::vector<std::string> environment = childEnvironment(env);
  auto argPointers = pointersTo(arguments);
  auto envPointers = pointersTo(environment);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, logFile.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  if (!workDir.empty()) posix_spawn_file_actions_addchdir_np(&actions, workDir.c_str());
  pid_t child = -1;
  const int error = ::posix_spawn(&child, arguments[0].c_str(), &actions, nullptr,
                                  argPointers.data(), envPointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    throw std::runtime_error("cannot start " + arguments[0] + ": " + std::strerror(error));
  }
  pid_ = child;
  exitCode_.reset();
}

bool ChildProcess::running() {
  if (pid_ <= 0 || exitCode_) return false;
  int status = 0;
  const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
  if (reaped == pid_) {
    exitCode_ = exitCodeOf(status);
    return false;
  }
  return reaped == 0;
}

void ChildProcess::signal(int signalNumber) {
  if (pid_ > 0 && !exitCode_) ::kill(pid_, signalNumber);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  waitUntil([this] { return !running(); }, timeout, std::chrono::milliseconds(10));
  return exitCode_;
}

ProcessResult runProcess(const std::vector<std::string>& argv, const EnvVars& env,
                         const std::string& workDir, std::chrono::milliseconds timeout) {
  TempDir logDir("vo-run");
  const std::string logFile = logDir.file("output.log");
  ChildProcess child;
  child.spawn(argv, env, workDir, logFile);
  ProcessResult result;
  if (auto code = child.wait(timeout)) {
    result.exitCode = *code;
  } else {
    child.signal(SIGKILL);
    child.wait(std::chrono::seconds(30));
  }
  result.output = readFile(logFile);
  return result;
}

}  // namespace vo::testing
