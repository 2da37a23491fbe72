#pragma once

#include <rapidjson/fwd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "vo/api/CallEvent.h"
#include "vo/api/Result.h"

namespace vo::elevenlabs {

struct ConversationState {
  bool final = false;  // done or failed; otherwise still initiated, in-progress or processing
  vo::api::CallEvent event;
};

// Our call id, when the conversation carries the dynamic variable the dial put there; "" else.
std::string callIdOf(const rapidjson::Value& conversation);

// A conversation object, as GET /v1/convai/conversations/{id} answers and as the data of a
// post_call_transcription webhook carries it: status done → completed, failed → failed, with
// metadata.call_duration_secs, metadata.termination_reason and analysis.call_successful kept.
// The event's callId comes from the dial's kCallIdVariable in conversation_initiation_client_data
// when present. `fieldPrefix` names fields in errors ("data."); `missingStatus` stands in for no
// status.
vo::api::Result<ConversationState> conversationState(const rapidjson::Value& conversation,
                                                     const std::string& fieldPrefix,
                                                     const std::string& missingStatus,
                                                     int64_t atMs);

// The events of a (verified) webhook body. post_call_transcription and call_initiation_failure
// yield one event each; other types (post_call_audio, ...) none. kInvalid names the bad field.
vo::api::Result<std::vector<vo::api::CallEvent>> webhookEvents(const std::string& body,
                                                               int64_t nowMs);

}  // namespace vo::elevenlabs
