// voice-orchestrator as an operator meets it: its subcommands, exit codes and messages, a
// server that starts, seeds its tenants, serves and stops cleanly on SIGTERM.
#include <gtest/gtest.h>

#include <csignal>

#include "vo/testing/HttpClient.h"
#include "vo/testing/Process.h"
#include "vo/testing/ServerProcess.h"
#include "vo/testing/TempDir.h"
#include "vo/testing/Wait.h"

namespace vo::testing {
namespace {

const std::string kSource = VO_SOURCE_DIR;

// An embedded config with fast simulated calls; the admin key comes from the caller.
std::string embeddedConfig(const std::string& extra = "") {
  return R"(
log: {level: info}
auth: {adminKey: test-admin-key-0123456789abcdef0}
dispatcher: {shutdownGraceMs: 5000}
plugins:
  store: {name: sqlite, config: {path: ./data/calls.db}}
  queue: {name: memory}
  provider: {name: simulator, config: {latencyMs: 0, callDurationMs: 50}}
  retention: {name: retention, config: {days: 15}}
tenants:
  workspaces:
    - id: acme
      name: Acme
      agents: [{id: agent_1, name: Ana}]
      phoneNumbers: [{id: phnum_1, number: "+34601893170", provider: twilio}]
)" + extra;
}

// Runs the binary with `args` in a fresh directory holding `configYaml` as config.yaml.
ProcessResult runWithConfig(const std::vector<std::string>& args, const std::string& configYaml,
                            const EnvVars& env = {},
                            std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
  TempDir dir;
  dir.write("config.yaml", configYaml);
  std::vector<std::string> argv{orchestratorBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--config", dir.file("config.yaml")});
  return runProcess(argv, env, dir.path(), timeout);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Executable, HelpAndVersionExitZero) {
  auto help = runProcess({orchestratorBinary(), "--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_TRUE(contains(help.output, "check-config")) << help.output;
  auto version = runProcess({orchestratorBinary(), "--version"});
  EXPECT_EQ(version.exitCode, 0);
  EXPECT_TRUE(contains(version.output, "voice-orchestrator 0.1.0")) << version.output;
}

TEST(Executable, BadUsageExitsTwoNamingTheProblem) {
  auto unknownCommand = runProcess({orchestratorBinary(), "launch"});
  EXPECT_EQ(unknownCommand.exitCode, 2);
  EXPECT_TRUE(contains(unknownCommand.output, "usage error: unknown command 'launch'"));
  auto unknownOption = runProcess({orchestratorBinary(), "serve", "--port", "1"});
  EXPECT_EQ(unknownOption.exitCode, 2);
  EXPECT_TRUE(contains(unknownOption.output, "usage error: unknown option '--port'"));
  auto noFile = runProcess({orchestratorBinary(), "check-config", "--config"});
  EXPECT_EQ(noFile.exitCode, 2);
}

TEST(Executable, CheckConfigAcceptsTheShippedLocalConfig) {
  TempDir dir;
  auto result =
      runProcess({orchestratorBinary(), "check-config", "--config", kSource + "/config/local.yaml"},
                 {}, dir.path());
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "config OK: " + kSource + "/config/local.yaml"))
      << result.output;
}

TEST(Executable, ABadConfigIsOneLineNamingTheKeyAndExitsTwo) {
  auto badPort = runWithConfig({"check-config"}, embeddedConfig("server: {port: 70000}\n"));
  EXPECT_EQ(badPort.exitCode, 2);
  EXPECT_EQ(badPort.output, "config error: server.port: must be between 0 and 65535, got 70000\n");

  auto badPluginKey = runWithConfig(
      {"check-config"},
      embeddedConfig("").replace(embeddedConfig("").find("latencyMs: 0"), 12, "latencyMz: 0"));
  EXPECT_EQ(badPluginKey.exitCode, 2);
  EXPECT_TRUE(contains(badPluginKey.output,
                       "config error: plugins.provider.config.latencyMz: unknown key\n"))
      << badPluginKey.output;

  auto missingFile = runProcess({orchestratorBinary(), "serve", "--config", "/nonexistent.yaml"});
  EXPECT_EQ(missingFile.exitCode, 2);
  EXPECT_EQ(missingFile.output, "config error: /nonexistent.yaml: cannot read the config file\n");
}

TEST(Executable, ALeaseNoLongerThanTheProvidersLongestDialIsRefused) {
  std::string config = embeddedConfig("");
  config.replace(
      config.find("{name: simulator, config: {latencyMs: 0, callDurationMs: 50}}"),
      std::string("{name: simulator, config: {latencyMs: 0, callDurationMs: 50}}").size(),
      "{name: elevenlabs, config: {apiKey: sk_test, webhookSecret: wsec_test, baseUrl: "
      "\"http://127.0.0.1:1\", connectTimeoutMs: 1000, readTimeoutMs: 29000}}");
  auto refused = runWithConfig({"check-config"}, config);  // leaseMs: 30000 by default
  EXPECT_EQ(refused.exitCode, 2) << refused.output;
  EXPECT_TRUE(contains(refused.output,
                       "config error: dispatcher.leaseMs: 30000 ms is not longer than a dial can "
                       "take (30000 ms: the provider's connect and read timeouts)"))
      << refused.output;
  config.replace(config.find("readTimeoutMs: 29000"), 20, "readTimeoutMs: 28999");
  auto accepted = runWithConfig({"check-config"}, config);
  EXPECT_EQ(accepted.exitCode, 0) << accepted.output;
}

TEST(Executable, AMissingPluginListsTheDirectoriesSearched) {
  std::string config = embeddedConfig();
  config.replace(config.find("name: memory"), 12, "name: rabbit");
  auto result = runWithConfig({"serve"}, config);
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_TRUE(contains(result.output, "config error: plugins.queue: no vo-queue-rabbit.so in " +
                                          std::string(VO_BINARY_DIR) + "/plugins"))
      << result.output;
}

TEST(Executable, ProductionRefusesToStartWithoutAnAdminKey) {
  TempDir dir;
  auto result =
      runProcess({orchestratorBinary(), "serve", "--config", kSource + "/config/production.yaml"},
                 {{"VO_ADMIN_API_KEY", std::nullopt},
                  {"DATABASE_URL", "postgresql://vo@127.0.0.1:1/vo"},
                  {"REDIS_URL", "redis://127.0.0.1:1/0"},
                  {"ELEVENLABS_API_KEY", "sk_test"},
                  {"ELEVENLABS_WEBHOOK_SECRET", "wsec_test"}},
                 dir.path());
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_EQ(result.output, "config error: auth.adminKey: is required (set VO_ADMIN_API_KEY)\n");
}

TEST(Executable, PluginsListsEveryBuiltPlugin) {
  auto result = runProcess({orchestratorBinary(), "plugins"});
  EXPECT_EQ(result.exitCode, 0) << result.output;
  for (const char* expected : {"store      sqlite", "queue      memory", "provider   simulator"}) {
    EXPECT_TRUE(contains(result.output, expected)) << expected << "\n" << result.output;
  }
  EXPECT_FALSE(contains(result.output, "REFUSED")) << result.output;
}

TEST(Executable, MigrateReportsTheStore) {
  auto result = runWithConfig({"migrate"}, embeddedConfig());
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "migrate: store 'sqlite'")) << result.output;
}

TEST(Executable, ServesSeedsTenantsWarnsAboutTheDevelopmentKeyAndStopsCleanly) {
  std::string config = embeddedConfig();
  const std::string adminLine = "auth: {adminKey: test-admin-key-0123456789abcdef0}";
  config.replace(config.find(adminLine), adminLine.size(),
                 "auth: {adminKey: \"${VO_ADMIN_API_KEY:-dev-admin-key}\", "
                 "allowDevelopmentKey: true}");
  ServerProcess server({.configYaml = config, .env = {{"VO_ADMIN_API_KEY", std::nullopt}}});
  server.start();
  HttpClient client(server.port());
  client.setDefaultHeader("Authorization", "Bearer dev-admin-key");

  auto phones = client.get("/workspaces/acme/phone-numbers");
  ASSERT_EQ(phones.status, 200) << phones.body;
  EXPECT_TRUE(contains(phones.body, "phnum_1")) << phones.body;
  auto call = client.post("/calls/priority", R"({"workspaceId":"acme","agentId":"agent_1",
      "agentPhoneNumberId":"phnum_1","to":"+34631021622","from":"+34601893170",
      "variables":{"customerName":"Juan"}})");
  ASSERT_EQ(call.status, 201) << call.body;
  const std::string id = call.json()["id"].string();
  EXPECT_TRUE(waitUntil([&] {
    auto got = client.get("/calls/" + id);
    return got.status == 200 && got.json()["status"].string() == "completed";
  })) << client.get("/calls/" + id).body;

  EXPECT_EQ(server.terminate(), 0) << server.logText();
  const std::string log = server.logText();
  EXPECT_TRUE(contains(log, "WARNING: the DEVELOPMENT admin key")) << log;
  EXPECT_TRUE(contains(log, "voice-orchestrator 0.1.0 starting with config")) << log;
  EXPECT_TRUE(contains(log, "plugin store 'sqlite' loaded from")) << log;
  EXPECT_TRUE(contains(log, "listening on http://127.0.0.1:" + std::to_string(server.port())))
      << log;
  EXPECT_TRUE(contains(log, "3 objects created, 0 already present")) << log;
  EXPECT_TRUE(contains(log, "SIGTERM received")) << log;
  EXPECT_TRUE(contains(log, "stopped cleanly")) << log;

  // The same store again: the YAML's tenants are there already, and the call survived.
  server.restart();
  HttpClient again(server.port());
  again.setDefaultHeader("Authorization", "Bearer dev-admin-key");
  auto kept = again.get("/calls/" + id);
  EXPECT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(server.terminate(), 0);
  EXPECT_TRUE(contains(server.logText(), "0 objects created, 3 already present"))
      << server.logText();
}

TEST(Executable, AnExplicitAdminKeyIsUsedWithoutWarning) {
  ServerProcess server({.configYaml = embeddedConfig()});
  server.start();
  HttpClient client(server.port());
  EXPECT_EQ(
      client.get("/workspaces", {{"Authorization", "Bearer test-admin-key-0123456789abcdef0"}})
          .status,
      200);
  EXPECT_EQ(client.get("/workspaces", {{"Authorization", "Bearer dev-admin-key"}}).status, 401);
  EXPECT_EQ(server.terminate(), 0);
  EXPECT_FALSE(contains(server.logText(), "DEVELOPMENT admin key"));
}

// A second server on a port already served must fail, not share it: with SO_REUSEPORT the
// kernel would split connections between two unrelated servers.
TEST(Executable, APortInUseIsARuntimeFailure) {
  ServerProcess first({.configYaml = embeddedConfig()});
  first.start();
  auto second =
      runWithConfig({"serve"}, embeddedConfig(), {{"SERVICE_PORT", std::to_string(first.port())}},
                    std::chrono::seconds(30));
  EXPECT_EQ(second.exitCode, 1) << "a second server on port " << first.port()
                                << " did not fail (-1: it was still serving after 30 s)\n"
                                << second.output;
  EXPECT_TRUE(contains(second.output, "error: ")) << second.output;
  EXPECT_EQ(first.terminate(), 0);
}

TEST(Executable, SigintStopsCleanlyToo) {
  ServerProcess server({.configYaml = embeddedConfig()});
  server.start();
  EXPECT_EQ(server.kill(SIGINT), 0) << server.logText();
  EXPECT_TRUE(contains(server.logText(), "SIGINT received"));
}

}  // namespace
}  // namespace vo::testing
