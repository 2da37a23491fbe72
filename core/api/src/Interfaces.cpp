// Out-of-line virtual destructors: each interface's vtable and type info live here, in
// libvo_api.so, so host and plugins agree on them.
#include "vo/api/CallEventSink.h"
#include "vo/api/CallQueue.h"
#include "vo/api/CallStore.h"
#include "vo/api/PluginContext.h"
#include "vo/api/RetentionPolicy.h"
#include "vo/api/VoiceProvider.h"
#include "vo/api/WebhookStore.h"

namespace vo::api {

CallStore::~CallStore() = default;
CallQueue::~CallQueue() = default;
VoiceProvider::~VoiceProvider() = default;
RetentionPolicy::~RetentionPolicy() = default;
CallEventSink::~CallEventSink() = default;
PluginContext::~PluginContext() = default;
WebhookStore::~WebhookStore() = default;

}  // namespace vo::api
