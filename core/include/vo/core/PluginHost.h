#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "vo/core/AppConfig.h"

namespace vo::api {
class CallEventSink;
class CallStore;
}  // namespace vo::api

namespace vo::core {

// A plugin that cannot be found, opened, trusted or created. Start-up time only; the message
// is one line naming the file (or the dirs searched) and the problem.
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a plugin may reach through its PluginContext besides its config and logger.
struct PluginServices {
  api::CallEventSink& events;
  api::CallStore* store = nullptr;  // for plugins created after the store
};

// A created plugin, for start-up logs and the `plugins` subcommand.
struct PluginInfo {
  std::string kind;
  std::string name;
  std::string file;
  int apiVersion = 0;
  std::string buildId;
  std::string problem;  // listPlugins(): why the file cannot be used; "" when it can
};

// Finds vo-<kind>-<name>.so in its search dirs, opens it RTLD_LOCAL with Poco::SharedLibrary,
// checks its descriptor (API version, kind, name, build id) and creates instances through it.
// Owns the instances and destroys them newest first; never unloads a library (objects and
// code of a plugin may outlive its instance in other threads' stacks, and dlclose buys
// nothing in a process that loads each plugin once).
class PluginHost {
 public:
  explicit PluginHost(std::vector<std::string> searchDirs);
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Creates plugins.<Interface::kKind> as selected. Throws PluginLoadError.
  template <typename Interface>
  Interface& create(const PluginSelection& selection, const PluginServices& services) {
    return *static_cast<Interface*>(createInstance(Interface::kKind, selection, services));
  }

  // The path of vo-<kind>-<name>.so in the first dir holding it. Throws PluginLoadError
  // listing the dirs searched.
  std::string find(const std::string& kind, const std::string& name) const;
  // Destroys every instance, newest first. Also done by the destructor.
  void destroyAll();

  const std::vector<std::string>& searchDirs() const;
  std::vector<PluginInfo> created() const;  // in creation order

 private:
  void* createInstance(const std::string& kind, const PluginSelection& selection,
                       const PluginServices& services);
  struct State;
  std::unique_ptr<State> state_;
};

// <exe dir>/../plugins, then <exe dir>/../lib/voice-orchestrator/plugins.
std::vector<std::string> defaultPluginDirs();

// Every vo-*.so in `dirs`, opened and described; a file that cannot be used says why in
// `problem`. For the `plugins` subcommand.
std::vector<PluginInfo> listPlugins(const std::vector<std::string>& dirs);

}  // namespace vo::core
