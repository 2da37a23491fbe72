#include "vo/api/Plugin.h"

#include "vo/simulator/Simulator.h"

namespace {

std::unique_ptr<vo::api::VoiceProvider> createSimulator(const vo::api::PluginContext& context) {
  const auto config =
      vo::simulator::parseSimulatorConfig(context.config(), "plugins.provider.config");
  return vo::simulator::makeSimulator(config, context.events());
}

}  // namespace

VO_PLUGIN(vo::api::VoiceProvider, "simulator", &createSimulator)
