// Contract: invariants under concurrency and under long random sequences of operations: no job
// is leased twice, no pacing limit is exceeded, and after everything settles nothing is left
// stranded (every queued job is claimed in the end).
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "CallQueueContract.h"

namespace vo::contract {
namespace {

using api::Lane;

TEST_P(CallQueueContract, ConcurrentClaimersNeverShareAJob) {
  std::vector<api::QueueJob> jobs;
  for (int i = 0; i < 2000; ++i) {
    jobs.push_back(job("c" + std::to_string(i), "ws_" + std::to_string(i % 9),
                       "cmp_" + std::to_string(i % 4),
                       i % 10 == 0 ? Lane::kPriority : Lane::kBulk));
  }
  enqueue(jobs);
  std::mutex mutex;
  std::multiset<std::string> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (int round = 0; round < 2000; ++round) {
        api::ClaimRequest request;
        request.maxJobs = 7;
        request.nowMs = 1;
        auto leases = queue().claim(request);
        if (!leases.ok() || leases->empty()) return;
        for (const api::Lease& lease : leases.value()) {
          (void)queue().complete(lease.callId, lease.token, false);
          std::lock_guard lock(mutex);
          claimed.insert(lease.callId);
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(claimed.size(), 2000u);
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), 2000u);
}

// A model of what the queue must hold, checked against it at every step.
class QueueModel {
 public:
  std::map<std::string, api::QueueJob> jobs;                // every job ever made, by id
  std::set<std::string> queued;                             // waiting, delayed or paused
  std::map<std::string, api::Lease> leased;                 // by id
  std::map<std::string, std::vector<std::string>> holders;  // slots held, by id
  std::map<std::string, int> limits;                        // maxConcurrent by key

  int inFlight(const std::string& key) const {
    int n = 0;
    for (const auto& [id, keys] : holders) {
      // A key named twice by one job still counts once.
      n += std::count(keys.begin(), keys.end(), key) > 0 ? 1 : 0;
    }
    return n;
  }
};

TEST_P(CallQueueContract, RandomOperationsKeepEveryInvariant) {
  // A fixed seed so failures repeat; VO_QUEUE_FUZZ_SEED tries others.
  const char* seed = std::getenv("VO_QUEUE_FUZZ_SEED");
  std::mt19937 random(seed != nullptr ? std::stoul(seed) : 20240611u);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  QueueModel model;
  const std::vector<std::string> keys{"phone:1", "phone:2", "phone:3", "agent:1"};
  model.limits = {{"phone:1", 2}, {"phone:2", 1}, {"agent:1", 3}};
  for (const auto& [key, max] : model.limits) setLimit(key, max);
  setLimit("phone:3", 0, 20, 5);
  const std::vector<std::string> campaigns{"cmp_0", "cmp_1", "cmp_2", "cmp_3"};
  int64_t now = 1000;
  int serial = 0;

  auto claimAndCheck = [&](int maxJobs) {
    for (const api::Lease& lease : claim(maxJobs, now, 1000)) {
      ASSERT_EQ(model.queued.count(lease.callId), 1u)
          << "leased a job not in line: " << lease.callId;
      model.queued.erase(lease.callId);
      model.leased[lease.callId] = lease;
      model.holders[lease.callId] = model.jobs[lease.callId].pacingKeys;
    }
    for (const auto& [key, max] : model.limits) ASSERT_LE(model.inFlight(key), max) << key;
  };
  auto anyOf = [&](const auto& container) {
    auto it = container.begin();
    std::advance(it, pick(static_cast<int>(container.size())));
    return it->first;
  };

  for (int step = 0; step < 1500; ++step) {
    now += pick(150);
    int op = pick(100);
    if (op < 30) {
      std::string id = "j" + std::to_string(serial++);
      int c = pick(4);
      api::QueueJob made =
          job(id, "ws_" + std::to_string(c % 3), campaigns[c],
              pick(8) == 0 ? Lane::kPriority : Lane::kBulk, pick(4) == 0 ? now + pick(3000) : 0,
              {keys[pick(4)], pick(2) ? "agent:1" : "workspace:x"});
      model.jobs[id] = made;
      ASSERT_EQ(enqueue({made}).added, 1);
      model.queued.insert(id);
    } else if (op < 55) {
      ASSERT_NO_FATAL_FAILURE(claimAndCheck(1 + pick(4)));
    } else if (op < 68 && !model.leased.empty()) {
      std::string id = anyOf(model.leased);
      bool keep = pick(2) == 0;
      ASSERT_TRUE(queue().complete(id, model.leased[id].token, keep).value());
      model.leased.erase(id);
      if (!keep) model.holders.erase(id);
    } else if (op < 74 && !model.leased.empty()) {
      std::string id = anyOf(model.leased);
      ASSERT_TRUE(queue().retry(id, model.leased[id].token, now + pick(2000)).value());
      model.leased.erase(id);
      model.holders.erase(id);
      model.queued.insert(id);
    } else if (op < 84 && !model.holders.empty()) {
      std::string id = anyOf(model.holders);
      if (model.leased.count(id) == 0) {
        ASSERT_TRUE(queue().releaseSlots(id).ok());
        model.holders.erase(id);
      }
    } else if (op < 89) {
      const std::string& campaign = campaigns[pick(4)];
      ASSERT_TRUE(
          (pick(2) ? queue().pauseCampaign(campaign) : queue().resumeCampaign(campaign)).ok());
    } else if (op < 91) {
      const std::string& campaign = campaigns[pick(4)];
      auto removed = queue().cancelCampaign(campaign, 100000);
      ASSERT_TRUE(removed.ok());
      int64_t expected = 0;
      for (auto it = model.queued.begin(); it != model.queued.end();) {
        if (model.jobs[*it].campaignId == campaign) {
          ++expected;
          it = model.queued.erase(it);
        } else {
          ++it;
        }
      }
      ASSERT_EQ(removed.value(), expected);
    } else if (op < 94) {
      ASSERT_TRUE(queue().throttle(keys[pick(4)], now + pick(1500)).ok());
    } else {
      auto recovered = queue().recoverExpired(now, 1 + pick(5));
      ASSERT_TRUE(recovered.ok());
      for (const std::string& id : recovered.value()) {
        ASSERT_EQ(model.leased.count(id), 1u) << id;
        ASSERT_LT(model.leased[id].expiresAtMs, now);
        model.leased.erase(id);
        model.holders.erase(id);
      }
    }
  }

  // Settle: resume everything, finish every lease, free every slot; then all that is queued
  // must come out.
  for (const std::string& campaign : campaigns) ASSERT_TRUE(queue().resumeCampaign(campaign).ok());
  for (const auto& [id, lease] : model.leased) {
    ASSERT_TRUE(queue().complete(id, lease.token, false).value());
  }
  model.leased.clear();
  for (const auto& [id, keys] : model.holders) ASSERT_TRUE(queue().releaseSlots(id).ok());
  model.holders.clear();
  now += 100000;
  for (int round = 0; round < 2000 && !model.queued.empty(); ++round) {
    now += 1000;
    for (const api::Lease& lease : claim(20, now)) {
      ASSERT_EQ(model.queued.erase(lease.callId), 1u) << lease.callId;
      ASSERT_TRUE(queue().complete(lease.callId, lease.token, false).value());
    }
  }
  EXPECT_TRUE(model.queued.empty()) << model.queued.size() << " jobs stranded, e.g. "
                                    << (model.queued.empty() ? "" : *model.queued.begin());
  auto end = counts();
  EXPECT_EQ(end.waiting + end.delayed + end.paused + end.active, 0);
  EXPECT_EQ(end.slotsHeld, 0);
}

}  // namespace
}  // namespace vo::contract
