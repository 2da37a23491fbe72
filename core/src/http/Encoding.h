#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/JsonWriter.h"
#include "vo/api/Call.h"
#include "vo/api/Campaign.h"
#include "vo/api/Report.h"
#include "vo/api/Tenant.h"

namespace vo::core::http {

// The API's JSON shapes (camelCase, ISO-8601 UTC times with milliseconds).
void writeCall(JsonWriter& writer, const api::Call& call);
void writeCallWithAttempts(JsonWriter& writer, const api::Call& call,
                           const std::vector<api::CallAttempt>& attempts);
void writeStatusCounts(JsonWriter& writer, const api::StatusCounts& counts);
void writeCampaign(JsonWriter& writer, const api::Campaign& campaign,
                   const api::StatusCounts& progress);
void writeWorkspace(JsonWriter& writer, const api::Workspace& workspace);
void writeAgent(JsonWriter& writer, const api::Agent& agent);
void writePhoneNumber(JsonWriter& writer, const api::PhoneNumber& phoneNumber);
// A key's record, never the key: id, workspaceId, prefix, createdAt, expiresAt, revokedAt.
// With `shownKey`, the answer to its creation: the key itself once ("" writes null, for replays).
void writeApiKey(JsonWriter& writer, const api::ApiKeyRecord& key,
                 std::optional<std::string_view> shownKey = std::nullopt);
void writeReport(JsonWriter& writer, const api::Report& report);

std::string callJson(const api::Call& call);

}  // namespace vo::core::http
