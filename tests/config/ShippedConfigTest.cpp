// The config files the project ships load as the README says.
#include <gtest/gtest.h>

#include <map>

#include "FakeEnvironment.h"
#include "vo/api/ConfigReader.h"
#include "vo/core/ConfigLoader.h"

namespace vo::core {
namespace {

using testing::envOf;

const std::string kLocal = std::string(VO_SOURCE_DIR) + "/config/local.yaml";
const std::string kProduction = std::string(VO_SOURCE_DIR) + "/config/production.yaml";
const std::string kPackaged = std::string(VO_SOURCE_DIR) + "/packaging/debian/config.yaml";

const std::map<std::string, std::string> kProductionEnv{
    {"VO_ADMIN_API_KEY", "prod-key-0123456789abcdef0123456789"},
    {"DATABASE_URL", "postgresql://vo:pw@127.0.0.1:5432/vo"},
    {"REDIS_URL", "redis://127.0.0.1:6379/0"},
    {"ELEVENLABS_API_KEY", "sk_live"},
    {"ELEVENLABS_WEBHOOK_SECRET", "wsec_live"}};

TEST(ShippedConfig, LocalRunsEmbeddedWithTheDemoTenantAndTheDevelopmentKey) {
  const AppConfig config = loadConfigFile(kLocal, envOf({}));
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_EQ(config.server.port, 3000);
  EXPECT_EQ(config.auth.adminKey, "dev-admin-key");
  EXPECT_TRUE(config.auth.adminKeyIsDevelopmentDefault);
  EXPECT_EQ(config.store.name, "sqlite");
  EXPECT_EQ(config.store.config["path"].as<std::string>(), "./data/voice-orchestrator.db");
  EXPECT_EQ(config.queue.name, "memory");
  EXPECT_EQ(config.provider.name, "simulator");
  EXPECT_EQ(config.provider.config["latencyMs"].as<int>(), 50);
  EXPECT_DOUBLE_EQ(config.provider.config["outcomes"]["completed"].as<double>(), 0.7);
  EXPECT_EQ(config.retention.name, "retention");
  EXPECT_EQ(config.retention.config["days"].as<int>(), 15);
  EXPECT_TRUE(config.webhooks.allowPrivateTargets) << "a receiver on this machine may be used";
  ASSERT_EQ(config.tenants.size(), 1u);
  EXPECT_EQ(config.tenants[0].workspace.id, "demo");
  EXPECT_EQ(config.tenants[0].agents.at(0).id, "agent_demo");
  EXPECT_EQ(config.tenants[0].phoneNumbers.at(0).id, "phnum_demo");
  EXPECT_EQ(config.tenants[0].phoneNumbers.at(0).number, "+34601893170");
}

TEST(ShippedConfig, LocalTakesTheSeedVariables) {
  const AppConfig config = loadConfigFile(
      kLocal,
      envOf({{"RETENTION_DAYS", "7"}, {"VO_ADMIN_API_KEY", "mine"}, {"SERVICE_PORT", "4000"}}));
  EXPECT_EQ(config.retention.config["days"].as<int>(), 7);
  EXPECT_EQ(config.auth.adminKey, "mine");
  EXPECT_FALSE(config.auth.adminKeyIsDevelopmentDefault);
  EXPECT_EQ(config.server.port, 4000);
}

// A benchmark or a single-machine install keeps the shipped file and stays on loopback.
TEST(ShippedConfig, ProductionListensWhereServiceHostSays) {
  auto env = kProductionEnv;
  env["SERVICE_HOST"] = "127.0.0.1";
  const AppConfig config = loadConfigFile(kProduction, envOf(env));
  EXPECT_EQ(config.server.host, "127.0.0.1");
}

TEST(ShippedConfig, ProductionTakesEverySecretFromTheEnvironment) {
  const AppConfig config = loadConfigFile(kProduction, envOf(kProductionEnv));
  EXPECT_EQ(config.server.host, "0.0.0.0");
  EXPECT_EQ(config.auth.adminKey, "prod-key-0123456789abcdef0123456789");
  EXPECT_EQ(config.store.name, "postgres");
  EXPECT_FALSE(config.webhooks.allowPrivateTargets);
  EXPECT_EQ(config.webhooks.retryForMs, 86400000);
  EXPECT_EQ(config.store.config["url"].as<std::string>(), "postgresql://vo:pw@127.0.0.1:5432/vo");
  EXPECT_EQ(config.store.config["poolSize"].as<int>(), 16);
  EXPECT_EQ(config.queue.name, "redis");
  EXPECT_EQ(config.queue.config["keyPrefix"].as<std::string>(), "{vo}");
  EXPECT_EQ(config.provider.name, "elevenlabs");
  EXPECT_EQ(config.provider.config["apiKey"].as<std::string>(), "sk_live");
  EXPECT_EQ(config.provider.config["baseUrl"].as<std::string>(), "https://api.elevenlabs.io");
  EXPECT_EQ(config.provider.config["outboundCallsPath"].as<std::string>(),
            "/v1/convai/twilio/outbound-call");
  EXPECT_EQ(config.provider.config["webhookSecret"].as<std::string>(), "wsec_live");
  EXPECT_TRUE(config.tenants.empty());
}

TEST(ShippedConfig, ProductionRefusesToStartWithoutAnAdminKey) {
  auto env = kProductionEnv;
  env.erase("VO_ADMIN_API_KEY");
  try {
    loadConfigFile(kProduction, envOf(env));
    FAIL() << "production.yaml loaded without an admin key";
  } catch (const api::ConfigError& e) {
    EXPECT_STREQ(e.what(), "auth.adminKey: is required (set VO_ADMIN_API_KEY)");
  }
}

TEST(ShippedConfig, ProductionNamesAMissingSecret) {
  auto env = kProductionEnv;
  env.erase("REDIS_URL");
  try {
    loadConfigFile(kProduction, envOf(env));
    FAIL() << "production.yaml loaded without REDIS_URL";
  } catch (const api::ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "plugins.queue.config.url: environment variable REDIS_URL is not set (referenced "
                 "as ${REDIS_URL})");
  }
}

// The Debian package's /etc/voice-orchestrator/config.yaml (scripts/check-package.sh checks it
// installed, its admin key in the file the postinst writes): embedded, loopback, no real call.
TEST(ShippedConfig, PackagedRunsEmbeddedFromTheInstalledDirectories) {
  const AppConfig config = loadConfigFile(
      kPackaged, envOf({{"VO_ADMIN_API_KEY", "pkg-key-0123456789abcdef0123456789"}}));
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_EQ(config.auth.adminKey, "pkg-key-0123456789abcdef0123456789");
  EXPECT_EQ(config.pluginDirs, std::vector<std::string>{"/usr/lib/voice-orchestrator/plugins"});
  EXPECT_EQ(config.store.name, "sqlite");
  EXPECT_EQ(config.store.config["path"].as<std::string>(),
            "/var/lib/voice-orchestrator/voice-orchestrator.db");
  EXPECT_EQ(config.queue.name, "memory");
  EXPECT_EQ(config.provider.name, "simulator");
  EXPECT_EQ(config.retention.config["days"].as<int>(), 15);
  EXPECT_TRUE(config.tenants.empty());
}

}  // namespace
}  // namespace vo::core
