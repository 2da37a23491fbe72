#include "vo/testing/ServerProcess.h"

#include <optional>
#include <stdexcept>

#include "vo/testing/HttpClient.h"
#include "vo/testing/Ports.h"
#include "vo/testing/TempDir.h"
#include "vo/testing/Wait.h"

namespace vo::testing {

std::string orchestratorBinary() {
  return std::string(VO_BINARY_DIR) + "/bin/voice-orchestrator";
}

struct ServerProcess::State {
  ServerOptions options;
  std::unique_ptr<TempDir> ownDir;  // when the caller gave no workDir
  std::string workDir;
  std::string configPath;
  std::string logPath;
  std::unique_ptr<ChildProcess> child;

  std::string failure(const std::string& what) const {
    return "voice-orchestrator " + what + " (config " + configPath + "); its log:\n" +
           readFile(logPath);
  }
};

ServerProcess::ServerProcess(ServerOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  if (state_->options.port == 0) state_->options.port = freePort();
  if (state_->options.workDir.empty()) {
    state_->ownDir = std::make_unique<TempDir>("vo-server");
    state_->workDir = state_->ownDir->path();
  } else {
    state_->workDir = state_->options.workDir;
  }
  // Named after the port so several servers may share one directory (and one SQLite file).
  const std::string stem = state_->workDir + "/vo-server-" + std::to_string(state_->options.port);
  state_->configPath = stem + ".yaml";
  state_->logPath = stem + ".log";
  writeFile(state_->configPath, state_->options.configYaml);
  state_->options.env["SERVICE_PORT"] = std::to_string(state_->options.port);
}

ServerProcess::~ServerProcess() {
  if (running()) terminate(std::chrono::seconds(30));
}

void ServerProcess::start() {
  if (running()) throw std::runtime_error("ServerProcess::start: already running");
  std::vector<std::string> argv{orchestratorBinary(), "serve", "--config", state_->configPath};
  argv.insert(argv.end(), state_->options.extraArgs.begin(), state_->options.extraArgs.end());
  state_->child = std::make_unique<ChildProcess>();
  state_->child->spawn(argv, state_->options.env, state_->workDir, state_->logPath);

  HttpClient client(state_->options.port, std::chrono::seconds(5));
  std::optional<int> exited;
  const bool answered = waitUntil(
      [&] {
        if (!state_->child->running()) {
          exited = state_->child->exitCode();
          return true;
        }
        return client.get("/health").status != 0;
      },
      state_->options.startTimeout, std::chrono::milliseconds(25));
  if (exited) {
    throw std::runtime_error(
        state_->failure("exited with code " + std::to_string(*exited) + " during start-up"));
  }
  if (!answered) {
    state_->child->signal(SIGKILL);
    state_->child->wait(std::chrono::seconds(30));
    throw std::runtime_error(state_->failure("did not answer GET /health in time"));
  }
}

void ServerProcess::restart() {
  if (running()) terminate();
  start();
}

int ServerProcess::kill(int signalNumber) {
  if (!state_->child) throw std::runtime_error("ServerProcess::kill: never started");
  state_->child->signal(signalNumber);
  auto code = state_->child->wait(std::chrono::seconds(120));
  if (!code) throw std::runtime_error(state_->failure("did not end after a signal"));
  return *code;
}

int ServerProcess::terminate(std::chrono::milliseconds grace) {
  if (!state_->child) throw std::runtime_error("ServerProcess::terminate: never started");
  state_->child->signal(SIGTERM);
  if (auto code = state_->child->wait(grace)) return *code;
  return kill(SIGKILL);
}

bool ServerProcess::running() {
  return state_->child && state_->child->running();
}

int ServerProcess::pid() const {
  return state_->child ? state_->child->pid() : -1;
}
int ServerProcess::port() const {
  return state_->options.port;
}
std::string ServerProcess::baseUrl() const {
  return "http://127.0.0.1:" + std::to_string(state_->options.port);
}
const std::string& ServerProcess::workDir() const {
  return state_->workDir;
}
const std::string& ServerProcess::configPath() const {
  return state_->configPath;
}
const std::string& ServerProcess::logPath() const {
  return state_->logPath;
}
std::string ServerProcess::logText() const {
  return readFile(state_->logPath);
}

}  // namespace vo::testing
