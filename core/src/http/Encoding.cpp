#include "http/Encoding.h"

#include "http/IsoTime.h"

namespace vo::core::http {

namespace {

void writeCallFields(JsonWriter& writer, const api::Call& call) {
  writer.key("id").string(call.id);
  writer.key("workspaceId").string(call.workspaceId);
  writer.key("agentId").string(call.agentId);
  writer.key("agentPhoneNumberId").string(call.agentPhoneNumberId);
  writer.key("campaignId").stringOrNull(call.campaignId);
  writer.key("to").string(call.to);
  writer.key("from").stringOrNull(call.from);
  writer.key("timezone").stringOrNull(call.timezone);
  writer.key("variables").raw(call.variablesJson.empty() ? "{}" : call.variablesJson);
  writer.key("status").string(api::toString(call.status));
  writer.key("lane").string(api::toString(call.lane));
  writer.key("attempts").integer(call.attempts);
  writer.key("providerCallId").stringOrNull(call.providerCallId);
  writer.key("createdAt").string(formatIsoMs(call.createdAtMs));
  writer.key("updatedAt").string(formatIsoMs(call.updatedAtMs));
  if (call.durationSecs) writer.key("durationSecs").integer(*call.durationSecs);
  if (!call.endReason.empty()) writer.key("endReason").string(call.endReason);
  if (!call.lastError.empty()) writer.key("lastError").string(call.lastError);
}

void writePacing(JsonWriter& writer, const api::PacingSettings& pacing) {
  writer.key("maxConcurrentCalls").integer(pacing.maxConcurrentCalls);
  writer.key("callsPerSecond").number(pacing.callsPerSecond);
}

}  // namespace

void writeCall(JsonWriter& writer, const api::Call& call) {
  writer.beginObject();
  writeCallFields(writer, call);
  writer.endObject();
}

void writeCallWithAttempts(JsonWriter& writer, const api::Call& call,
                           const std::vector<api::CallAttempt>& attempts) {
  writer.beginObject();
  writeCallFields(writer, call);
  // `attempts` stays the count every call carries; the dial history sits beside it.
  writer.key("attemptHistory").beginArray();
  for (const auto& attempt : attempts) {
    writer.beginObject();
    writer.key("number").integer(attempt.number);
    writer.key("startedAt").string(formatIsoMs(attempt.startedAtMs));
    writer.key("outcome").string(attempt.outcome);
    writer.key("providerCallId").stringOrNull(attempt.providerCallId);
    writer.key("error").stringOrNull(attempt.error);
    writer.endObject();
  }
  writer.endArray();
  writer.endObject();
}

void writeStatusCounts(JsonWriter& writer, const api::StatusCounts& counts) {
  writer.beginObject();
  for (const auto& [status, count] : counts) writer.key(api::toString(status)).integer(count);
  writer.endObject();
}

void writeCampaign(JsonWriter& writer, const api::Campaign& campaign,
                   const api::StatusCounts& progress) {
  int64_t total = 0;
  int64_t finished = 0;
  for (const auto& [status, count] : progress) {
    total += count;
    if (api::isFinal(status)) finished += count;
  }
  writer.beginObject();
  writer.key("id").string(campaign.id);
  writer.key("workspaceId").string(campaign.workspaceId);
  writer.key("agentId").string(campaign.agentId);
  writer.key("agentPhoneNumberId").string(campaign.agentPhoneNumberId);
  writer.key("name").stringOrNull(campaign.name);
  writer.key("status").string(api::toString(campaign.status));
  writer.key("totalCalls").integer(campaign.totalCalls);
  writer.key("total").integer(total);
  writer.key("finished").integer(finished);
  writer.key("byStatus");
  writeStatusCounts(writer, progress);
  writer.key("createdAt").string(formatIsoMs(campaign.createdAtMs));
  writer.key("updatedAt").string(formatIsoMs(campaign.updatedAtMs));
  writer.endObject();
}

void writeWorkspace(JsonWriter& writer, const api::Workspace& workspace) {
  writer.beginObject();
  writer.key("id").string(workspace.id);
  writer.key("name").string(workspace.name);
  writer.key("hasProviderApiKey").boolean(!workspace.providerApiKey.empty());
  writer.key("hasProviderWebhookSecret").boolean(!workspace.providerWebhookSecret.empty());
  writer.key("timezone").stringOrNull(workspace.timezone);
  writePacing(writer, workspace.pacing);
  writer.key("createdAt").string(formatIsoMs(workspace.createdAtMs));
  writer.endObject();
}

void writeAgent(JsonWriter& writer, const api::Agent& agent) {
  writer.beginObject();
  writer.key("id").string(agent.id);
  writer.key("workspaceId").string(agent.workspaceId);
  writer.key("name").string(agent.name);
  writePacing(writer, agent.pacing);
  writer.key("sharedAcrossWorkspaces").boolean(agent.sharedAcrossWorkspaces);
  writer.key("createdAt").string(formatIsoMs(agent.createdAtMs));
  writer.endObject();
}

void writePhoneNumber(JsonWriter& writer, const api::PhoneNumber& phoneNumber) {
  writer.beginObject();
  writer.key("id").string(phoneNumber.id);
  writer.key("workspaceId").string(phoneNumber.workspaceId);
  writer.key("number").string(phoneNumber.number);
  writer.key("provider").string(phoneNumber.provider);
  writePacing(writer, phoneNumber.pacing);
  writer.key("sharedAcrossWorkspaces").boolean(phoneNumber.sharedAcrossWorkspaces);
  writer.key("createdAt").string(formatIsoMs(phoneNumber.createdAtMs));
  writer.endObject();
}

void writeApiKey(JsonWriter& writer, const api::ApiKeyRecord& key,
                 std::optional<std::string_view> shownKey) {
  const auto timeOrNull = [](int64_t ms) { return ms > 0 ? formatIsoMs(ms) : std::string(); };
  writer.beginObject().key("id").string(key.id).key("workspaceId").string(key.workspaceId);
  if (shownKey) writer.key("key").stringOrNull(*shownKey);
  writer.key("prefix").stringOrNull(key.prefix);
  writer.key("createdAt").string(formatIsoMs(key.createdAtMs));
  writer.key("expiresAt").stringOrNull(timeOrNull(key.expiresAtMs));
  writer.key("revokedAt").stringOrNull(timeOrNull(key.revokedAtMs)).endObject();
}

void writeReport(JsonWriter& writer, const api::Report& report) {
  writer.beginObject().key("rows").beginArray();
  for (const auto& row : report.rows) {
    writer.beginObject();
    writer.key("day").string(row.day);
    writer.key("workspaceId").string(row.workspaceId);
    writer.key("agentId").string(row.agentId);
    writer.key("total").integer(row.total);
    writer.key("byStatus");
    writeStatusCounts(writer, row.byStatus);
    writer.key("durationSecs").integer(row.durationSecs);
    writer.endObject();
  }
  writer.endArray().key("totals").beginObject();
  writer.key("total").integer(report.total);
  writer.key("byStatus");
  writeStatusCounts(writer, report.byStatus);
  writer.key("durationSecs").integer(report.durationSecs);
  writer.endObject().endObject();
}

std::string callJson(const api::Call& call) {
  std::string out;
  JsonWriter writer(out);
  writeCall(writer, call);
  return out;
}

}  // namespace vo::core::http
