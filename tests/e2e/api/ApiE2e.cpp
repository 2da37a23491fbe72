#include "ApiE2e.h"

#include <sys/resource.h>

namespace vo::e2e {

namespace {

const char* kConfig = R"(log:
  level: warn
server:
  host: 127.0.0.1
  port: ${SERVICE_PORT}
  threads: 8
  maxBodyBytes: 262144
  maxBulkCalls: 1000
  maxVariables: 8
  maxVariableBytes: 64
auth:
  adminKey: e2e-api-admin-key-0123456789abcdef
dispatcher:
  concurrency: 8
plugins:
  store:
    name: sqlite
    config:
      path: ./api-e2e.db
  queue:
    name: memory
    config: {}
  provider:
    name: simulator
    config:
      latencyMs: 0
      callDurationMs: 50
      outcomes:
        completed: 1
tenants:
  workspaces:
    - id: workspace_id
      name: Seed workspace
      agents:
        - id: agent_id
          name: Seed agent
      phoneNumbers:
        - id: phnum_xxx
          number: "+34601893170"
          provider: twilio
)";

}  // namespace

void raiseOwnOpenFileLimit() {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  ASSERT_GE(limit.rlim_cur, 1024u) << "the hard limit on open files is too low for this test";
}

std::string ApiE2e::configYaml() const {
  return kConfig;
}

void ApiE2e::SetUp() {
  vo::testing::ServerOptions options;
  options.configYaml = configYaml();
  server_ = std::make_unique<vo::testing::ServerProcess>(options);
  server_->start();
  admin_ = clientWithKey(kAdminKey);
}

void ApiE2e::TearDown() {
  if (HasFailure()) std::cerr << "--- server log ---\n" << server_->logText() << "\n";
  admin_.reset();
  EXPECT_EQ(server_->terminate(), 0);
}

std::unique_ptr<vo::testing::HttpClient> ApiE2e::clientWithKey(const std::string& key) {
  auto client = std::make_unique<vo::testing::HttpClient>(server_->port());
  client->setDefaultHeader("Authorization", "Bearer " + key);
  return client;
}

std::string ApiE2e::createWorkspace(const std::string& id) {
  EXPECT_EQ(
      admin().post("/workspaces", R"({"id":")" + id + R"(","name":"W )" + id + R"("})").status,
      201);
  EXPECT_EQ(admin()
                .post("/workspaces/" + id + "/agents",
                      R"({"id":"agent_1","name":"Agent","sharedAcrossWorkspaces":true})")
                .status,
            201);
  EXPECT_EQ(admin()
                .post("/workspaces/" + id + "/phone-numbers",
                      R"({"id":"phnum_1","number":"+34601893171","provider":"sip_trunk",)"
                      R"("sharedAcrossWorkspaces":true})")
                .status,
            201);
  auto key = admin().post("/workspaces/" + id + "/api-keys", "");
  EXPECT_EQ(key.status, 201) << key.body;
  return key.json()["key"].string();
}

int ApiE2e::countCalls() {
  int total = 0;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    auto response = admin().get("/calls?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor));
    EXPECT_EQ(response.status, 200) << response.body;
    if (response.status != 200) return -1;
    auto body = response.json();
    total += static_cast<int>(body["data"].size());
    if (body["nextCursor"].isNull()) break;
    cursor = body["nextCursor"].string();
  }
  return total;
}

int ApiE2e::countCampaigns() {
  auto response = admin().get("/campaigns");
  EXPECT_EQ(response.status, 200) << response.body;
  return response.status == 200 ? static_cast<int>(response.json()["data"].size()) : -1;
}

std::string seedPriorityBody() {
  return R"({
  "workspaceId": "workspace_id",
  "agentId": "agent_id", 
  "agentPhoneNumberId": "phnum_xxx",
  "to": "+34631021622",
  "from": "+34601893170",
  "variables": {
    "businessName": "Restaurante Andres",
    "customerName": "Juan Pérez"
  }
})";
}

std::string seedBulkBody() {
  return R"({
  "workspaceId": "workspace_id",
  "agentId": "agent_id",
  "agentPhoneNumberId": "phnum_xxx", 
  "from": "+34601893170",
  "calls": [
    {
      "to": "+34631021622",
      "variables": {
        "businessName": "Restaurante Andres",
        "customerName": "Juan Pérez"
      }
    }
  ]
})";
}

std::string errorCodeOf(const vo::testing::HttpResponse& response) {
  try {
    return response.json()["error"]["code"].string();
  } catch (const std::exception&) {
    return "(no error code in: " + response.body + ")";
  }
}

}  // namespace vo::e2e
