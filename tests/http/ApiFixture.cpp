#include "ApiFixture.h"

#include <spdlog/sinks/null_sink.h>
#include <yaml-cpp/yaml.h>

#include "http/JsonReader.h"
#include "vo/core/SystemTimeSource.h"
#include "vo/queue_memory/MemoryQueue.h"
#include "vo/simulator/Simulator.h"
#include "vo/store_sqlite/SqliteStoreFactory.h"

namespace vo::core::http::testing {

namespace {

// The simulator needs a sink before the dispatcher exists; this one forwards once it does.
class LateSink : public api::CallEventSink {
 public:
  explicit LateSink(std::unique_ptr<Dispatcher>& dispatcher) : dispatcher_(dispatcher) {}
  void publish(std::span<const api::CallEvent> events) override {
    if (dispatcher_) dispatcher_->eventSink().publish(events);
  }

 private:
  std::unique_ptr<Dispatcher>& dispatcher_;
};

}  // namespace

ApiFixture::ApiFixture()
    : dir_("vo-http-test"), metricsOwner_(makeTestMetrics()), metrics_(*metricsOwner_) {
  config_.auth.adminKey = kAdminKey;
  config_.server.maxBulkCalls = 50;
  config_.server.maxVariables = 4;
  config_.server.maxVariableBytes = 64;
  logger_ =
      std::make_shared<spdlog::logger>("api-test", std::make_shared<spdlog::sinks::null_sink_mt>());
  YAML::Node storeConfig;
  storeConfig["path"] = dir_.file("store.db");
  store_ = store_sqlite::createSqliteStore(storeConfig, "plugins.store.config");
  if (auto migrated = store_->migrate(); !migrated) {
    throw std::runtime_error("migrate: " + migrated.error().message);
  }
  queue_ = queue_memory::makeMemoryQueue();
  sink_ = std::make_unique<LateSink>(dispatcher_);
  simulator::SimulatorConfig simulated;
  simulated.latencyMs = 0;
  simulated.callDurationMs = 3600000;  // calls stay initiated for the test's length
  provider_ = simulator::makeSimulator(simulated, *sink_);
  dispatcher_ =
      std::make_unique<Dispatcher>(config_.dispatcher, config_.pacing, *store_, *queue_, *provider_,
                                   "simulator", metrics_, *logger_, core::systemTime());
  rebuildApi();
}

void ApiFixture::rebuildApi() {
  api_.reset();
  api_ = std::make_unique<ApiHandler>(ApiServices{config_, *store_, *queue_, *provider_, nullptr,
                                                  *dispatcher_, metrics_, *logger_, "sqlite",
                                                  "memory", "simulator", "", core::systemTime()});
}

ApiFixture::~ApiFixture() {
  api_.reset();
  dispatcher_.reset();
  provider_.reset();
}

ApiResponse ApiFixture::send(const std::string& method, const std::string& target,
                             const std::string& body, const std::string& key,
                             std::map<std::string, std::string> headers) {
  ApiRequest request;
  request.method = method;
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) {
    std::string rest = target.substr(question + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const std::string pair = rest.substr(0, amp);
      const auto equals = pair.find('=');
      request.query.emplace_back(pair.substr(0, equals),
                                 equals == std::string::npos ? "" : pair.substr(equals + 1));
      rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
    }
  }
  if (!key.empty()) request.headers["authorization"] = "Bearer " + key;
  if (!body.empty()) request.headers["content-type"] = "application/json";
  for (auto& [name, value] : headers) request.headers[name] = value;
  request.body = body;
  return api_->handle(request);
}

std::string ApiFixture::seedWorkspace(const std::string& id, const std::string& fields) {
  EXPECT_EQ(post("/workspaces",
                 R"({"id":")" + id + R"(","name":"Workspace )" + id + R"(")" + fields + "}")
                .status,
            201);
  // The same provider ids in every workspace: the admin shares them on purpose.
  EXPECT_EQ(post("/workspaces/" + id + "/agents",
                 R"({"id":"agent_1","name":"Agent","sharedAcrossWorkspaces":true})")
                .status,
            201);
  EXPECT_EQ(post("/workspaces/" + id + "/phone-numbers",
                 R"({"id":"phnum_1","number":"+34601893170","provider":"twilio",)"
                 R"("sharedAcrossWorkspaces":true})")
                .status,
            201);
  ApiResponse created = post("/workspaces/" + id + "/api-keys", "");
  EXPECT_EQ(created.status, 201) << created.body;
  const JsonValue body = json(created);
  const JsonValue* key = body.find("key");
  return key != nullptr ? key->text : "";
}

JsonValue ApiFixture::json(const ApiResponse& response) {
  std::string error;
  auto parsed = parseJson(response.body, error);
  EXPECT_TRUE(parsed.has_value()) << error << " in " << response.body;
  return parsed.value_or(JsonValue{});
}

std::string ApiFixture::errorCode(const ApiResponse& response) {
  const JsonValue body = json(response);
  const JsonValue* error = body.find("error");
  const JsonValue* code = error != nullptr ? error->find("code") : nullptr;
  return code != nullptr ? code->text : "";
}

int64_t ApiFixture::storedCalls() {
  auto counts = store_->countByStatus();
  EXPECT_TRUE(counts.ok());
  int64_t total = 0;
  if (counts) {
    for (const auto& [status, count] : counts.value()) total += count;
  }
  return total;
}

}  // namespace vo::core::http::testing
