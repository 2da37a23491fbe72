#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "support/ThreadName.h"
#include "vo/api/Result.h"

namespace vo::core::dispatch {

// Group commit: many threads hand in items and each waits for its own answers (or is called
// back with them), while a flusher thread applies whatever is waiting (up to `maxBatch` items)
// with one call of `flush`, i.e. one round trip and one transaction for many callers. A failed
// flush fails every caller in it.
// With `flushers` > 1, a batch can start while another is still being applied (`flush` must
// then be safe to run concurrently), so a caller arriving mid-flush does not wait for it.
// With a `spacing`, batches start at most that often (unless one is full), whichever flusher
// runs them: a steady stream of callers costs a wake-up and a round trip per batch instead of
// per caller, for at most `spacing` more wait.
template <typename Item, typename Answer>
class GroupCommit {
 public:
  // Answers items[i] with answers[i]; must answer every item or fail.
  using Flush = std::function<api::Result<std::vector<Answer>>(std::span<const Item>)>;
  // Told a submitAsync's items and their answers, on the flusher's thread.
  using Done = std::function<void(std::span<const Item>, api::Result<std::vector<Answer>>)>;

  // `threadName`: what `top -H` shows for the flushers (15 characters at most).
  GroupCommit(Flush flush, std::size_t maxBatch, int flushers = 1,
              const char* threadName = "vo-flush",
              std::chrono::milliseconds spacing = std::chrono::milliseconds(0))
      : flush_(std::move(flush)), maxBatch_(maxBatch > 0 ? maxBatch : 1), spacing_(spacing) {
    for (int i = 0; i < std::max(1, flushers); ++i) {
      flushers_.emplace_back([this, threadName] {
        nameThisThread(threadName);
        flushLoop();
      });
    }
  }
  // Applies what is still waiting, then stops the flushers.
  ~GroupCommit() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_.notify_all();
    spacingOver_.notify_all();
    for (auto& flusher : flushers_) flusher.join();
  }
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Blocks until the batch holding these items was applied. The items travel together.
  api::Result<std::vector<Answer>> submit(std::vector<Item> items) {
    if (items.empty()) return std::vector<Answer>();
    Waiter waiter{std::move(items), std::nullopt, {}, {}};
    std::unique_lock lock(mutex_);
    if (stopping_) {
      lock.unlock();
      return flush_(waiter.items);  // no flusher any more: apply alone
    }
    std::condition_variable* wake = add(&waiter);
    lock.unlock();
    if (wake) wake->notify_one();
    lock.lock();
    waiter.done.wait(lock, [&] { return waiter.answer.has_value(); });
    return std::move(*waiter.answer);
  }

  // Returns at once; `done` (set, never throwing) runs on the flusher's thread once the batch
  // holding these items was applied (it must not block: the next batch waits for it). After the
  // destructor began, the items are applied alone and `done` runs on the caller's thread.
  void submitAsync(std::vector<Item> items, Done done) {
    std::unique_ptr<Waiter> waiter(new Waiter{std::move(items), std::nullopt, {}, std::move(done)});
    std::unique_lock lock(mutex_);
    if (stopping_ || waiter->items.empty()) {
      lock.unlock();
      api::Result<std::vector<Answer>> answers = std::vector<Answer>();
      if (!waiter->items.empty()) answers = flush_(waiter->items);
      waiter->onDone(waiter->items, std::move(answers));
      return;
    }
    std::condition_variable* wake = add(waiter.release());  // the flusher deletes it after
    lock.unlock();                                          // calling back
    if (wake) wake->notify_one();
  }

  // How many callers wait for the next flush (for tests).
  std::size_t waiting() {
    std::lock_guard lock(mutex_);
    return waiting_.size();
  }

  // How many flushes ran (for tests and metrics).
  std::size_t flushes() {
    std::lock_guard lock(mutex_);
    return flushes_;
  }

 private:
  struct Waiter {
    std::vector<Item> items;
    std::optional<api::Result<std::vector<Answer>>> answer;
    std::condition_variable done;
    Done onDone;  // set by submitAsync: called back instead of waking a waiting caller
  };

  // Under the lock: queues a caller; what to notify for it, if anything. A flusher waiting for
  // the spacing to pass takes it then, unless the batch is full now.
  std::condition_variable* add(Waiter* waiter) {
    waiting_.push_back(waiter);
    waitingItems_ += waiter->items.size();
    if (!spacingOut_) return &work_;
    return waitingItems_ >= maxBatch_ ? &spacingOver_ : nullptr;
  }

  void flushLoop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_.wait(lock, [&] { return stopping_ || (!waiting_.empty() && !spacingOut_); });
      if (waiting_.empty()) return;  // stopping and nothing left
      if (const auto due = lastStart_ + spacing_;
          !stopping_ && waitingItems_ < maxBatch_ && std::chrono::steady_clock::now() < due) {
        spacingOut_ = true;
        spacingOver_.wait_until(lock, due, [&] { return stopping_ || waitingItems_ >= maxBatch_; });
        spacingOut_ = false;
      }
      lastStart_ = std::chrono::steady_clock::now();
      std::vector<Waiter*> batch;
      std::size_t count = 0;
      while (!waiting_.empty() &&
             (batch.empty() || count + waiting_.front()->items.size() <= maxBatch_)) {
        count += waiting_.front()->items.size();
        batch.push_back(waiting_.front());
        waiting_.pop_front();
      }
      waitingItems_ -= count;
      if (!waiting_.empty()) work_.notify_one();  // more than a batch: another flusher starts
      ++flushes_;
      lock.unlock();
      // Moved, not copied (a webhook's outcome carries its detail): a caller's items are read
      // back only through the batch's, below.
      std::vector<Item> items;
      items.reserve(count);
      std::vector<std::size_t> sizes;
      sizes.reserve(batch.size());
      for (Waiter* waiter : batch) {
        sizes.push_back(waiter->items.size());
        std::move(waiter->items.begin(), waiter->items.end(), std::back_inserter(items));
      }
      auto answers = flush_(items);
      if (answers && answers->size() != items.size()) {
        answers = api::makeError(api::ErrorCode::kInternal, "a batch was answered in part");
      }
      // Callbacks first, without the lock (they write to sockets); then the waiting callers,
      // whose answers are set under the lock their wait checks.
      std::vector<std::pair<Waiter*, api::Result<std::vector<Answer>>>> waitingCallers;
      std::size_t offset = 0;
      for (std::size_t i = 0; i < batch.size(); ++i) {
        Waiter* waiter = batch[i];
        const std::size_t size = sizes[i];
        if (waiter->onDone) {
          waiter->onDone(std::span<const Item>(items).subspan(offset, size),
                         share(answers, offset, size));
          delete waiter;
        } else {
          waitingCallers.emplace_back(waiter, share(answers, offset, size));
        }
        offset += size;
      }
      lock.lock();
      for (auto& [waiter, answer] : waitingCallers) {
        waiter->answer.emplace(std::move(answer));
        waiter->done.notify_one();
      }
    }
  }

  // The part of a batch's answers (or its error) that answers `count` items from `offset`.
  static api::Result<std::vector<Answer>> share(const api::Result<std::vector<Answer>>& answers,
                                                std::size_t offset, std::size_t count) {
    if (!answers) return answers.error();
    const auto first = answers->begin() + static_cast<std::ptrdiff_t>(offset);
    return std::vector<Answer>(first, first + static_cast<std::ptrdiff_t>(count));
  }

  const Flush flush_;
  const std::size_t maxBatch_;
  const std::chrono::milliseconds spacing_;
  std::mutex mutex_;
  std::condition_variable work_;         // callers waiting, or stopping
  std::condition_variable spacingOver_;  // the batch is full, or stopping
  std::deque<Waiter*> waiting_;
  std::size_t waitingItems_ = 0;                     // the items of waiting_'s callers
  std::chrono::steady_clock::time_point lastStart_;  // of the last batch, on any flusher
  bool spacingOut_ = false;  // a flusher waits for the spacing to pass before its batch
  bool stopping_ = false;
  std::size_t flushes_ = 0;
  std::vector<std::thread> flushers_;
};

}  // namespace vo::core::dispatch
