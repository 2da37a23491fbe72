#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "FakeRegistry.h"

namespace vo::fake_elevenlabs {

// A conversation as GET /v1/convai/conversations/{id} answers it at `nowSteadyMs` (also a
// post_call_transcription webhook's data): every field the SDK's GetConversationResponseModel
// requires, metadata.phone_call in its twilio or sip_trunking variant.
std::string conversationJson(const Conversation& conversation, int64_t reportedDurationSecs,
                             int64_t nowSteadyMs);
// A page of GET /v1/convai/conversations: {"conversations":[summary...],"has_more",
// "next_cursor"} (next_cursor null on the last page).
std::string conversationListJson(const ConversationListPage& page,
                                 const std::optional<std::string>& nextCursor,
                                 int64_t reportedDurationSecs, int64_t nowSteadyMs);
// The post-call webhook body for an ended conversation; empty for kSilent.
std::string webhookBody(const Conversation& conversation, int64_t reportedDurationSecs,
                        int64_t nowSecs, std::string& eventType);

}  // namespace vo::fake_elevenlabs
