#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "vo/core/ForwardingEventSink.h"

namespace vo::core {
namespace {

class RecordingSink final : public api::CallEventSink {
 public:
  void publish(const api::CallEvent& event) override {
    std::lock_guard lock(mutex);
    ids.push_back(event.providerCallId);
  }
  std::mutex mutex;
  std::vector<std::string> ids;
};

api::CallEvent eventFor(const std::string& id) {
  api::CallEvent event;
  event.providerCallId = id;
  return event;
}

TEST(ForwardingEventSink, KeepsEventsUntilAttachedThenForwardsThemInOrder) {
  ForwardingEventSink sink;
  sink.publish(eventFor("a"));
  sink.publish(eventFor("b"));
  EXPECT_EQ(sink.pendingCount(), 2u);
  RecordingSink target;
  sink.attach(target);
  EXPECT_EQ(sink.pendingCount(), 0u);
  sink.publish(eventFor("c"));
  EXPECT_EQ(target.ids, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ForwardingEventSink, KeepsEventsAgainAfterDetach) {
  ForwardingEventSink sink;
  RecordingSink target;
  sink.attach(target);
  sink.publish(eventFor("a"));
  sink.detach();
  sink.publish(eventFor("b"));
  EXPECT_EQ(target.ids, std::vector<std::string>{"a"});
  EXPECT_EQ(sink.pendingCount(), 1u);
}

TEST(ForwardingEventSink, LosesNothingWhenAttachRacesPublishers) {
  ForwardingEventSink sink;
  RecordingSink target;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::atomic<bool> go{false};
  std::vector<std::thread> publishers;
  for (int t = 0; t < kThreads; ++t) {
    publishers.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) {
        sink.publish(eventFor(std::to_string(t) + ":" + std::to_string(i)));
      }
    });
  }
  go = true;
  sink.attach(target);
  for (auto& thread : publishers) thread.join();
  EXPECT_EQ(sink.pendingCount(), 0u);
  std::set<std::string> unique(target.ids.begin(), target.ids.end());
  EXPECT_EQ(target.ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(unique.size(), target.ids.size());
}

}  // namespace
}  // namespace vo::core
