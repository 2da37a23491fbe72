#include "http/WorkspaceWebhookSecrets.h"

#include "vo/api/CallStore.h"
#include "vo/core/TimeSource.h"

namespace vo::core::http {

namespace {

// Bounds the store reads forged signatures can cause (10 a second). A real webhook of a new
// workspace comes seconds after the workspace (it needs a call, dialed and ended), so a reload
// refused for being too soon has already read it.
constexpr int64_t kReloadSpacingMs = 100;

}  // namespace

WorkspaceWebhookSecrets::WorkspaceWebhookSecrets(api::CallStore& store, TimeSource& clock)
    : store_(store), clock_(clock), secrets_(std::make_shared<const std::vector<std::string>>()) {}

std::shared_ptr<const std::vector<std::string>> WorkspaceWebhookSecrets::current() const {
  std::lock_guard lock(mutex_);
  return secrets_;
}

bool WorkspaceWebhookSecrets::mayReload() const {
  return clock_.nowMs() - lastReloadMs_.load() >= kReloadSpacingMs;
}

bool WorkspaceWebhookSecrets::reload() {
  lastReloadMs_.store(clock_.nowMs());
  auto workspaces = store_.listWorkspaces();
  if (!workspaces) return false;
  auto secrets = std::make_shared<std::vector<std::string>>();
  for (const auto& workspace : workspaces.value()) {
    if (!workspace.providerWebhookSecret.empty()) {
      secrets->push_back(workspace.providerWebhookSecret);
    }
  }
  std::lock_guard lock(mutex_);
  secrets_ = std::move(secrets);
  return true;
}

}  // namespace vo::core::http
