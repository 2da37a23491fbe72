#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "FakeEnvironment.h"
#include "vo/api/ConfigReader.h"
#include "vo/core/ConfigLoader.h"

namespace vo::core {
namespace {

using testing::envOf;

using Env = std::map<std::string, std::string>;

// The smallest config that loads: three plugins and an admin key.
const std::string kMinimal = R"(
auth: {adminKey: secret-admin-key-0123456789abcdef}
plugins:
  store: {name: sqlite, config: {path: ./data/test.db}}
  queue: {name: memory}
  provider: {name: simulator, config: {latencyMs: 5}}
)";

AppConfig parse(const std::string& yaml, Env env = {}) {
  return parseConfig(yaml, "test.yaml", envOf(std::move(env)));
}

// The ConfigError's message, or "" when the config loaded.
std::string errorOf(const std::string& yaml, Env env = {}) {
  try {
    parse(yaml, std::move(env));
  } catch (const api::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigLoader, MinimalConfigGetsTheDocumentedDefaults) {
  const AppConfig config = parse(kMinimal);
  EXPECT_EQ(config.sourceFile, "test.yaml");
  EXPECT_EQ(config.logLevel, "info");
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_EQ(config.server.port, 3000);
  EXPECT_EQ(config.server.maxBulkCalls, 100000);
  EXPECT_EQ(config.dispatcher.concurrency, 10);
  EXPECT_EQ(config.dispatcher.maxAttempts, 3);
  EXPECT_FALSE(config.dispatcher.workerId.empty());
  EXPECT_EQ(config.auth.adminKey, "secret-admin-key-0123456789abcdef");
  EXPECT_FALSE(config.auth.adminKeyIsDevelopmentDefault);
  EXPECT_EQ(config.store.name, "sqlite");
  EXPECT_EQ(config.store.config["path"].as<std::string>(), "./data/test.db");
  EXPECT_EQ(config.queue.name, "memory");
  EXPECT_TRUE(config.queue.config.IsMap());
  EXPECT_EQ(config.provider.config["latencyMs"].as<int>(), 5);
  EXPECT_TRUE(config.retention.name.empty());
  EXPECT_TRUE(config.pluginDirs.empty());
  EXPECT_TRUE(config.tenants.empty());
}

TEST(ConfigLoader, ReadsEverySection) {
  const AppConfig config = parse(kMinimal + R"(
log: {level: debug}
server: {host: 0.0.0.0, port: 8080, threads: 4, maxBodyBytes: 2048, maxBulkCalls: 10,
         maxVariables: 3, maxVariableBytes: 20}
dispatcher: {concurrency: 7, leaseMs: 500, maxAttempts: 5, retryBaseMs: 10, retryMaxMs: 20,
             sweepIntervalMs: 100, reconcileAfterMs: 200, reconcileIntervalMs: 300,
             shutdownGraceMs: 0, workerId: w1}
pacing:
  phoneNumber: {maxConcurrentCalls: 5}
  providerAccount: {maxConcurrentCalls: 20, callsPerSecond: 2.5}
tenants:
  workspaces:
    - id: acme
      name: Acme
      providerApiKey: sk_acme
      maxConcurrentCalls: 9
      timezone: Europe/Madrid
      agents: [{id: agent_1, name: Ana, callsPerSecond: 1}]
      phoneNumbers: [{id: phnum_1, number: "+34 601 89 31 70", provider: sip_trunk}]
)");
  EXPECT_EQ(config.logLevel, "debug");
  EXPECT_EQ(config.server.host, "0.0.0.0");
  EXPECT_EQ(config.server.port, 8080);
  EXPECT_EQ(config.server.threads, 4);
  EXPECT_EQ(config.server.maxBodyBytes, 2048);
  EXPECT_EQ(config.server.maxBulkCalls, 10);
  EXPECT_EQ(config.server.maxVariables, 3);
  EXPECT_EQ(config.server.maxVariableBytes, 20);
  EXPECT_EQ(config.dispatcher.concurrency, 7);
  EXPECT_EQ(config.dispatcher.leaseMs, 500);
  EXPECT_EQ(config.dispatcher.maxAttempts, 5);
  EXPECT_EQ(config.dispatcher.retryBaseMs, 10);
  EXPECT_EQ(config.dispatcher.retryMaxMs, 20);
  EXPECT_EQ(config.dispatcher.sweepIntervalMs, 100);
  EXPECT_EQ(config.dispatcher.reconcileAfterMs, 200);
  EXPECT_EQ(config.dispatcher.reconcileIntervalMs, 300);
  EXPECT_EQ(config.dispatcher.shutdownGraceMs, 0);
  EXPECT_EQ(config.dispatcher.workerId, "w1");
  EXPECT_EQ(config.pacing.phoneNumber.maxConcurrentCalls, 5);
  EXPECT_EQ(config.pacing.agent.maxConcurrentCalls, 0);
  EXPECT_EQ(config.pacing.providerAccount.maxConcurrentCalls, 20);
  EXPECT_DOUBLE_EQ(config.pacing.providerAccount.callsPerSecond, 2.5);
  ASSERT_EQ(config.tenants.size(), 1u);
  const TenantSeed& acme = config.tenants[0];
  EXPECT_EQ(acme.workspace.id, "acme");
  EXPECT_EQ(acme.workspace.name, "Acme");
  EXPECT_EQ(acme.workspace.providerApiKey, "sk_acme");
  EXPECT_EQ(acme.workspace.pacing.maxConcurrentCalls, 9);
  EXPECT_EQ(acme.workspace.timezone, "Europe/Madrid");
  ASSERT_EQ(acme.agents.size(), 1u);
  EXPECT_EQ(acme.agents[0].id, "agent_1");
  EXPECT_EQ(acme.agents[0].workspaceId, "acme");
  EXPECT_EQ(acme.agents[0].name, "Ana");
  EXPECT_DOUBLE_EQ(acme.agents[0].pacing.callsPerSecond, 1);
  ASSERT_EQ(acme.phoneNumbers.size(), 1u);
  EXPECT_EQ(acme.phoneNumbers[0].number, "+34601893170");
  EXPECT_EQ(acme.phoneNumbers[0].provider, "sip_trunk");
  EXPECT_EQ(acme.phoneNumbers[0].workspaceId, "acme");
}

TEST(Interpolation, ExpandsSetVariablesAndDefaults) {
  const AppConfig config = parse(R"(
auth: {adminKey: "${ADMIN}"}
server: {port: "${PORT:-4000}", host: "${HOST:-127.0.0.1}"}
plugins:
  store: {name: sqlite, config: {path: "${DATA_DIR}/calls-${SUFFIX:-x}.db", literal: "$${NOT_A_VAR}"}}
  queue: {name: memory}
  provider: {name: simulator}
  dir: ["${PLUGINS}", /opt/vo]
)",
                                 {{"ADMIN", "k1-0123456789abcdef0123456789abcdef"},
                                  {"DATA_DIR", "/var/lib/vo"},
                                  {"HOST", ""},
                                  {"PLUGINS", "/p"}});
  EXPECT_EQ(config.auth.adminKey, "k1-0123456789abcdef0123456789abcdef");
  EXPECT_EQ(config.server.port, 4000);
  EXPECT_EQ(config.server.host, "127.0.0.1");  // set but empty: the default, as in the shell
  EXPECT_EQ(config.store.config["path"].as<std::string>(), "/var/lib/vo/calls-x.db");
  EXPECT_EQ(config.store.config["literal"].as<std::string>(), "${NOT_A_VAR}");
  EXPECT_EQ(config.pluginDirs, (std::vector<std::string>{"/p", "/opt/vo"}));
}

TEST(Interpolation, AnUnsetVariableWithoutDefaultNamesTheKeyAndTheVariable) {
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: [{id: a, name: \"${WS_NAME}\"}]}"),
            "tenants.workspaces[0].name: environment variable WS_NAME is not set (referenced as "
            "${WS_NAME})");
  const std::string inPlugin = R"(
auth: {adminKey: k0123456789abcdef0123456789abcdef}
plugins:
  store: {name: postgres, config: {url: "${DATABASE_URL}"}}
  queue: {name: memory}
  provider: {name: simulator}
)";
  EXPECT_EQ(errorOf(inPlugin),
            "plugins.store.config.url: environment variable DATABASE_URL is not set (referenced "
            "as ${DATABASE_URL})");
  EXPECT_EQ(errorOf(inPlugin, {{"DATABASE_URL", "postgresql://u@127.0.0.1/db"}}), "");
}

TEST(Interpolation, MalformedReferencesAreNamed) {
  EXPECT_EQ(errorOf(kMinimal + "log: {level: \"${LEVEL\"}"),
            "log.level: unterminated '${' in '${LEVEL'");
  EXPECT_EQ(errorOf(kMinimal + "log: {level: \"${1X}\"}"),
            "log.level: bad variable reference '${1X}'");
}

TEST(EnvOverrides, TheSeedVariablesWinOverTheFile) {
  const AppConfig config = parse(R"(
auth: {adminKey: secret-admin-key-0123456789abcdef}
server: {port: 3000}
log: {level: info}
dispatcher: {concurrency: 10}
plugins:
  store: {name: sqlite, config: {path: ./a.db}}
  queue: {name: memory}
  provider: {name: simulator}
  retention: {name: retention, config: {days: 15}}
  dir: /from/file
)",
                                 {{"SERVICE_HOST", "127.0.0.2"},
                                  {"SERVICE_PORT", "3111"},
                                  {"CALLS_WORKER_CONCURRENCY", "42"},
                                  {"LOG_LEVEL", "warn"},
                                  {"VO_ADMIN_API_KEY", "from-env-0123456789abcdef0123456789"},
                                  {"RETENTION_DAYS", "30"},
                                  {"VO_PLUGIN_DIR", "/a:/b"}});
  EXPECT_EQ(config.server.host, "127.0.0.2");
  EXPECT_EQ(config.server.port, 3111);
  EXPECT_EQ(config.dispatcher.concurrency, 42);
  EXPECT_EQ(config.logLevel, "warn");
  EXPECT_EQ(config.auth.adminKey, "from-env-0123456789abcdef0123456789");
  EXPECT_EQ(config.retention.config["days"].as<std::string>(), "30");
  EXPECT_EQ(config.pluginDirs, (std::vector<std::string>{"/a", "/b"}));
}

TEST(EnvOverrides, PluginVariablesApplyOnlyToTheirPlugin) {
  const Env env{{"REDIS_URL", "redis://127.0.0.1:6390/2"},
                {"DATABASE_URL", "postgresql://vo:pw@127.0.0.1:5432/vo"},
                {"ELEVENLABS_API_KEY", "sk_env"},
                {"ELEVENLABS_BASE_URL", "http://127.0.0.1:9"},
                {"ELEVENLABS_OUTBOUND_CALLS_PATH", "/v1/convai/sip-trunk/outbound-call"},
                {"ELEVENLABS_WEBHOOK_SECRET", "whsec"},
                {"RETENTION_DAYS", "30"}};
  const AppConfig embedded = parse(kMinimal, env);
  EXPECT_FALSE(embedded.store.config["url"]);
  EXPECT_FALSE(embedded.queue.config["url"]);
  EXPECT_FALSE(embedded.provider.config["apiKey"]);
  EXPECT_TRUE(embedded.retention.name.empty());  // no retention plugin: RETENTION_DAYS ignored

  const AppConfig production = parse(R"(
auth: {adminKey: k0123456789abcdef0123456789abcdef}
plugins:
  store: {name: postgres, config: {url: postgresql://file@127.0.0.1/file, poolSize: 16}}
  queue: {name: redis, config: {url: redis://127.0.0.1:1/0}}
  provider: {name: elevenlabs, config: {apiKey: sk_file}}
)",
                                     env);
  EXPECT_EQ(production.store.config["url"].as<std::string>(),
            "postgresql://vo:pw@127.0.0.1:5432/vo");
  EXPECT_EQ(production.store.config["poolSize"].as<int>(), 16);
  EXPECT_EQ(production.queue.config["url"].as<std::string>(), "redis://127.0.0.1:6390/2");
  EXPECT_EQ(production.provider.config["apiKey"].as<std::string>(), "sk_env");
  EXPECT_EQ(production.provider.config["baseUrl"].as<std::string>(), "http://127.0.0.1:9");
  EXPECT_EQ(production.provider.config["outboundCallsPath"].as<std::string>(),
            "/v1/convai/sip-trunk/outbound-call");
  EXPECT_EQ(production.provider.config["webhookSecret"].as<std::string>(), "whsec");
}

TEST(EnvOverrides, EmptyValuesAreIgnored) {
  const AppConfig config = parse(kMinimal + "server: {port: 3001}", {{"SERVICE_PORT", ""}});
  EXPECT_EQ(config.server.port, 3001);
}

TEST(EnvOverrides, ABadOverrideIsNamedByItsKey) {
  EXPECT_EQ(errorOf(kMinimal, {{"SERVICE_PORT", "eighty"}}),
            "server.port: expected a whole number, got 'eighty'");
  EXPECT_EQ(errorOf(kMinimal, {{"CALLS_WORKER_CONCURRENCY", "0"}}),
            "dispatcher.concurrency: must be between 1 and 10000, got 0");
}

TEST(Validation, UnknownKeysAreRejectedByName) {
  EXPECT_EQ(errorOf(kMinimal + "colour: blue"), "colour: unknown key");
  EXPECT_EQ(errorOf(kMinimal + "server: {prot: 1}"), "server.prot: unknown key");
  EXPECT_EQ(errorOf(kMinimal + "pacing: {agent: {maxConcurrent: 1}}"),
            "pacing.agent.maxConcurrent: unknown key");
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: [{id: a, agents: [{id: b, nmae: x}]}]}"),
            "tenants.workspaces[0].agents[0].nmae: unknown key");
  EXPECT_EQ(errorOf(R"(
auth: {adminKey: k0123456789abcdef0123456789abcdef}
plugins:
  store: {name: sqlite, confg: {}}
  queue: {name: memory}
  provider: {name: simulator}
)"),
            "plugins.store.confg: unknown key");
  EXPECT_EQ(errorOf("auth: {adminKey: k0123456789abcdef0123456789abcdef, adminkey: k}\nplugins: "
                    "{store: {name: s}, queue: {name: "
                    "q}, provider: {name: p}}"),
            "auth.adminkey: unknown key");
}

TEST(Validation, MetricsLabelSetsAreBounded) {
  EXPECT_EQ(parse(kMinimal).metrics.maxLabelSets, 1000);
  EXPECT_EQ(parse(kMinimal + "metrics: {maxLabelSets: 50}").metrics.maxLabelSets, 50);
  EXPECT_EQ(errorOf(kMinimal + "metrics: {maxLabelSets: 0}"),
            "metrics.maxLabelSets: must be between 1 and 100000, got 0");
  EXPECT_EQ(errorOf(kMinimal + "metrics: {maxLabelSets: 100001}"),
            "metrics.maxLabelSets: must be between 1 and 100000, got 100001");
  EXPECT_EQ(errorOf(kMinimal + "metrics: {maxLabelSet: 5}"), "metrics.maxLabelSet: unknown key");
}

TEST(Validation, RepeatedKeysAreNamed) {
  EXPECT_EQ(errorOf(kMinimal + "auth: {adminKey: other}"), "auth: duplicate key");
  EXPECT_EQ(errorOf(kMinimal + "server: {port: 1, port: 2}"), "server.port: duplicate key");
}

TEST(Validation, BadValuesAreNamed) {
  EXPECT_EQ(errorOf(kMinimal + "server: {port: 70000}"),
            "server.port: must be between 0 and 65535, got 70000");
  EXPECT_EQ(errorOf(kMinimal + "server: {port: [1]}"), "server.port: expected a single value");
  EXPECT_EQ(errorOf(kMinimal + "log: {level: loud}"),
            "log.level: expected trace, debug, info, warn, error, critical or off, got 'loud'");
  EXPECT_EQ(errorOf(kMinimal + "dispatcher: {retryBaseMs: 100, retryMaxMs: 10}"),
            "dispatcher.retryMaxMs: must not be below retryBaseMs (100)");
  EXPECT_EQ(errorOf(kMinimal + "server: 3000"), "server: expected a mapping");
  EXPECT_EQ(
      errorOf(kMinimal + "tenants: {workspaces: [{id: a, phoneNumbers: [{id: p, number: "
                         "\"+34601893170\", provider: skype}]}]}"),
      "tenants.workspaces[0].phoneNumbers[0].provider: expected twilio or sip_trunk, got 'skype'");
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: [{id: a, phoneNumbers: [{id: p, number: "
                               "\"601893170\"}]}]}"),
            "tenants.workspaces[0].phoneNumbers[0].number: expected a phone number like "
            "+34601893170, got '601893170': must be in international form: + then the country "
            "code (+34 601 89 31 70)");
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: [{id: a, timezone: Europe/Nowhere}]}"),
            "tenants.workspaces[0].timezone: not a time zone tzdata knows: 'Europe/Nowhere'");
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: [{id: a}, {id: a}]}"),
            "tenants.workspaces[1].id: duplicate id 'a'");
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: [{id: admin}]}"),
            "tenants.workspaces[0].id: 'admin' is reserved; choose another workspace id");
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: [{id: default}]}"),
            "tenants.workspaces[0].id: 'default' is reserved; choose another workspace id");
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: [{id: a, agents: [{id: x, "
                               "sharedAcrossWorkspaces: maybe}]}]}"),
            "tenants.workspaces[0].agents[0].sharedAcrossWorkspaces: expected true or false, got "
            "'maybe'");
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: [{name: nameless}]}"),
            "tenants.workspaces[0].id: is required");
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: [{id: \"a b\"}]}"),
            "tenants.workspaces[0].id: expected 1 to 128 of letters, digits and . _ : -, got 'a "
            "b'");
  EXPECT_EQ(errorOf(kMinimal + "tenants: {workspaces: {id: a}}"),
            "tenants.workspaces: expected a list");
}

TEST(Validation, PluginSelectionsAreChecked) {
  EXPECT_EQ(errorOf("auth: {adminKey: k0123456789abcdef0123456789abcdef}\nplugins: {queue: {name: "
                    "memory}, provider: {name: s}}"),
            "plugins.store: is required (a mapping with the plugin's name and config)");
  EXPECT_EQ(errorOf("auth: {adminKey: k0123456789abcdef0123456789abcdef}"),
            "plugins.store: is required (a mapping with the plugin's name and config)");
  EXPECT_EQ(errorOf(R"(
auth: {adminKey: k0123456789abcdef0123456789abcdef}
plugins: {store: {name: Sql/ite}, queue: {name: memory}, provider: {name: simulator}})"),
            "plugins.store.name: expected lowercase letters, digits, - and _, got 'Sql/ite'");
  EXPECT_EQ(errorOf(R"(
auth: {adminKey: k0123456789abcdef0123456789abcdef}
plugins: {store: {name: sqlite, config: [1]}, queue: {name: memory}, provider: {name: s}})"),
            "plugins.store.config: expected a mapping");
  EXPECT_EQ(errorOf(R"(
auth: {adminKey: k0123456789abcdef0123456789abcdef}
plugins: {store: {config: {}}, queue: {name: memory}, provider: {name: s}})"),
            "plugins.store.name: is required");
}

TEST(Validation, TheAdminKeyIsRequiredAndTheDevelopmentKeyOnlyWhereAllowed) {
  const std::string plugins = R"(
plugins: {store: {name: sqlite}, queue: {name: memory}, provider: {name: simulator}}
)";
  EXPECT_EQ(errorOf(plugins), "auth.adminKey: is required (set VO_ADMIN_API_KEY)");
  EXPECT_EQ(errorOf(plugins + "auth: {adminKey: short-key}"),
            "auth.adminKey: must be at least 32 characters, got 9 (set VO_ADMIN_API_KEY, e.g. to "
            "`openssl rand -hex 32`)");
  EXPECT_EQ(errorOf(plugins + "auth: {adminKey: dev-admin-key}"),
            "auth.adminKey: the development key is refused here (set VO_ADMIN_API_KEY, or "
            "auth.allowDevelopmentKey: true on a developer machine)");
  const AppConfig dev = parse(plugins +
                              "auth: {adminKey: \"${VO_ADMIN_API_KEY:-dev-admin-key}\", "
                              "allowDevelopmentKey: true}");
  EXPECT_EQ(dev.auth.adminKey, "dev-admin-key");
  EXPECT_TRUE(dev.auth.adminKeyIsDevelopmentDefault);
  const AppConfig real = parse(plugins +
                                   "auth: {adminKey: \"${VO_ADMIN_API_KEY:-dev-admin-key}\", "
                                   "allowDevelopmentKey: true}",
                               {{"VO_ADMIN_API_KEY", "a-real-key"}});
  EXPECT_EQ(real.auth.adminKey, "a-real-key");
  EXPECT_FALSE(real.auth.adminKeyIsDevelopmentDefault);
}

// The Debian package's config names a key file its postinst writes; the variable still wins.
TEST(Validation, TheAdminKeyMayComeFromAFile) {
  const std::string plugins = R"(
plugins: {store: {name: sqlite}, queue: {name: memory}, provider: {name: simulator}}
)";
  const std::string path =
      (std::filesystem::temp_directory_path() / ("vo-admin-key-" + std::to_string(::getpid())))
          .string();
  std::ofstream(path) << "  file-key-0123456789abcdef0123456789abcdef \n";
  const std::string auth = plugins + "auth: {adminKeyFile: " + path + "}";
  EXPECT_EQ(parse(auth).auth.adminKey, "file-key-0123456789abcdef0123456789abcdef");
  EXPECT_EQ(
      parse(auth, {{"VO_ADMIN_API_KEY", "env-key-0123456789abcdef0123456789abcdef"}}).auth.adminKey,
      "env-key-0123456789abcdef0123456789abcdef");
  std::ofstream(path) << "short\n";
  EXPECT_EQ(errorOf(auth),
            "auth.adminKey: must be at least 32 characters, got 5 (set VO_ADMIN_API_KEY, e.g. to "
            "`openssl rand -hex 32`)");
  std::ofstream(path) << " \n";
  EXPECT_EQ(errorOf(auth), "auth.adminKeyFile: '" + path + "' is empty");
  std::filesystem::remove(path);
  EXPECT_EQ(errorOf(auth), "auth.adminKeyFile: cannot read '" + path + "'");
}

TEST(Validation, YamlSyntaxErrorsNameTheFileAndLine) {
  EXPECT_EQ(errorOf("server:\n  port: [1, 2\n"),
            "test.yaml: line 3, column 1: end of sequence flow not found");
  EXPECT_EQ(errorOf("- a\n- b\n"),
            "test.yaml: expected a mapping of sections (log, server, plugins, ...)");
}

TEST(LoadConfigFile, AMissingFileIsAConfigError) {
  EXPECT_THROW(loadConfigFile("/nonexistent/vo.yaml", envOf({})), api::ConfigError);
  try {
    loadConfigFile("/nonexistent/vo.yaml", envOf({}));
  } catch (const api::ConfigError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/vo.yaml: cannot read the config file");
  }
}

}  // namespace
}  // namespace vo::core
