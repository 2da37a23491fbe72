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
  void publish(std::span<const api::CallEvent> events) override {
    std::lock_guard lock(mutex);
    for (const api::CallEvent& event : events) ids.push_back(event.providerCallId);
    ++batches;
  }
  std::mutex mutex;
  int batches = 0;
  std::vector<std::string> ids;
};

// One event per id, published together.
std::vector<api::CallEvent> eventsFor(std::initializer_list<std::string> ids) {
  std::vector<api::CallEvent> events;
  for (const std::string& id : ids) events.emplace_back().providerCallId = id;
  return events;
}

TEST(ForwardingEventSink, KeepsEventsUntilAttachedThenForwardsThemInOrder) {
  ForwardingEventSink sink;
  sink.publish(eventsFor({"a"}));
  sink.publish(eventsFor({"b"}));
  EXPECT_EQ(sink.pendingCount(), 2u);
  RecordingSink target;
  sink.attach(target);
  EXPECT_EQ(sink.pendingCount(), 0u);
  sink.publish(eventsFor({"c"}));
  EXPECT_EQ(target.ids, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ForwardingEventSink, KeepsEventsAgainAfterDetach) {
  ForwardingEventSink sink;
  RecordingSink target;
  sink.attach(target);
  sink.publish(eventsFor({"a"}));
  sink.detach();
  sink.publish(eventsFor({"b"}));
  EXPECT_EQ(target.ids, std::vector<std::string>{"a"});
  EXPECT_EQ(sink.pendingCount(), 1u);
}

TEST(ForwardingEventSink, ForwardsABatchWhole) {
  ForwardingEventSink sink;
  sink.publish(eventsFor({"a", "b"}));
  RecordingSink target;
  sink.attach(target);
  sink.publish(eventsFor({"c", "d", "e"}));
  EXPECT_EQ(target.ids, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(target.batches, 2);  // the kept ones in one, then the new batch
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
        sink.publish(eventsFor({std::to_string(t) + ":" + std::to_string(i)}));
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
