// vo-bench-queue: throughput of a CallQueue against its real backend.
//   vo-bench-queue --queue redis --url redis://127.0.0.1:6379/0 [--jobs 100000] [--batch 10]
//   vo-bench-queue --queue memory
// Measures: enqueue of one 100,000-call bulk; claim-and-complete with 1, 2 and 4 workers; the
// same with the jobs spread over 10,000 workspaces. Every run uses a fresh key prefix.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "vo/queue_memory/MemoryQueue.h"
#include "vo/queue_redis/RedisQueue.h"

namespace {

using Clock = std::chrono::steady_clock;

struct BenchOptions {
  std::string queue = "redis";
  std::string url = "redis://127.0.0.1:6379/0";
  int jobs = 100000;
  int batch = 10;
};

std::unique_ptr<vo::api::CallQueue> freshQueue(const BenchOptions& options) {
  if (options.queue == "memory") return vo::queue_memory::makeMemoryQueue();
  static int serial = 0;
  vo::queue_redis::RedisQueueOptions redis;
  redis.url = options.url;
  redis.keyPrefix =
      "{vo-bench-" + std::to_string(std::random_device{}()) + "-" + std::to_string(serial++) + "}";
  return vo::queue_redis::makeRedisQueue(redis);
}

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// The keys a real call carries (see the dispatcher's registry), with no limits set.
std::vector<vo::api::QueueJob> makeJobs(int count, int workspaces) {
  std::vector<vo::api::QueueJob> jobs(count);
  for (int i = 0; i < count; ++i) {
    auto& job = jobs[i];
    std::string workspace = "ws_" + std::to_string(i % workspaces);
    job.callId = "call_" + std::to_string(1000000 + i);
    job.workspaceId = workspace;
    job.campaignId = "cmp_" + workspace;
    job.pacingKeys = {"phone:" + workspace, "agent:" + workspace + "/agent_1",
                      "workspace:" + workspace, "account:elevenlabs:default"};
  }
  return jobs;
}

bool enqueueAll(vo::api::CallQueue& queue, const std::vector<vo::api::QueueJob>& jobs) {
  auto outcome = queue.enqueue(jobs);
  if (!outcome) {
    std::cerr << "enqueue failed: " << outcome.error().message << "\n";
    return false;
  }
  return outcome->added == static_cast<int64_t>(jobs.size());
}

// Workers claim `batch` jobs at a time and complete each (keepSlots=false) until the queue is
// empty. Returns jobs per second.
double drain(vo::api::CallQueue& queue, int workers, int batch, int64_t expected) {
  std::atomic<int64_t> done{0};
  std::atomic<bool> failed{false};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      vo::api::ClaimRequest request;
      request.workerId = "bench-" + std::to_string(w);
      request.maxJobs = batch;
      request.nowMs = 1;
      while (!failed) {
        auto leases = queue.claim(request);
        if (!leases) {
          failed = true;
          std::cerr << "claim failed: " << leases.error().message << "\n";
          return;
        }
        if (leases->empty()) return;
        for (const auto& lease : leases.value()) {
          auto completed = queue.complete(lease.callId, lease.token, false);
          if (!completed || !completed.value()) failed = true;
        }
        done += static_cast<int64_t>(leases->size());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  double elapsed = seconds(start);
  if (failed || done != expected) {
    std::cerr << "drain finished " << done << " of " << expected << " jobs\n";
    return 0;
  }
  return static_cast<double>(done) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--queue") {
      options.queue = value;
    } else if (flag == "--url") {
      options.url = value;
    } else if (flag == "--jobs") {
      options.jobs = std::stoi(value);
    } else if (flag == "--batch") {
      options.batch = std::stoi(value);
    } else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  auto probe = freshQueue(options);
  if (auto health = probe->health(); !health.up) {
    std::cerr << options.queue << " queue is down: " << health.detail << "\n";
    return 1;
  }
  std::printf("queue=%s jobs=%d claim batch=%d\n", options.queue.c_str(), options.jobs,
              options.batch);

  auto jobs = makeJobs(options.jobs, 1);
  auto start = Clock::now();
  if (!enqueueAll(*probe, jobs)) return 1;
  double enqueueSeconds = seconds(start);
  std::printf("enqueue %d calls (one workspace): %.3f s (%.0f calls/s)\n", options.jobs,
              enqueueSeconds, options.jobs / enqueueSeconds);
  double oneWorker = drain(*probe, 1, options.batch, options.jobs);
  std::printf("claim+complete, 1 workspace, 1 worker: %.0f jobs/s\n", oneWorker);
  for (int workers : {2, 4}) {
    auto queue = freshQueue(options);
    if (!enqueueAll(*queue, jobs)) return 1;
    std::printf("claim+complete, 1 workspace, %d workers: %.0f jobs/s\n", workers,
                drain(*queue, workers, options.batch, options.jobs));
  }

  auto spread = makeJobs(options.jobs, 10000);
  for (int workers : {1, 2, 4}) {
    auto queue = freshQueue(options);
    start = Clock::now();
    if (!enqueueAll(*queue, spread)) return 1;
    double spreadEnqueue = seconds(start);
    std::printf("claim+complete, 10,000 workspaces, %d workers: %.0f jobs/s (enqueue %.3f s)\n",
                workers, drain(*queue, workers, options.batch, options.jobs), spreadEnqueue);
  }
  return 0;
}
