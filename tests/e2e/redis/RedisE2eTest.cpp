// Acceptance of the Redis queue (issue #4) with real voice-orchestrator processes, a real
// redis-server started by the test and the simulator's record of every dial and hang-up.
#include <algorithm>
#include <csignal>
#include <map>
#include <set>

#include "RedisE2e.h"
#include "vo/testing/Wait.h"

namespace vo::e2e::redis {
namespace {

TEST_F(RedisE2e, ThreeProcessesShareABulkAndOneKilledMidDrainLosesNothing) {
  Scenario scenario;
  scenario.processes = 3;
  scenario.concurrency = 16;
  scenario.callDurationMs = 100;
  startServers(scenario);
  const int total = 20000;
  const auto campaigns = bulk("acme", "agent_a", "phnum_a", total, 0);
  ASSERT_EQ(campaigns.size(), 4u);

  ASSERT_TRUE(vo::testing::waitUntil([&] { return dialLines() >= 3000; }, kLongWait));
  EXPECT_EQ(server(1).kill(SIGKILL), 128 + SIGKILL);
  const int dialedAtKill = dialLines();
  EXPECT_LT(dialedAtKill, total) << "the drain ended before the kill; nothing was tested";

  ASSERT_TRUE(allFinished(campaigns, total)) << logs();
  expectEveryCallSettledOnce(campaigns, total);
  // The survivors finished the work: calls were dialed after the kill.
  EXPECT_GT(dialLines(), dialedAtKill);
}

// A bulk is answered once it is stored; its calls go in line just after, off the request's
// thread. A process killed at once, before or while it puts them in line, loses none of them:
// the next process's start finds them queued in the store and puts them in line.
TEST_F(RedisE2e, AProcessKilledAsItAnswersABulkLosesNoneOfIt) {
  Scenario scenario;
  scenario.concurrency = 16;
  startServers(scenario);
  const int total = 5000;
  const auto campaigns = bulk("acme", "agent_a", "phnum_a", total, 0);
  ASSERT_EQ(campaigns.size(), 1u);
  EXPECT_EQ(server(0).kill(SIGKILL), 128 + SIGKILL);
  EXPECT_LT(dialLines(), total) << "the drain ended before the kill; nothing was tested";

  server(0).start();  // the same config, store and Redis
  ASSERT_TRUE(allFinished(campaigns, total)) << logs();
  expectEveryCallSettledOnce(campaigns, total);
}

TEST_F(RedisE2e, RedisRestartedEmptyMidDrainTheSweeperRestoresEverything) {
  Scenario scenario;
  scenario.processes = 2;
  startServers(scenario);
  const int total = 5000;
  const auto campaigns = bulk("acme", "agent_a", "phnum_a", total, 0);
  ASSERT_EQ(campaigns.size(), 1u);

  ASSERT_TRUE(vo::testing::waitUntil([&] { return dialLines() >= 1000; }, kLongWait));
  redis_.stop();
  const int dialedWhileUp = dialLines();
  EXPECT_LT(dialedWhileUp, total) << "the drain ended before Redis went away";
  redis_.start();  // the same port, nothing in it

  ASSERT_TRUE(allFinished(campaigns, total)) << logs();
  expectEveryCallSettledOnce(campaigns, total);
}

TEST_F(RedisE2e, AWorkspaceArrivingBehindFiftyThousandCallsIsServedBeforeTheirNextThousand) {
  Scenario scenario;
  scenario.callDurationMs = 5;
  startServers(scenario);
  const auto bigCampaigns = bulk("acme", "agent_a", "phnum_a", 50000, 0);
  ASSERT_EQ(bigCampaigns.size(), 10u);

  const auto before = record();
  const auto small = bulk("beta", "agent_b", "phnum_b", 100, 100000);
  ASSERT_EQ(small.size(), 1u);
  ASSERT_TRUE(vo::testing::waitUntil(
      [&] {
        auto lines = record();
        return std::count_if(lines.begin(), lines.end(), [](const RecordLine& line) {
                 return line.dial && line.phoneNumberId == "phnum_b";
               }) == 100;
      },
      kLongWait));

  // In dial order, from the moment B submitted to B's last call: fewer than 1,000 of A's.
  const auto lines = record();
  std::size_t lastOfB = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].dial && lines[i].phoneNumberId == "phnum_b") lastOfB = i;
  }
  int dialsOfA = 0;
  for (std::size_t i = before.size(); i <= lastOfB; ++i) {
    if (lines[i].dial && lines[i].phoneNumberId == "phnum_a") ++dialsOfA;
  }
  EXPECT_LT(dialsOfA, 1000);
  int64_t remainingOfA = 0;
  for (const auto& id : bigCampaigns) {
    auto response = client().get("/campaigns/" + id);
    ASSERT_EQ(response.status, 200);
    remainingOfA += response.json()["total"].int64() - response.json()["finished"].int64();
  }
  EXPECT_GT(remainingOfA, 1000) << "A's backlog ran out; fairness was not tested";
}

// The most calls in flight at once per phone number, from the record's dial and end lines (an
// end at the same millisecond as a dial came first: the slot was freed by it).
std::map<std::string, int> peakInFlight(const std::vector<RecordLine>& lines) {
  std::map<std::string, std::string> phoneOfCall;
  std::vector<std::tuple<int64_t, int, std::string>> events;  // time, +1/-1 (ends first), phone
  for (const auto& line : lines) {
    if (line.dial) phoneOfCall[line.providerCallId] = line.phoneNumberId;
  }
  for (const auto& line : lines) {
    auto phone = phoneOfCall.find(line.providerCallId);
    if (phone == phoneOfCall.end()) continue;
    events.emplace_back(line.atMs, line.dial ? 1 : -1, phone->second);
  }
  std::sort(events.begin(), events.end());
  std::map<std::string, int> now;
  std::map<std::string, int> peak;
  for (const auto& [atMs, delta, phone] : events) {
    now[phone] += delta;
    peak[phone] = std::max(peak[phone], now[phone]);
  }
  return peak;
}

TEST_F(RedisE2e, APacedNumberNeverHasSixCallsInFlightWhileOthersKeepDialing) {
  Scenario scenario;
  scenario.processes = 2;
  scenario.callDurationMs = 150;
  startServers(scenario);
  auto campaigns = bulk("acme", "agent_a", "phnum_paced", 300, 0);
  auto others = bulk("acme", "agent_a", "phnum_a", 300, 1000);
  campaigns.insert(campaigns.end(), others.begin(), others.end());
  ASSERT_TRUE(allFinished(campaigns, 600)) << logs();
  expectEveryCallSettledOnce(campaigns, 600);

  const auto peak = peakInFlight(record());
  EXPECT_LE(peak.at("phnum_paced"), 5);
  EXPECT_GE(peak.at("phnum_paced"), 2) << "the limit was never approached";
  EXPECT_GT(peak.at("phnum_a"), 5) << "the other number did not keep dialing";
}

// Redis restarted empty while a paced number's five calls ring: the rebuilt queue holds their
// slots again before it puts the queued calls back in line, so the number never gets more.
TEST_F(RedisE2e, RedisRestartedEmptyWhileAPacedNumberRingsKeepsItsLimit) {
  Scenario scenario;
  scenario.processes = 2;
  scenario.callDurationMs = 3000;  // still ringing when the queue is rebuilt (about 1 s)
  startServers(scenario);
  const auto campaigns = bulk("acme", "agent_a", "phnum_paced", 30, 0);
  ASSERT_TRUE(vo::testing::waitUntil([&] { return dialLines() >= 5; }, kLongWait));
  redis_.stop();
  redis_.start();  // the same port, nothing in it

  ASSERT_TRUE(allFinished(campaigns, 30)) << logs();
  expectEveryCallSettledOnce(campaigns, 30);
  EXPECT_LE(peakInFlight(record()).at("phnum_paced"), 5) << logs();
}

}  // namespace
}  // namespace vo::e2e::redis
