#pragma once

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "vo/testing/Process.h"

namespace vo::testing {

// <build>/bin/voice-orchestrator of the build these tests belong to.
std::string orchestratorBinary();

// Designated initializers work without naming every field: {.configYaml = yaml}.
struct ServerOptions {
  std::string configYaml{};  // the whole config file's text
  // Extra environment. SERVICE_PORT is always set to port() (the env override wins over the
  // file), so YAML may also say `${SERVICE_PORT}` where it needs the port.
  EnvVars env{};
  int port = 0;           // 0: a free port
  std::string workDir{};  // "" : a private temporary directory (relative paths land there)
  std::vector<std::string> extraArgs{};  // after `serve --config FILE`
  std::chrono::milliseconds startTimeout = std::chrono::seconds(120);
};

// The real voice-orchestrator, spawned as `serve --config <file>`. The constructor writes the
// config and picks the port but starts nothing, so port() is known before start(). The
// destructor stops a server still running (SIGTERM, then SIGKILL) and removes its files.
class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Spawns the server and waits until GET /health answers (any status). Throws
  // std::runtime_error, with the server's log, when it exits or does not answer in time.
  void start();
  // Stops a running server with SIGTERM (bounded wait), then starts it again on the same
  // config, port, directory and log file.
  void restart();
  // Sends `signalNumber` and waits for the process to end; its exit code (128 + signal).
  int kill(int signalNumber = SIGKILL);
  // SIGTERM and wait (SIGKILL after `grace`); the exit code: 0 after a clean shutdown.
  int terminate(std::chrono::milliseconds grace = std::chrono::seconds(60));
  bool running();

  int pid() const;
  int port() const;
  std::string baseUrl() const;  // http://127.0.0.1:<port>
  const std::string& workDir() const;
  const std::string& configPath() const;
  const std::string& logPath() const;
  std::string logText() const;  // everything the server wrote, over every start

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vo::testing
