// vo-load: measures a running voice-orchestrator over HTTP. No assertions: it prints figures.
//   vo-load bulk     --calls 100000 --batch 1000      accept rate through POST /calls/bulk
//   vo-load dispatch --calls 50000                    dispatch rate (one campaign, progress polled)
//   vo-load priority --rate 200 --seconds 20          POST /calls/priority response-time
//   percentiles
// Common: --host 127.0.0.1 --port 3000 --key dev-admin-key --workspace demo --agent agent_demo
//         --phone phnum_demo
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "LoadClient.h"

namespace {

using Clock = std::chrono::steady_clock;
using vo::bench::LoadClient;

struct Options {
  std::string mode;
  std::string host = "127.0.0.1";
  int port = 3000;
  std::string key = "dev-admin-key";
  std::string workspace = "demo";
  std::string agent = "agent_demo";
  std::string phone = "phnum_demo";
  long calls = 100000;
  long batch = 1000;
  double rate = 200;
  double seconds = 20;
  int threads = 16;
  long numberOffset = 0;
};

Options parse(int argc, char** argv) {
  Options options;
  if (argc < 2) {
    std::fprintf(stderr, "usage: vo-load bulk|dispatch|priority [--option value]...\n");
    std::exit(2);
  }
  options.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--host")
      options.host = value;
    else if (name == "--port")
      options.port = std::stoi(value);
    else if (name == "--key")
      options.key = value;
    else if (name == "--workspace")
      options.workspace = value;
    else if (name == "--agent")
      options.agent = value;
    else if (name == "--phone")
      options.phone = value;
    else if (name == "--calls")
      options.calls = std::stol(value);
    else if (name == "--batch")
      options.batch = std::stol(value);
    else if (name == "--rate")
      options.rate = std::stod(value);
    else if (name == "--seconds")
      options.seconds = std::stod(value);
    else if (name == "--threads")
      options.threads = std::stoi(value);
    else if (name == "--number-offset")
      options.numberOffset = std::stol(value);
    else {
      std::fprintf(stderr, "unknown option %s\n", name.c_str());
      std::exit(2);
    }
  }
  return options;
}

// Distinct E.164 numbers, so "each number dialed once" stays checkable.
std::string numberFor(long index) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "+3460%07ld", index % 10000000);
  return buffer;
}

std::string bulkBody(const Options& options, long first, long count) {
  std::string body = "{\"workspaceId\":\"" + options.workspace + "\",\"agentId\":\"" +
                     options.agent + "\",\"agentPhoneNumberId\":\"" + options.phone +
                     "\",\"from\":\"+34601893170\",\"calls\":[";
  for (long i = 0; i < count; ++i) {
    if (i > 0) body += ',';
    body += "{\"to\":\"" + numberFor(first + i) +
            "\",\"variables\":{\"businessName\":\"Restaurante Andres\",\"customerName\":\"Juan "
            "P\\u00e9rez\",\"row\":" +
            std::to_string(first + i) + "}}";
  }
  body += "]}";
  return body;
}

std::string campaignIdOf(const std::string& body) {
  Poco::JSON::Parser parser;
  auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
  return object->getValue<std::string>("campaignId");
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int runBulk(const Options& options) {
  LoadClient client(options.host, options.port, options.key);
  std::vector<std::string> bodies;
  for (long first = 0; first < options.calls; first += options.batch) {
    bodies.push_back(bulkBody(options, options.numberOffset + first,
                              std::min(options.batch, options.calls - first)));
  }
  long accepted = 0;
  const auto start = Clock::now();
  for (const auto& body : bodies) {
    auto answer = client.send("POST", "/calls/bulk", body);
    if (answer.status != 202) {
      std::fprintf(stderr, "bulk answered %d: %s\n", answer.status,
                   answer.body.substr(0, 300).c_str());
      return 1;
    }
    Poco::JSON::Parser parser;
    accepted +=
        parser.parse(answer.body).extract<Poco::JSON::Object::Ptr>()->getValue<long>("accepted");
  }
  const double elapsed = secondsSince(start);
  std::printf("bulk: %ld calls accepted in %zu requests of %ld: %.3f s (%.0f calls/s)\n", accepted,
              bodies.size(), options.batch, elapsed, static_cast<double>(accepted) / elapsed);
  return 0;
}

// Calls of the campaign that have left queued/dispatching (dialed, whatever the outcome).
long dialedOf(LoadClient& client, const std::string& campaignId, long* total) {
  auto answer = client.send("GET", "/campaigns/" + campaignId);
  if (answer.status != 200) return -1;
  Poco::JSON::Parser parser;
  auto object = parser.parse(answer.body).extract<Poco::JSON::Object::Ptr>();
  auto counts = object->getObject("byStatus");
  if (!counts && object->has("progress"))
    counts = object->getObject("progress")->getObject("byStatus");
  long waiting = 0;
  long sum = 0;
  if (counts) {
    for (const auto& [status, value] : *counts) {
      const long n = value.convert<long>();
      sum += n;
      if (status == "queued" || status == "dispatching") waiting += n;
    }
  }
  *total = sum;
  return sum - waiting;
}

int runDispatch(const Options& options) {
  LoadClient client(options.host, options.port, options.key);
  const auto accepted =
      client.send("POST", "/calls/bulk", bulkBody(options, options.numberOffset, options.calls));
  if (accepted.status != 202) {
    std::fprintf(stderr, "bulk answered %d: %s\n", accepted.status,
                 accepted.body.substr(0, 300).c_str());
    return 1;
  }
  const std::string campaignId = campaignIdOf(accepted.body);
  const auto start = Clock::now();
  // Rate between 10 % and 90 % dialed: the steady state, free of start-up and tail effects.
  double t10 = -1, t90 = -1;
  long total = 0;
  for (;;) {
    const long dialed = dialedOf(client, campaignId, &total);
    const double now = secondsSince(start);
    if (dialed >= options.calls / 10 && t10 < 0) t10 = now;
    if (dialed >= options.calls * 9 / 10 && t90 < 0) t90 = now;
    if (dialed >= options.calls) break;
    if (now > 900) {
      std::fprintf(stderr, "dispatch: gave up after 900 s with %ld of %ld dialed\n", dialed,
                   options.calls);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double all = secondsSince(start);
  std::printf(
      "dispatch: %ld calls dialed in %.3f s (%.0f calls/s overall, %.0f calls/s between 10%% and "
      "90%%)\n",
      options.calls, all, options.calls / all, (options.calls * 0.8) / (t90 - t10));
  return 0;
}

std::string priorityBody(const Options& options, long index) {
  return "{\"workspaceId\":\"" + options.workspace + "\",\"agentId\":\"" + options.agent +
         "\",\"agentPhoneNumberId\":\"" + options.phone + "\",\"to\":\"" + numberFor(index) +
         "\",\"from\":\"+34601893170\",\"variables\":{\"businessName\":\"Restaurante Andres\","
         "\"customerName\":\"Juan P\\u00e9rez\"}}";
}

int runPriority(const Options& options) {
  const long total = static_cast<long>(options.rate * options.seconds);
  const auto interval = std::chrono::duration<double>(1.0 / options.rate);
  std::vector<double> latencies(static_cast<std::size_t>(total), -1);
  std::map<int, long> statuses;
  std::atomic<long> next{0};
  std::vector<std::map<int, long>> perThread(static_cast<std::size_t>(options.threads));
  const auto start = Clock::now() + std::chrono::milliseconds(200);
  std::vector<std::thread> threads;
  for (int t = 0; t < options.threads; ++t) {
    threads.emplace_back([&, t] {
      LoadClient client(options.host, options.port, options.key);
      for (long i = next++; i < total; i = next++) {
        // Open loop: request i is due at start + i * interval whatever happened before.
        const auto due =
            start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
        std::this_thread::sleep_until(due);
        const auto sent = Clock::now();
        const auto answer =
            client.send("POST", "/calls/priority", priorityBody(options, options.numberOffset + i));
        latencies[static_cast<std::size_t>(i)] =
            std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        perThread[static_cast<std::size_t>(t)][answer.status]++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& counts : perThread) {
    for (const auto& [status, n] : counts) statuses[status] += n;
  }
  std::sort(latencies.begin(), latencies.end());
  auto percentile = [&](double p) {
    return latencies[std::min(latencies.size() - 1,
                              static_cast<std::size_t>(p * static_cast<double>(latencies.size())))];
  };
  std::printf("priority: %ld requests at %.0f/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms; statuses:",
              total, options.rate, percentile(0.50), percentile(0.99), latencies.back());
  for (const auto& [status, n] : statuses) std::printf(" %d×%ld", status, n);
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  try {
    if (options.mode == "bulk") return runBulk(options);
    if (options.mode == "dispatch") return runDispatch(options);
    if (options.mode == "priority") return runPriority(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vo-load: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "unknown mode %s\n", options.mode.c_str());
  return 2;
}
