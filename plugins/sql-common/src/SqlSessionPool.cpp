#include "vo/sql/SqlSessionPool.h"

#include <Poco/Exception.h>

namespace vo::sql {

SqlSessionPool::Lease::Lease(SqlSessionPool& pool, std::unique_ptr<Poco::Data::Session> session)
    : pool_(&pool), session_(std::move(session)) {}

SqlSessionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), session_(std::move(other.session_)) {
  other.pool_ = nullptr;
}

SqlSessionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->release(std::move(session_));
}

SqlSessionPool::SqlSessionPool(SqlBackend& backend, int size)
    : backend_(backend), size_(size < 1 ? 1 : size) {}

SqlSessionPool::~SqlSessionPool() = default;

SqlSessionPool::Lease SqlSessionPool::acquire() {
  std::unique_ptr<Poco::Data::Session> session;
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return leased_ < size_; });
    ++leased_;
    if (!idle_.empty()) {
      session = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  // Opening happens outside the lock so a slow connect does not block other callers.
  try {
    if (!session) session = std::make_unique<Poco::Data::Session>(backend_.openSession());
  } catch (...) {
    release(nullptr);
    throw;
  }
  return Lease(*this, std::move(session));
}

void SqlSessionPool::release(std::unique_ptr<Poco::Data::Session> session) {
  bool keep = false;
  if (session) {
    try {
      keep = backend_.isUsable(*session);
    } catch (const Poco::Exception&) {
      keep = false;
    }
  }
  std::lock_guard lock(mutex_);
  --leased_;
  if (keep) idle_.push_back(std::move(session));
  available_.notify_one();
}

}  // namespace vo::sql
