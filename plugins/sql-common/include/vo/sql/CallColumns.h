#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vo/api/Call.h"
#include "vo/api/Campaign.h"
#include "vo/api/Tenant.h"
#include "vo/sql/SqlQuery.h"

namespace vo::sql {

// The calls table's columns in the order of callParams() and rowToCall().
inline constexpr std::string_view kCallColumns =
    "id, workspace_id, agent_id, agent_phone_number_id, campaign_id, to_number, from_number, "
    "variables_json, status, lane, attempts, max_attempts, provider_call_id, provider_data_json, "
    "last_error, duration_secs, end_reason, created_at_ms, created_day, updated_at_ms, "
    "next_attempt_at_ms";
inline constexpr int kCallColumnCount = 21;

// The UTC date "YYYY-MM-DD" of a Unix time in milliseconds.
std::string dayOf(int64_t unixMs);
// Days since 1970-01-01 of a "YYYY-MM-DD" date; nullopt when it is not a valid date.
std::optional<int64_t> dayNumber(std::string_view day);
// "YYYY-MM-DD" of a day number.
std::string dayText(int64_t dayNumber);

SqlParams callParams(const vo::api::Call& call);
// The call of a row of kCallColumns; its text is moved out of the row.
vo::api::Call rowToCall(SqlRow&& row);
std::vector<vo::api::Call> rowsToCalls(std::vector<SqlRow>&& rows);
// "SELECT <every call column> FROM calls"
const std::string& selectCalls();
std::vector<std::string> statusTexts(std::span<const vo::api::CallStatus> statuses);

inline constexpr std::string_view kCampaignColumns =
    "id, workspace_id, agent_id, agent_phone_number_id, name, status, total_calls, created_at_ms, "
    "updated_at_ms";
vo::api::Campaign rowToCampaign(const SqlRow& row);
vo::api::CampaignStatus parseCampaignStatus(std::string_view text);

// Parses a status read back from the database; unknown text reads as kUnknown.
vo::api::CallStatus statusOf(const SqlField& field);

}  // namespace vo::sql
