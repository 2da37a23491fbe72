#include "vo/core/PluginHost.h"

#include <Poco/Exception.h>
#include <Poco/SharedLibrary.h>

#include <algorithm>
#include <filesystem>

#include "plugins/HostPluginContext.h"
#include "support/ExecutableDir.h"
#include "vo/api/Plugin.h"

namespace vo::core {

namespace {

namespace fs = std::filesystem;

constexpr const char* kBuildId = VO_BUILD_ID;

struct OpenedPlugin {
  std::unique_ptr<Poco::SharedLibrary> library;
  const VoPluginDescriptor* descriptor = nullptr;
};

std::string fileName(const std::string& kind, const std::string& name) {
  return "vo-" + kind + "-" + name + ".so";
}

// Opens the library (RTLD_LOCAL: a plugin's symbols never satisfy another's) and reads its
// descriptor without trusting anything in it yet.
OpenedPlugin openPlugin(const std::string& file) {
  OpenedPlugin opened;
  opened.library = std::make_unique<Poco::SharedLibrary>();
  try {
    opened.library->load(file, Poco::SharedLibrary::SHLIB_LOCAL);
  } catch (const Poco::Exception& e) {
    throw PluginLoadError(file + ": cannot be opened: " + e.message());
  }
  if (!opened.library->hasSymbol(VO_PLUGIN_ENTRY_SYMBOL)) {
    throw PluginLoadError(file + ": not a voice-orchestrator plugin (it exports no " +
                          VO_PLUGIN_ENTRY_SYMBOL + " symbol)");
  }
  auto entry =
      reinterpret_cast<VoPluginEntryPoint>(opened.library->getSymbol(VO_PLUGIN_ENTRY_SYMBOL));
  opened.descriptor = entry();
  if (opened.descriptor == nullptr) {
    throw PluginLoadError(file + ": " + VO_PLUGIN_ENTRY_SYMBOL + " returned no descriptor");
  }
  return opened;
}

// The version is checked before any other field is read: another version may lay the
// descriptor out differently.
void checkDescriptor(const std::string& file, const VoPluginDescriptor& descriptor,
                     const std::string& kind, const std::string& name) {
  if (descriptor.apiVersion != api::kApiVersion) {
    throw PluginLoadError(file + ": plugin API version mismatch: expected " +
                          std::to_string(api::kApiVersion) + ", found " +
                          std::to_string(descriptor.apiVersion) +
                          " (rebuild the plugin against this voice-orchestrator)");
  }
  const std::string foundKind = descriptor.kind != nullptr ? descriptor.kind : "";
  const std::string foundName = descriptor.name != nullptr ? descriptor.name : "";
  if (foundKind != kind) {
    throw PluginLoadError(file + ": is a '" + foundKind + "' plugin, expected a '" + kind +
                          "' plugin");
  }
  if (foundName != name) {
    throw PluginLoadError(file + ": is named '" + foundName + "', expected '" + name + "'");
  }
  const std::string foundBuild = descriptor.buildId != nullptr ? descriptor.buildId : "";
  if (foundBuild != kBuildId) {
    throw PluginLoadError(file + ": built with '" + foundBuild +
                          "', this voice-orchestrator with '" + kBuildId +
                          "' (rebuild the plugin with the same compiler and libraries)");
  }
  if (descriptor.create == nullptr || descriptor.destroy == nullptr) {
    throw PluginLoadError(file + ": its descriptor lacks create or destroy");
  }
}

// The plugin's own words when they already name a key ("plugins.queue.config.url: ..."),
// otherwise prefixed with the plugin they come from.
std::string createFailure(const std::string& kind, const std::string& name,
                          const std::string& message) {
  const std::string prefix = "plugins." + kind;
  if (message.rfind(prefix, 0) == 0) return message;
  return prefix + " (" + name + "): " + (message.empty() ? "could not be created" : message);
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text.empty() ? "(no plugin directories)" : text;
}

}  // namespace

struct PluginHost::State {
  struct Instance {
    PluginInfo info;
    const VoPluginDescriptor* descriptor = nullptr;
    void* object = nullptr;
    std::unique_ptr<HostPluginContext> context;
  };
  std::vector<std::string> searchDirs;
  std::vector<Instance> instances;
  std::vector<std::unique_ptr<Poco::SharedLibrary>> libraries;  // never unloaded
};

PluginHost::PluginHost(std::vector<std::string> searchDirs) : state_(std::make_unique<State>()) {
  state_->searchDirs = std::move(searchDirs);
}

PluginHost::~PluginHost() {
  destroyAll();
}

const std::vector<std::string>& PluginHost::searchDirs() const {
  return state_->searchDirs;
}

std::string PluginHost::find(const std::string& kind, const std::string& name) const {
  const std::string wanted = fileName(kind, name);
  for (const auto& dir : state_->searchDirs) {
    const fs::path candidate = fs::path(dir) / wanted;
    std::error_code error;
    if (fs::is_regular_file(candidate, error)) return fs::absolute(candidate, error).string();
  }
  throw PluginLoadError("plugins." + kind + ": no " + wanted + " in " + joined(state_->searchDirs));
}

void* PluginHost::createInstance(const std::string& kind, const PluginSelection& selection,
                                 const PluginServices& services) {
  const std::string file = find(kind, selection.name);
  OpenedPlugin opened = openPlugin(file);
  checkDescriptor(file, *opened.descriptor, kind, selection.name);
  auto context = std::make_unique<HostPluginContext>(kind + "." + selection.name, selection.config,
                                                     services.events, services.store);
  char error[2048] = {};
  void* object = opened.descriptor->create(context.get(), error, sizeof error);
  state_->libraries.push_back(std::move(opened.library));
  if (object == nullptr) throw PluginLoadError(createFailure(kind, selection.name, error));
  State::Instance instance;
  instance.info = PluginInfo{
      kind, selection.name, file, opened.descriptor->apiVersion, opened.descriptor->buildId, ""};
  instance.descriptor = opened.descriptor;
  instance.object = object;
  instance.context = std::move(context);
  state_->instances.push_back(std::move(instance));
  return object;
}

void PluginHost::destroyAll() {
  while (!state_->instances.empty()) {
    State::Instance& newest = state_->instances.back();
    newest.descriptor->destroy(newest.object);
    state_->instances.pop_back();
  }
}

std::vector<PluginInfo> PluginHost::created() const {
  std::vector<PluginInfo> infos;
  for (const auto& instance : state_->instances) infos.push_back(instance.info);
  return infos;
}

std::vector<std::string> defaultPluginDirs() {
  const fs::path bin = executableDir();
  return {(bin / ".." / "plugins").lexically_normal().string(),
          (bin / ".." / "lib" / "voice-orchestrator" / "plugins").lexically_normal().string()};
}

std::vector<PluginInfo> listPlugins(const std::vector<std::string>& dirs) {
  std::vector<PluginInfo> listing;
  for (const auto& dir : dirs) {
    std::error_code error;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, error)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("vo-", 0) == 0 && name.size() > 6 && name.ends_with(".so")) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      PluginInfo info;
      info.file = fs::absolute(path, error).string();
      // vo-<kind>-<name>.so: kinds have no '-', names may.
      const std::string stem =
          path.filename().string().substr(3, path.filename().string().size() - 6);
      const auto dash = stem.find('-');
      const std::string kind = stem.substr(0, dash);
      const std::string name = dash == std::string::npos ? "" : stem.substr(dash + 1);
      try {
        OpenedPlugin opened = openPlugin(info.file);
        const VoPluginDescriptor& descriptor = *opened.descriptor;
        info.apiVersion = descriptor.apiVersion;
        checkDescriptor(info.file, descriptor, kind, name);
        info.kind = descriptor.kind;
        info.name = descriptor.name;
        info.buildId = descriptor.buildId;
      } catch (const PluginLoadError& e) {
        info.kind = kind;
        info.name = name;
        info.problem = e.what();
      }
      listing.push_back(std::move(info));
    }
  }
  return listing;
}

}  // namespace vo::core
