#include "vo/api/Plugin.h"

#include "vo/api/PluginContext.h"
#include "vo/api/VoiceProvider.h"
#include "vo/elevenlabs/ElevenLabsProvider.h"

namespace {

std::unique_ptr<vo::api::VoiceProvider> createElevenLabs(const vo::api::PluginContext& context) {
  const auto settings =
      vo::elevenlabs::parseElevenLabsSettings(context.config(), "plugins.provider.config");
  return vo::elevenlabs::makeElevenLabsProvider(settings, context.logger());
}

}  // namespace

VO_PLUGIN(vo::api::VoiceProvider, "elevenlabs", &createElevenLabs)
