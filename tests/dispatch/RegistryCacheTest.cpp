// Pacing keys are scoped by workspace (issue 10, attack 6): two tenants sharing a provider id
// do not share its limit, and no workspace id reaches the operator's shared account key.
#include <gtest/gtest.h>

#include <algorithm>

#include "FakeCallStore.h"
#include "dispatch/RegistryCache.h"
#include "vo/queue_memory/MemoryQueue.h"

namespace vo::core::dispatch {
namespace {

class RegistryCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // "phnum_shared" in both workspaces, as an admin may share it, limited to one call at a time.
    for (const std::string workspace : {"acme", "globex"}) {
      ASSERT_TRUE(store_.createWorkspace({workspace, workspace, "", {}, 1, "", ""}).ok());
      ASSERT_TRUE(store_.createAgent({"agent_shared", workspace, "A", {}, 1, true}).ok());
      ASSERT_TRUE(store_
                      .createPhoneNumber(
                          {"phnum_shared", workspace, "+34601893170", "twilio", {1, 0}, 1, true})
                      .ok());
    }
    ASSERT_TRUE(store_.createWorkspace({"ownkey", "Own key", "sk_own", {}, 1, "", ""}).ok());
    ASSERT_TRUE(
        store_.createPhoneNumber({"phnum_own", "ownkey", "+34601893171", "twilio", {}, 1}).ok());
  }

  static api::Call callIn(const std::string& id, const std::string& workspace,
                          const std::string& phone = "phnum_shared") {
    api::Call call;
    call.id = id;
    call.workspaceId = workspace;
    call.agentId = "agent_shared";
    call.agentPhoneNumberId = phone;
    return call;
  }

  std::vector<std::string> keysOf(const api::Call& call) {
    auto route = cache_.route(call, 1000);
    EXPECT_TRUE(route.ok()) << route.error().message;
    return route.ok() ? route.value()->pacingKeys : std::vector<std::string>{};
  }

  vo::testing::FakeCallStore store_;
  std::unique_ptr<api::CallQueue> queue_ = queue_memory::makeMemoryQueue();
  RegistryCache cache_{PacingConfig{}, "elevenlabs", store_, *queue_, 60000};
};

TEST_F(RegistryCacheTest, TwoWorkspacesSharingAProviderIdShareNoPacingKeyButTheOperatorAccount) {
  const auto acme = keysOf(callIn("c1", "acme"));
  const auto globex = keysOf(callIn("c2", "globex"));
  ASSERT_EQ(acme.size(), 4u);
  ASSERT_EQ(globex.size(), 4u);
  for (std::size_t i = 0; i + 1 < acme.size(); ++i) {
    EXPECT_EQ(std::count(globex.begin(), globex.end(), acme[i]), 0) << acme[i];
  }
  // Both use the operator's provider key, so they do share its account limit and throttle.
  EXPECT_EQ(acme.back(), "account:elevenlabs/operator");
  EXPECT_EQ(globex.back(), acme.back());
  // A workspace with its own key has its own account, which no workspace id can name.
  EXPECT_EQ(keysOf(callIn("c3", "ownkey", "phnum_own")).back(),
            "account:elevenlabs/workspace/ownkey");
}

TEST_F(RegistryCacheTest, APhoneLimitOfOneWorkspaceDoesNotHoldBackTheOther) {
  std::vector<api::QueueJob> jobs;
  for (const auto& [id, workspace] : {std::pair{"a1", "acme"}, {"a2", "acme"}, {"g1", "globex"}}) {
    auto job = cache_.jobFor(callIn(id, workspace), 1000);
    ASSERT_TRUE(job.ok()) << job.error().message;
    jobs.push_back(job.value());
  }
  ASSERT_TRUE(queue_->enqueue(jobs).ok());
  api::ClaimRequest request;
  request.nowMs = 1000;
  request.maxJobs = 10;
  request.leaseMs = 30000;
  request.workerId = "w";
  auto leases = queue_->claim(request);
  ASSERT_TRUE(leases.ok()) << leases.error().message;
  std::vector<std::string> claimed;
  for (const auto& lease : leases.value()) claimed.push_back(lease.callId);
  std::sort(claimed.begin(), claimed.end());
  // One of acme's two (its phone allows one at a time) and globex's own.
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[1], "g1");
}

}  // namespace
}  // namespace vo::core::dispatch
