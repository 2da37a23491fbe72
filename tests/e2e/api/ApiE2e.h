#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "vo/testing/HttpClient.h"
#include "vo/testing/ServerProcess.h"

namespace vo::e2e {

inline constexpr const char* kAdminKey = "e2e-api-admin-key-0123456789abcdef";

// One voice-orchestrator per test: SQLite in its private folder, the memory queue, the
// simulator placing every call at once and completing it 50 ms later. The YAML declares
// workspace_id (agent_id, phnum_xxx) and the seed's bodies use them as written.
class ApiE2e : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // The server's YAML; a suite may change a limit of the default one.
  virtual std::string configYaml() const;

  // A client sending the admin key.
  vo::testing::HttpClient& admin() { return *admin_; }
  std::unique_ptr<vo::testing::HttpClient> clientWithKey(const std::string& key);
  // Creates a workspace with agent_1 and phnum_1 over the API; returns its new API key.
  std::string createWorkspace(const std::string& id);
  // How many calls and campaigns exist (as the admin sees them).
  int countCalls();
  int countCampaigns();

  std::unique_ptr<vo::testing::ServerProcess> server_;
  std::unique_ptr<vo::testing::HttpClient> admin_;
};

// Tests that open hundreds of sockets themselves: this process's soft limit up to its hard one.
void raiseOwnOpenFileLimit();

std::string seedPriorityBody();
std::string seedBulkBody();
std::string errorCodeOf(const vo::testing::HttpResponse& response);

}  // namespace vo::e2e
