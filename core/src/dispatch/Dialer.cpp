#include "dispatch/Dialer.h"

#include "support/ThreadName.h"

namespace vo::core::dispatch {

Dialer::Dialer(DialRoutine& dials, Claimer& claimer, BatchWorker<PlacedDial>& recorder)
    : dials_(dials), claimer_(claimer), recorder_(recorder) {}

Dialer::~Dialer() {
  stop();
}

void Dialer::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    nameThisThread("vo-dial");
    run();
  });
}

void Dialer::stop() {
  if (thread_.joinable()) thread_.join();
  std::unique_lock lock(mutex_);
  answered_.wait(lock, [&] { return dialing_ == 0; });
}

void Dialer::run() {
  for (;;) {
    std::vector<ReadyDial> jobs = claimer_.take();
    if (jobs.empty()) return;  // stopping, every job handed out is started
    {
      std::lock_guard lock(mutex_);
      dialing_ += jobs.size();
    }
    for (ReadyDial& job : jobs) startDial(std::move(job));
  }
}

void Dialer::startDial(ReadyDial job) {
  dials_.start(std::move(job), [this](PlacedDial placed) { answered(std::move(placed)); });
}

void Dialer::answered(PlacedDial placed) {
  recorder_.add(std::move(placed));
  // The freed slot dials the next job at once when one is ready, from this (the provider's)
  // thread: no wake-up of the dialing thread and no hand-off back to the provider per dial.
  if (auto next = claimer_.tryTake()) {
    startDial(std::move(*next));
    return;
  }
  claimer_.release(1);
  // Notified under the lock: once dialing_ is 0, stop() may return and this object go.
  std::lock_guard lock(mutex_);
  --dialing_;
  answered_.notify_all();
}

}  // namespace vo::core::dispatch
