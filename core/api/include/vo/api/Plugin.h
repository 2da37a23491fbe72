#pragma once

#include <cstddef>
#include <cstring>
#include <exception>
#include <memory>

#include "vo/api/PluginContext.h"
#include "vo/api/Version.h"

// The C boundary between the host and a plugin. A plugin exports exactly one symbol,
// vo_plugin_descriptor, returning a static descriptor. Nothing throws across it: create()
// reports failure by returning nullptr and writing a message into `error`.
extern "C" {
struct VoPluginDescriptor {
  int apiVersion;       // vo::api::kApiVersion the plugin was built against
  const char* kind;     // "provider" | "queue" | "store" | "retention"
  const char* name;     // "sqlite", "redis", "elevenlabs", ...
  const char* buildId;  // VO_BUILD_ID of the plugin's build
  // Returns the interface pointer (CallStore*, CallQueue*, ... as `kind` says) or nullptr.
  void* (*create)(const vo::api::PluginContext* context, char* error, std::size_t errorSize);
  void (*destroy)(void* instance);
};
typedef const VoPluginDescriptor* (*VoPluginEntryPoint)();
}

#define VO_PLUGIN_ENTRY_SYMBOL "vo_plugin_descriptor"

namespace vo::api::detail {

template <typename Interface>
using PluginFactory = std::unique_ptr<Interface> (*)(const PluginContext&);

inline void copyError(const char* message, char* error, std::size_t errorSize) {
  if (error == nullptr || errorSize == 0) return;
  std::strncpy(error, message, errorSize - 1);
  error[errorSize - 1] = '\0';
}

template <typename Interface, PluginFactory<Interface> Factory>
void* createPlugin(const PluginContext* context, char* error, std::size_t errorSize) {
  try {
    Interface* instance = Factory(*context).release();
    if (instance == nullptr) copyError("the plugin's factory returned nothing", error, errorSize);
    return instance;
  } catch (const std::exception& e) {
    copyError(e.what(), error, errorSize);
  } catch (...) {
    copyError("unknown exception", error, errorSize);
  }
  return nullptr;
}

template <typename Interface>
void destroyPlugin(void* instance) {
  delete static_cast<Interface*>(instance);
}

}  // namespace vo::api::detail

// Declares the plugin's descriptor. Use once per plugin, in its descriptor source file:
//   VO_PLUGIN(vo::api::CallStore, "sqlite", &createSqliteStore)
// where createSqliteStore is std::unique_ptr<CallStore>(const vo::api::PluginContext&). The
// factory may throw on bad configuration; the message reaches the operator.
#define VO_PLUGIN(Interface, pluginName, factory)                             \
  extern "C" __attribute__((visibility("default"))) const VoPluginDescriptor* \
  vo_plugin_descriptor() {                                                    \
    static const VoPluginDescriptor descriptor{                               \
        ::vo::api::kApiVersion,                                               \
        Interface::kKind,                                                     \
        pluginName,                                                           \
        VO_BUILD_ID,                                                          \
        &::vo::api::detail::createPlugin<Interface, factory>,                 \
        &::vo::api::detail::destroyPlugin<Interface>};                        \
    return &descriptor;                                                       \
  }
