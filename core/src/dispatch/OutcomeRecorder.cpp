#include "dispatch/OutcomeRecorder.h"

#include <algorithm>
#include <iterator>

namespace vo::core::dispatch {

OutcomeRecorder::OutcomeRecorder(DialRoutine& dials, std::size_t maxBatch)
    : dials_(dials), maxBatch_(std::max<std::size_t>(1, maxBatch)) {
  thread_ = std::thread([this] { recordLoop(); });
}

OutcomeRecorder::~OutcomeRecorder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
}

void OutcomeRecorder::add(PlacedDial placed) {
  {
    std::lock_guard lock(mutex_);
    waiting_.push_back(std::move(placed));
  }
  work_.notify_one();
}

void OutcomeRecorder::recordLoop() {
  std::vector<PlacedDial> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
    if (waiting_.empty()) return;  // stopping, and everything recorded
    if (waiting_.size() <= maxBatch_) {
      batch.swap(waiting_);
    } else {
      const auto end = waiting_.begin() + static_cast<std::ptrdiff_t>(maxBatch_);
      batch.assign(std::make_move_iterator(waiting_.begin()), std::make_move_iterator(end));
      waiting_.erase(waiting_.begin(), end);
    }
    lock.unlock();
    dials_.recordAll(batch);
    batch.clear();
    lock.lock();
  }
}

}  // namespace vo::core::dispatch
