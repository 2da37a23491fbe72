#include "vo/sql/CallColumns.h"

#include <chrono>
#include <cstdio>

namespace vo::sql {

std::string dayOf(int64_t unixMs) {
  using namespace std::chrono;
  const sys_days days = floor<std::chrono::days>(sys_time<milliseconds>(milliseconds(unixMs)));
  return dayText(days.time_since_epoch().count());
}

std::optional<int64_t> dayNumber(std::string_view day) {
  using namespace std::chrono;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  char tail = 0;
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return std::nullopt;
  const std::string text(day);
  if (std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) return std::nullopt;
  const year_month_day date{year(y), month(m), std::chrono::day(d)};
  if (!date.ok()) return std::nullopt;
  return sys_days(date).time_since_epoch().count();
}

std::string dayText(int64_t dayNumber) {
  using namespace std::chrono;
  const year_month_day date{sys_days(days(dayNumber))};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

SqlParams recordParams(const vo::api::Call& call) {
  return {call.id,
          call.workspaceId,
          call.agentId,
          call.agentPhoneNumberId,
          textOrNull(call.campaignId),
          call.to,
          call.from,
          call.variablesJson,
          std::string(toString(call.lane)),
          int64_t{call.maxAttempts},
          call.createdAtMs,
          dayOf(call.createdAtMs),
          call.timezone};
}

SqlParams stateParams(const vo::api::Call& call) {
  SqlValue duration = nullptr;
  if (call.durationSecs) duration = *call.durationSecs;
  return {call.id,
          std::string(toString(call.status)),
          int64_t{call.attempts},
          textOrNull(call.providerCallId),
          call.providerDataJson,
          call.lastError,
          duration,
          call.endReason,
          call.updatedAtMs,
          call.nextAttemptAtMs};
}

vo::api::CallStatus statusOf(const SqlField& field) {
  const std::string* text = field.text();
  const auto status = text ? vo::api::parseCallStatus(*text) : std::nullopt;
  return status.value_or(vo::api::CallStatus::kUnknown);
}

vo::api::Call rowToCall(SqlRow&& row) {
  vo::api::Call call;
  call.id = textOf(std::move(row[0]));
  call.workspaceId = textOf(std::move(row[1]));
  call.agentId = textOf(std::move(row[2]));
  call.agentPhoneNumberId = textOf(std::move(row[3]));
  call.campaignId = textOf(std::move(row[4]));
  call.to = textOf(std::move(row[5]));
  call.from = textOf(std::move(row[6]));
  call.variablesJson = textOf(std::move(row[7]));
  call.status = statusOf(row[8]);
  const std::string* lane = row[9].text();
  call.lane = lane && *lane == "priority" ? vo::api::Lane::kPriority : vo::api::Lane::kBulk;
  call.attempts = static_cast<int>(intOf(row[10]));
  call.maxAttempts = static_cast<int>(intOf(row[11]));
  call.providerCallId = textOf(std::move(row[12]));
  call.providerDataJson = textOf(std::move(row[13]));
  call.lastError = textOf(std::move(row[14]));
  if (!row[15].isEmpty()) call.durationSecs = intOf(row[15]);
  call.endReason = textOf(std::move(row[16]));
  call.createdAtMs = intOf(row[17]);
  // row[18] is created_day, derived from createdAtMs.
  call.updatedAtMs = intOf(row[19]);
  call.nextAttemptAtMs = intOf(row[20]);
  call.timezone = textOf(std::move(row[21]));
  return call;
}

std::vector<vo::api::Call> rowsToCalls(std::vector<SqlRow>&& rows) {
  std::vector<vo::api::Call> calls;
  calls.reserve(rows.size());
  for (SqlRow& row : rows) calls.push_back(rowToCall(std::move(row)));
  return calls;
}

const std::string& selectCalls() {
  static const std::string sql = "SELECT " + std::string(kCallColumns) + " FROM calls_with_state";
  return sql;
}

std::vector<std::string> statusTexts(std::span<const vo::api::CallStatus> statuses) {
  std::vector<std::string> texts;
  texts.reserve(statuses.size());
  for (vo::api::CallStatus status : statuses) texts.emplace_back(toString(status));
  return texts;
}

vo::api::CampaignStatus parseCampaignStatus(std::string_view text) {
  using vo::api::CampaignStatus;
  for (CampaignStatus status : {CampaignStatus::kActive, CampaignStatus::kPaused,
                                CampaignStatus::kCanceled, CampaignStatus::kCompleted}) {
    if (toString(status) == text) return status;
  }
  return CampaignStatus::kActive;
}

vo::api::Campaign rowToCampaign(const SqlRow& row) {
  vo::api::Campaign campaign;
  campaign.id = textOf(row[0]);
  campaign.workspaceId = textOf(row[1]);
  campaign.agentId = textOf(row[2]);
  campaign.agentPhoneNumberId = textOf(row[3]);
  campaign.name = textOf(row[4]);
  campaign.status = parseCampaignStatus(textOf(row[5]));
  campaign.totalCalls = intOf(row[6]);
  campaign.createdAtMs = intOf(row[7]);
  campaign.updatedAtMs = intOf(row[8]);
  return campaign;
}

}  // namespace vo::sql
