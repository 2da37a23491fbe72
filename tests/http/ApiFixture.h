#pragma once

#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <map>
#include <memory>
#include <string>

#include "http/ApiHandler.h"
#include "vo/api/CallQueue.h"
#include "vo/api/CallStore.h"
#include "vo/api/VoiceProvider.h"
#include "vo/core/AppConfig.h"
#include "vo/core/Dispatcher.h"
#include "vo/core/Metrics.h"
#include "vo/testing/TempDir.h"

namespace vo::core::http::testing {

inline constexpr const char* kAdminKey = "admin-secret";

// Each test owns its registry: the collectors an ApiServer registers point at that test's store.
using MetricsPtr = std::unique_ptr<Metrics, void (*)(Metrics*)>;
MetricsPtr makeTestMetrics();

// The API in-process over real parts: SQLite on a temp file, the memory queue, the simulator
// (every call completes) and the real Dispatcher (not started: priority calls are dialed by
// submitPriority on the test's thread, bulk calls wait in the queue).
class ApiFixture : public ::testing::Test {
 protected:
  ApiFixture();
  ~ApiFixture() override;

  ApiResponse send(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& key = kAdminKey,
                   std::map<std::string, std::string> headers = {});
  ApiResponse post(const std::string& target, const std::string& body,
                   const std::string& key = kAdminKey) {
    return send("POST", target, body, key);
  }
  ApiResponse get(const std::string& target, const std::string& key = kAdminKey) {
    return send("GET", target, "", key);
  }
  // A new API over the same parts, for a test that changed config_.
  void rebuildApi();
  // Creates workspace `id` with agent_1 and phnum_1; returns a new workspace API key.
  // `fields`: more members of the workspace's body, e.g. R"(,"timezone":"Europe/Madrid")".
  std::string seedWorkspace(const std::string& id, const std::string& fields = "");
  static JsonValue json(const ApiResponse& response);
  static std::string errorCode(const ApiResponse& response);
  int64_t storedCalls();

  vo::testing::TempDir dir_;
  AppConfig config_;
  std::shared_ptr<spdlog::logger> logger_;
  MetricsPtr metricsOwner_;
  Metrics& metrics_;
  std::unique_ptr<api::CallStore> store_;
  std::unique_ptr<api::CallQueue> queue_;
  std::unique_ptr<api::CallEventSink> sink_;
  std::unique_ptr<api::VoiceProvider> provider_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<ApiHandler> api_;
};

}  // namespace vo::core::http::testing
