#pragma once

#include <string>

#include "vo/api/Call.h"
#include "vo/api/Result.h"

namespace vo::elevenlabs {

// The outbound-call request body (twilio and sip-trunk take the same one):
// {"agent_id","agent_phone_number_id","to_number",
//  "conversation_initiation_client_data":{"dynamic_variables":{...}}}, the variables exactly as
// the operator gave them. kInvalid when the call's variables are not a JSON object.
vo::api::Result<std::string> outboundCallBody(const vo::api::Call& call);

}  // namespace vo::elevenlabs
