#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "vo/api/CallEventSink.h"
#include "vo/api/RetentionPolicy.h"
#include "vo/api/Version.h"
#include "vo/core/PluginHost.h"

namespace vo::core {
namespace {

const std::string kFixtures = VO_FIXTURE_PLUGIN_DIR;

class RecordingSink final : public api::CallEventSink {
 public:
  void publish(std::span<const api::CallEvent> events) override {
    for (const api::CallEvent& event : events) ids.push_back(event.providerCallId);
  }
  std::vector<std::string> ids;
};

PluginSelection selection(const std::string& name, const std::string& configYaml = "{}") {
  return PluginSelection{name, YAML::Load(configYaml)};
}

// The PluginLoadError's message from creating retention plugin `name`, "" when it loaded.
std::string refusal(const std::string& name, const std::vector<std::string>& dirs = {kFixtures}) {
  RecordingSink sink;
  PluginHost host(dirs);
  try {
    host.create<api::RetentionPolicy>(selection(name, "{marker: m}"), {sink});
  } catch (const PluginLoadError& e) {
    return e.what();
  }
  return "";
}

std::string fixture(const std::string& file) {
  return std::filesystem::absolute(kFixtures + "/" + file).string();
}

TEST(PluginHost, CreatesAGoodPluginWithItsConfigLoggerStoreAndSink) {
  RecordingSink sink;
  PluginHost host({"/nonexistent/first", kFixtures});
  auto& policy = host.create<api::RetentionPolicy>(selection("good", "{marker: alpha}"), {sink});
  EXPECT_EQ(policy.health().detail, "retention.good|retention.good|alpha|nostore");
  ASSERT_TRUE(policy.runDue(5).ok());
  EXPECT_EQ(sink.ids, std::vector<std::string>{"alpha"});

  ASSERT_EQ(host.created().size(), 1u);
  const PluginInfo info = host.created()[0];
  EXPECT_EQ(info.kind, "retention");
  EXPECT_EQ(info.name, "good");
  EXPECT_EQ(info.file, fixture("vo-retention-good.so"));
  EXPECT_EQ(info.apiVersion, api::kApiVersion);
  EXPECT_EQ(info.buildId, VO_BUILD_ID);
}

TEST(PluginHost, HandsTheStoreToPluginsCreatedAfterIt) {
  RecordingSink sink;
  PluginHost host({kFixtures});
  auto& first = host.create<api::RetentionPolicy>(selection("good", "{marker: a}"), {sink});
  // Any object will do as the "store" pointer: the fixture only checks it is there.
  auto* store = reinterpret_cast<api::CallStore*>(&first);
  auto& second = host.create<api::RetentionPolicy>(selection("good", "{marker: b}"), {sink, store});
  EXPECT_EQ(second.health().detail, "retention.good|retention.good|b|store");
}

TEST(PluginHost, DestroysInstancesNewestFirst) {
  const std::string log =
      ::testing::TempDir() + "/vo-destroy-order-" + std::to_string(::getpid()) + ".log";
  std::filesystem::remove(log);
  {
    RecordingSink sink;
    PluginHost host({kFixtures});
    for (const char* marker : {"store", "queue", "provider"}) {
      host.create<api::RetentionPolicy>(
          selection("good", std::string("{marker: ") + marker + ", destroyLog: " + log + "}"),
          {sink});
    }
  }
  std::ifstream in(log);
  std::stringstream order;
  order << in.rdbuf();
  EXPECT_EQ(order.str(), "provider\nqueue\nstore\n");
}

TEST(PluginHost, RefusesAMissingFileListingTheDirsSearched) {
  EXPECT_EQ(refusal("absent", {"/nonexistent/a", kFixtures}),
            "plugins.retention: no vo-retention-absent.so in /nonexistent/a, " + kFixtures);
  EXPECT_EQ(refusal("absent", {}),
            "plugins.retention: no vo-retention-absent.so in (no plugin directories)");
}

TEST(PluginHost, RefusesALibraryWithoutTheDescriptorSymbol) {
  EXPECT_EQ(refusal("nosymbol"),
            fixture("vo-retention-nosymbol.so") +
                ": not a voice-orchestrator plugin (it exports no vo_plugin_descriptor symbol)");
}

TEST(PluginHost, RefusesAnotherApiVersionNamingBoth) {
  EXPECT_EQ(refusal("oldapi"), fixture("vo-retention-oldapi.so") +
                                   ": plugin API version mismatch: expected " +
                                   std::to_string(api::kApiVersion) + ", found " +
                                   std::to_string(api::kApiVersion + 1) +
                                   " (rebuild the plugin against this voice-orchestrator)");
}

TEST(PluginHost, RefusesAPluginOfAnotherKind) {
  EXPECT_EQ(refusal("wrongkind"), fixture("vo-retention-wrongkind.so") +
                                      ": is a 'provider' plugin, expected a 'retention' plugin");
}

TEST(PluginHost, RefusesAPluginWhoseNameDiffersFromItsFile) {
  EXPECT_EQ(refusal("misnamed"),
            fixture("vo-retention-misnamed.so") + ": is named 'othername', expected 'misnamed'");
}

TEST(PluginHost, RefusesAnotherBuild) {
  EXPECT_EQ(refusal("otherbuild"),
            fixture("vo-retention-otherbuild.so") +
                ": built with 'gcc-0.0;cxx11abi-0;poco-0x00000000', this voice-orchestrator "
                "with '" VO_BUILD_ID "' (rebuild the plugin with the same compiler and libraries)");
}

TEST(PluginHost, RefusesAFileThatIsNoLibrary) {
  const std::string dir = ::testing::TempDir() + "/vo-bogus-plugins-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/vo-retention-bogus.so") << "not an ELF file";
  const std::string message = refusal("bogus", {dir});
  EXPECT_EQ(message.rfind(std::filesystem::absolute(dir + "/vo-retention-bogus.so").string() +
                              ": cannot be opened: ",
                          0),
            0u)
      << message;
}

TEST(PluginHost, ReportsAFailedCreateWithThePluginsOwnWords) {
  EXPECT_EQ(refusal("failing"),
            "plugins.retention (failing): fixture refuses to start: no database at 127.0.0.1:1");
}

TEST(PluginHost, ReportsAPluginConfigErrorNamingTheKey) {
  RecordingSink sink;
  PluginHost host({kFixtures});
  try {
    host.create<api::RetentionPolicy>(selection("good", "{marker: a, colour: blue}"), {sink});
    FAIL() << "unknown key accepted";
  } catch (const PluginLoadError& e) {
    EXPECT_STREQ(e.what(), "plugins.retention.config.colour: unknown key");
  }
  try {
    host.create<api::RetentionPolicy>(selection("good"), {sink});
    FAIL() << "missing marker accepted";
  } catch (const PluginLoadError& e) {
    EXPECT_STREQ(e.what(), "plugins.retention.config.marker: is required");
  }
  EXPECT_TRUE(host.created().empty());
}

TEST(ListPlugins, DescribesEveryPluginFileAndWhyABadOneCannotBeUsed) {
  const auto listing = listPlugins({kFixtures, "/nonexistent"});
  std::map<std::string, PluginInfo> byName;
  for (const auto& info : listing) byName[info.name] = info;
  ASSERT_EQ(byName.size(), 7u);
  EXPECT_EQ(byName["good"].problem, "");
  EXPECT_EQ(byName["good"].kind, "retention");
  EXPECT_EQ(byName["good"].buildId, VO_BUILD_ID);
  EXPECT_EQ(byName["failing"].problem, "");  // a sound file; only creating it fails
  EXPECT_NE(byName["oldapi"].problem.find("API version mismatch"), std::string::npos);
  EXPECT_EQ(byName["oldapi"].apiVersion, api::kApiVersion + 1);
  EXPECT_NE(byName["wrongkind"].problem.find("expected a 'retention' plugin"), std::string::npos);
  EXPECT_NE(byName["nosymbol"].problem.find("not a voice-orchestrator plugin"), std::string::npos);
  EXPECT_NE(byName["otherbuild"].problem.find("built with"), std::string::npos);
  EXPECT_NE(byName["misnamed"].problem.find("is named 'othername'"), std::string::npos);
}

TEST(DefaultPluginDirs, AreNextToTheExecutable) {
  const auto dirs = defaultPluginDirs();
  ASSERT_EQ(dirs.size(), 2u);
  const auto bin = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  EXPECT_EQ(dirs[0], (bin.parent_path() / "plugins").string());
  EXPECT_EQ(dirs[1], (bin.parent_path() / "lib/voice-orchestrator/plugins").string());
}

}  // namespace
}  // namespace vo::core
