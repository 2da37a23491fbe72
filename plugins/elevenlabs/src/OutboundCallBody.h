#pragma once

#include <string>

#include "vo/api/Call.h"
#include "vo/api/Result.h"

namespace vo::elevenlabs {

// The dynamic variable that carries our call id to ElevenLabs and back in the conversation's
// conversation_initiation_client_data (post-call webhooks, GET conversation): a webhook then
// names its call even when it arrives before the dial's own record of the conversation id.
// An operator's variable of that name is replaced.
inline constexpr const char* kCallIdVariable = "vo_call_id";

// The outbound-call request body (twilio and sip-trunk take the same one):
// {"agent_id","agent_phone_number_id","to_number",
//  "conversation_initiation_client_data":{"dynamic_variables":{...}}}, the variables as the
// operator gave them plus kCallIdVariable. kInvalid when the variables are not a JSON object.
vo::api::Result<std::string> outboundCallBody(const vo::api::Call& call);

}  // namespace vo::elevenlabs
