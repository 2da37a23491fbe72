#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

namespace vo::simulator {

// Items by the time they are due, the earliest first; items due at the same time keep the order
// they came in.
template <typename Item>
class DueQueue {
 public:
  // Whether the item is now the earliest (a waiting timer thread must look again).
  bool push(int64_t atMs, Item item) {
    const bool earliest = entries_.empty() || atMs < entries_.top().atMs;
    entries_.push(Entry{atMs, sequence_++, std::move(item)});
    return earliest;
  }
  bool empty() const { return entries_.empty(); }
  int64_t nextAtMs() const { return entries_.top().atMs; }
  Item pop() {
    // top() is const: the item is copied out.
    Item item = entries_.top().item;
    entries_.pop();
    return item;
  }

 private:
  struct Entry {
    int64_t atMs;
    uint64_t sequence;
    Item item;
    bool operator>(const Entry& other) const {
      return atMs != other.atMs ? atMs > other.atMs : sequence > other.sequence;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> entries_;
  uint64_t sequence_ = 0;
};

}  // namespace vo::simulator
