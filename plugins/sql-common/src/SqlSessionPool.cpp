#include "vo/sql/SqlSessionPool.h"

#include <Poco/Exception.h>

namespace vo::sql {

SqlSessionPool::Lease::Lease(SqlSessionPool& pool, std::unique_ptr<Connection> connection,
                             bool reused)
    : pool_(&pool), connection_(std::move(connection)), reused_(reused) {}

SqlSessionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)), reused_(other.reused_) {
  other.pool_ = nullptr;
}

SqlSessionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->release(std::move(connection_));
}

PreparedStatements& SqlSessionPool::Lease::prepared() {
  if (!connection_->prepared) {
    connection_->prepared = pool_->backend_.prepareStatements(connection_->session);
  }
  return *connection_->prepared;
}

SqlSessionPool::SqlSessionPool(SqlBackend& backend, int size)
    : backend_(backend), size_(size < 1 ? 1 : size) {}

SqlSessionPool::~SqlSessionPool() = default;

SqlSessionPool::Lease SqlSessionPool::acquire() {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return leased_ < size_; });
    ++leased_;
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  const bool reused = connection != nullptr;
  // Opening happens outside the lock so a slow connect does not block other callers.
  if (!connection) connection = openInTakenSlot();
  return Lease(*this, std::move(connection), reused);
}

void SqlSessionPool::openAll() {
  for (int opened = 0; opened < size_; ++opened) {  // bounded: a session may not be kept
    {
      std::lock_guard lock(mutex_);
      if (leased_ + static_cast<int>(idle_.size()) >= size_) return;
      ++leased_;  // the slot is taken while its session opens outside the lock
    }
    release(openInTakenSlot());
  }
}

std::unique_ptr<SqlSessionPool::Connection> SqlSessionPool::openInTakenSlot() {
  try {
    return std::make_unique<Connection>(backend_.openSession());
  } catch (...) {
    release(nullptr);  // the slot is free again
    throw;
  }
}

void SqlSessionPool::release(std::unique_ptr<Connection> connection) {
  bool keep = false;
  if (connection) {
    try {
      keep = backend_.isUsable(connection->session);
    } catch (const Poco::Exception&) {
      keep = false;
    }
  }
  std::lock_guard lock(mutex_);
  --leased_;
  if (keep) {
    idle_.push_back(std::move(connection));
  } else if (connection) {
    // A broken session most often means the server restarted or failed over, which ended the
    // idle ones too: they are dropped now rather than each failing a caller first.
    idle_.clear();
  }
  available_.notify_one();
}

}  // namespace vo::sql
