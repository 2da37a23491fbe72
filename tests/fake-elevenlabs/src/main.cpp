// fake-elevenlabs: the fake ElevenLabs API as a process, for benchmarks and manual runs.
//   fake-elevenlabs [--latency-ms N] [--max-concurrent N] [--call-duration-ms N]
//                   [--webhook-url URL] [--webhook-secret S] [--api-key K]
//                   [--webhook-senders N]
// Prints "port <n>" once listening on 127.0.0.1; stops on SIGINT or SIGTERM.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "vo/fake_elevenlabs/FakeElevenLabs.h"

namespace {

bool applyOption(vo::fake_elevenlabs::FakeOptions& options, const std::string& name,
                 const std::string& value) {
  if (name == "--latency-ms") {
    options.latencyMs = std::stoll(value);
  } else if (name == "--max-concurrent") {
    options.maxConcurrentCalls = std::stoi(value);
  } else if (name == "--call-duration-ms") {
    options.callDurationMs = std::stoll(value);
  } else if (name == "--webhook-url") {
    options.webhookUrl = value;
  } else if (name == "--webhook-secret") {
    options.webhookSecret = value;
  } else if (name == "--webhook-senders") {
    options.webhookSenders = std::stoi(value);
  } else if (name == "--api-key") {
    options.apiKeys = {value};
  } else {
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  vo::fake_elevenlabs::FakeOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!applyOption(options, argv[i], argv[i + 1])) {
      std::cerr << "unknown option " << argv[i] << "\n";
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  vo::fake_elevenlabs::FakeElevenLabs fake(options);
  std::cout << "port " << fake.port() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  std::cout << "accepted " << fake.acceptedCalls().size() << " calls" << std::endl;
  return 0;
}
