// fake-elevenlabs: the fake ElevenLabs API as a process, for benchmarks, manual runs and the
// SDK check (tests/fake-elevenlabs/sdk).
//   fake-elevenlabs [--latency-ms N] [--max-concurrent N] [--call-duration-ms N]
//                   [--ringing-ms N] [--processing-ms N] [--reported-duration-secs N]
//                   [--webhook-url URL] [--webhook-secret S] [--api-key K]
//                   [--webhook-senders N]
//                   [--busy-suffix DIGITS] [--no-answer-suffix DIGITS]
//                   [--busy-percent P] [--no-answer-percent P]
//                   [--agent-name NAME] [--agent-number E164]
// Prints "port <n>" once listening on 127.0.0.1 (a free port); stops on SIGINT or SIGTERM and
// prints what it accepted and how the webhooks were answered. GET /fake/stats tells the same
// while it runs.
//
// Calls end busy or unanswered (status failed, metadata.phone_call.call_result busy |
// no_answer, a call_initiation_failure webhook with failure_reason busy | no-answer) when the
// dialed number ends in --busy-suffix / --no-answer-suffix, else for --busy-percent /
// --no-answer-percent of the calls (exactly P of every 100 accepted, spread evenly); the others
// complete. A conversation is `initiated` for --ringing-ms, `in-progress`, then `processing`
// for its last --processing-ms (both default to a fifth of --call-duration-ms), `done` or
// `failed` once over.
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
  } else if (name == "--ringing-ms") {
    options.ringingMs = std::stoll(value);
  } else if (name == "--processing-ms") {
    options.processingMs = std::stoll(value);
  } else if (name == "--reported-duration-secs") {
    options.reportedDurationSecs = std::stoll(value);
  } else if (name == "--webhook-url") {
    options.webhookUrl = value;
  } else if (name == "--webhook-secret") {
    options.webhookSecret = value;
  } else if (name == "--webhook-senders") {
    options.webhookSenders = std::stoi(value);
  } else if (name == "--api-key") {
    options.apiKeys = {value};
  } else if (name == "--busy-suffix") {
    options.busySuffix = value;
  } else if (name == "--no-answer-suffix") {
    options.noAnswerSuffix = value;
  } else if (name == "--busy-percent") {
    options.busyPercent = std::stoi(value);
  } else if (name == "--no-answer-percent") {
    options.noAnswerPercent = std::stoi(value);
  } else if (name == "--agent-name") {
    options.agentName = value;
  } else if (name == "--agent-number") {
    options.agentNumber = value;
  } else {
    return false;
  }
  return true;
}

bool percentsValid(const vo::fake_elevenlabs::FakeOptions& options) {
  return options.busyPercent >= 0 && options.noAnswerPercent >= 0 &&
         options.busyPercent + options.noAnswerPercent <= 100;
}

}  // namespace

int main(int argc, char** argv) {
  vo::fake_elevenlabs::FakeOptions options;
  for (int i = 1; i < argc; i += 2) {
    const std::string name = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "option " << name << " needs a value\n";
      return 2;
    }
    try {
      if (!applyOption(options, name, argv[i + 1])) {
        std::cerr << "unknown option " << name << "\n";
        return 2;
      }
    } catch (const std::exception&) {
      std::cerr << "option " << name << ": not a number: " << argv[i + 1] << "\n";
      return 2;
    }
  }
  if (!percentsValid(options)) {
    std::cerr << "--busy-percent and --no-answer-percent must be 0..100 together\n";
    return 2;
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
  const auto webhooks = fake.webhookStats();
  std::cout << "webhooks: " << webhooks.deliveries << " delivered in " << webhooks.attempts
            << " attempts, " << webhooks.answered2xx << " answered 2xx, " << webhooks.answeredOther
            << " other, " << webhooks.noAnswer << " no answer in 10 s, "
            << webhooks.connectionFailures << " connection failures; answer p50 "
            << webhooks.answer.p50Ms << " ms, p99 " << webhooks.answer.p99Ms << " ms, max "
            << webhooks.answer.maxMs << " ms" << std::endl;
  return 0;
}
