// voice-orchestrator: serve (default), migrate, check-config, plugins.
// Exit codes: 0 ok, 2 bad usage or config, 1 failure at run time.
#include <cstdio>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "app/Startup.h"
#include "vo/api/ConfigReader.h"
#include "vo/core/Application.h"
#include "vo/core/ConfigLoader.h"
#include "vo/core/Metrics.h"
#include "vo/core/PluginHost.h"

namespace {

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kBadUsage = 2;

constexpr const char* kUsage = R"(usage: voice-orchestrator [COMMAND] [--config FILE]

Commands:
  serve          run the server until SIGTERM or SIGINT (the default)
  migrate        create or upgrade the store's schema, then exit
  check-config   validate the config and every plugin's section, then exit
  plugins        list the plugins found in the plugin directories

Options:
  --config FILE  the YAML config (default: config/local.yaml)
  --help         show this help
  --version      show the version

Environment variables override the file: SERVICE_PORT, LOG_LEVEL, CALLS_WORKER_CONCURRENCY,
VO_ADMIN_API_KEY, VO_METRICS_TOKEN, RETENTION_DAYS, REDIS_URL, DATABASE_URL, ELEVENLABS_API_KEY,
ELEVENLABS_BASE_URL, ELEVENLABS_OUTBOUND_CALLS_PATH, ELEVENLABS_WEBHOOK_SECRET, VO_PLUGIN_DIR.
Exit codes: 0 ok, 2 bad usage or config, 1 failure at run time.
)";

struct Options {
  std::string command = "serve";
  std::string configFile = "config/local.yaml";
  bool configGiven = false;
  bool help = false;
  bool version = false;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Options parseArguments(const std::vector<std::string>& args) {
  Options options;
  bool commandGiven = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (arg == "--version") {
      options.version = true;
    } else if (arg == "--config" || arg == "-c") {
      if (i + 1 >= args.size()) throw UsageError("--config needs a file");
      options.configFile = args[++i];
      options.configGiven = true;
    } else if (arg.rfind("--config=", 0) == 0) {
      options.configFile = arg.substr(9);
      options.configGiven = true;
    } else if (!arg.empty() && arg[0] == '-') {
      throw UsageError("unknown option '" + arg + "'");
    } else if (commandGiven) {
      throw UsageError("unexpected argument '" + arg + "'");
    } else if (arg == "serve" || arg == "migrate" || arg == "check-config" || arg == "plugins") {
      options.command = arg;
      commandGiven = true;
    } else {
      throw UsageError("unknown command '" + arg + "'");
    }
  }
  if (options.configFile.empty()) throw UsageError("--config needs a file");
  return options;
}

// `plugins`: the config's plugin dirs when it loads, else the defaults (the listing must work
// on a machine whose production secrets are not set).
int listPlugins(const Options& options) {
  std::vector<std::string> dirs;
  try {
    dirs = vo::core::pluginSearchDirs(vo::core::loadConfigFile(options.configFile));
  } catch (const vo::api::ConfigError& e) {
    if (options.configGiven) throw;
    dirs = vo::core::defaultPluginDirs();
  }
  std::cout << "plugin directories:";
  for (const auto& dir : dirs) std::cout << " " << dir;
  std::cout << "\n";
  int refused = 0;
  for (const auto& plugin : vo::core::listPlugins(dirs)) {
    if (plugin.problem.empty()) {
      std::printf("%-10s %-12s api %-3d %-40s %s\n", plugin.kind.c_str(), plugin.name.c_str(),
                  plugin.apiVersion, plugin.buildId.c_str(), plugin.file.c_str());
    } else {
      std::printf("%-10s %-12s REFUSED: %s\n", plugin.kind.c_str(), plugin.name.c_str(),
                  plugin.problem.c_str());
      ++refused;
    }
  }
  std::fflush(stdout);
  return refused == 0 ? kOk : kFailure;
}

int run(const Options& options) {
  if (options.command == "plugins") return listPlugins(options);
  vo::core::AppConfig config = vo::core::loadConfigFile(options.configFile);
  // Declared before the application: outlives the application that updates it.
  vo::core::Metrics metrics(static_cast<std::size_t>(config.metrics.maxLabelSets));
  vo::core::Application application(std::move(config), metrics);
  if (options.command == "migrate") return application.migrate(std::cout);
  if (options.command == "check-config") return application.checkConfig(std::cout);
  return application.serve();
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists, so every thread inherits the mask and serve() can sigwait.
  vo::core::blockShutdownSignals();
  Options options;
  try {
    options = parseArguments(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "usage error: " << e.what() << "\n\n" << kUsage;
    return kBadUsage;
  }
  if (options.help) {
    std::cout << kUsage;
    return kOk;
  }
  if (options.version) {
    std::cout << "voice-orchestrator " << vo::core::kVersion << "\n";
    return kOk;
  }
  try {
    return run(options);
  } catch (const vo::api::ConfigError& e) {
    std::cerr << "config error: " << e.what() << std::endl;
    return kBadUsage;
  } catch (const vo::core::PluginLoadError& e) {
    std::cerr << "config error: " << e.what() << std::endl;
    return kBadUsage;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return kFailure;
  }
}
