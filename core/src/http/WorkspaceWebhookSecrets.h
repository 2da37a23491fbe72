#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vo::api {
class CallStore;
}

namespace vo::core {
class TimeSource;
}

namespace vo::core::http {

// The webhook secrets of workspaces with their own provider account, as the store has them, so
// every instance verifies the webhooks those accounts sign, after a restart too. Read at start
// and again (at most every 100 ms) when a webhook's signature matches none of them: a workspace
// created on another instance is known from its first webhook on.
class WorkspaceWebhookSecrets {
 public:
  WorkspaceWebhookSecrets(api::CallStore& store, TimeSource& clock);

  // The secrets as last read; never blocks.
  std::shared_ptr<const std::vector<std::string>> current() const;
  // Whether reading them again is allowed now (at most every 100 ms).
  bool mayReload() const;
  // Reads them from the store (blocks); false when the store could not answer.
  bool reload();

 private:
  api::CallStore& store_;
  TimeSource& clock_;
  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<std::string>> secrets_;
  std::atomic<int64_t> lastReloadMs_{0};
};

}  // namespace vo::core::http
