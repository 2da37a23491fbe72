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

// A call's columns as calls_with_state reads them, in the order of rowToCall().
inline constexpr std::string_view kCallColumns =
    "id, workspace_id, agent_id, agent_phone_number_id, campaign_id, to_number, from_number, "
    "variables_json, status, lane, attempts, max_attempts, provider_call_id, provider_data_json, "
    "last_error, duration_secs, end_reason, created_at_ms, created_day, updated_at_ms, "
    "next_attempt_at_ms, timezone";
inline constexpr int kCallColumnCount = 22;

// What never changes after a call is accepted: the calls table, in the order of recordParams().
inline constexpr std::string_view kCallRecordColumns =
    "id, workspace_id, agent_id, agent_phone_number_id, campaign_id, to_number, from_number, "
    "variables_json, lane, max_attempts, created_at_ms, created_day, timezone";
inline constexpr int kCallRecordColumnCount = 13;
// What changes along the call's life: the call_states table, in the order of stateParams().
inline constexpr std::string_view kCallStateColumns =
    "id, status, attempts, provider_call_id, provider_data_json, last_error, duration_secs, "
    "end_reason, updated_at_ms, next_attempt_at_ms";
inline constexpr int kCallStateColumnCount = 10;
// kCallColumns of calls joined as `c` with call_states (or rows returned from it) as `s`.
inline constexpr std::string_view kJoinedCallColumns =
    "c.id, c.workspace_id, c.agent_id, c.agent_phone_number_id, c.campaign_id, c.to_number, "
    "c.from_number, c.variables_json, s.status, c.lane, s.attempts, c.max_attempts, "
    "s.provider_call_id, s.provider_data_json, s.last_error, s.duration_secs, s.end_reason, "
    "c.created_at_ms, c.created_day, s.updated_at_ms, s.next_attempt_at_ms, c.timezone";

// The UTC date "YYYY-MM-DD" of a Unix time in milliseconds.
std::string dayOf(int64_t unixMs);
// Days since 1970-01-01 of a "YYYY-MM-DD" date; nullopt when it is not a valid date.
std::optional<int64_t> dayNumber(std::string_view day);
// "YYYY-MM-DD" of a day number.
std::string dayText(int64_t dayNumber);

SqlParams recordParams(const vo::api::Call& call);
SqlParams stateParams(const vo::api::Call& call);
// The call of a row of kCallColumns; its text is moved out of the row.
vo::api::Call rowToCall(SqlRow&& row);
std::vector<vo::api::Call> rowsToCalls(std::vector<SqlRow>&& rows);
// "SELECT <every call column> FROM calls_with_state"
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
