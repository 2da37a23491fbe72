#include "http/CallWriteRoutes.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

#include "http/BulkRequest.h"
#include "http/Encoding.h"
#include "http/IsoTime.h"
#include "vo/api/CallStore.h"
#include "vo/core/Dispatcher.h"
#include "vo/core/Metrics.h"

namespace vo::core::http {

namespace {

struct CallBase {
  std::string workspaceId;
  std::string agentId;
  std::string agentPhoneNumberId;
  std::string from;
  std::string campaignId;
  api::Lane lane = api::Lane::kBulk;
};

api::Call newCall(ApiContext& context, const CallBase& base, int64_t atMs) {
  api::Call call;
  call.id = context.ids.next();
  call.workspaceId = base.workspaceId;
  call.agentId = base.agentId;
  call.agentPhoneNumberId = base.agentPhoneNumberId;
  call.campaignId = base.campaignId;
  call.from = base.from;
  call.lane = base.lane;
  call.status = api::CallStatus::kQueued;
  call.maxAttempts = context.services.config.dispatcher.maxAttempts;
  call.createdAtMs = atMs;
  call.updatedAtMs = atMs;
  call.nextAttemptAtMs = atMs;
  return call;
}

ApiError unknownReference(const std::string& field, const std::string& reason) {
  return fieldError(422, "unknown_reference", field, reason);
}

// After the dial: 201 once the provider took it, 422 when it refused, 202 while it waits.
ApiResponse priorityAnswer(const api::Call& call) {
  switch (call.status) {
    case api::CallStatus::kInitiated:
    case api::CallStatus::kCompleted:
    case api::CallStatus::kNoAnswer:
    case api::CallStatus::kBusy:
      return jsonResponse(201, callJson(call));
    case api::CallStatus::kFailed: {
      std::string details;
      JsonWriter(details).beginObject().key("call").raw(callJson(call)).endObject();
      return errorResponse(ApiError{422, "provider_rejected",
                                    "the provider refused the call: " + call.lastError,
                                    std::move(details)});
    }
    default:
      return jsonResponse(202, callJson(call));
  }
}

// Marks the calls whose number is on the workspace's or the global do-not-call list as ended
// `suppressed` (endReason "dnc"): stored, counted and reported, never dialed. Returns how many,
// or the store's error (then nothing is written).
api::Result<std::size_t> suppressListed(ApiContext& context, const std::string& workspaceId,
                                        std::span<api::Call> calls) {
  std::vector<std::string> numbers;
  numbers.reserve(calls.size());
  for (const api::Call& call : calls) numbers.push_back(call.to);
  auto listed = context.services.store.dncNumbersAmong(workspaceId, numbers);
  if (!listed) return listed.error();
  if (listed->empty()) return std::size_t{0};
  const std::unordered_set<std::string> doNotCall(listed->begin(), listed->end());
  std::size_t suppressed = 0;
  for (api::Call& call : calls) {
    if (!doNotCall.contains(call.to)) continue;
    call.status = api::CallStatus::kSuppressed;
    call.endReason = std::string(api::kDoNotCallEndReason);
    ++suppressed;
  }
  context.services.metrics.perAgent()
      .row(workspaceId, calls.front().agentId)
      .finished(api::CallStatus::kSuppressed, suppressed);
  return suppressed;
}

// The request's idempotency record completed with `response`.
api::IdempotencyRecord answered(const api::IdempotencyRecord& key, const ApiResponse& response) {
  api::IdempotencyRecord record = key;
  record.httpStatus = response.status;
  record.responseBody = response.body;
  return record;
}

}  // namespace

void CallWriteRoutes::addTo(Router& router) {
  RouteOptions answersWithCalls;
  answersWithCalls.answersWithItsWrite = true;
  router.add(
      "POST", "/calls/priority", [this](const RouteContext& route) { return priority(route); },
      answersWithCalls);
  router.add(
      "POST", "/calls/bulk", [this](const RouteContext& route) { return bulk(route); },
      answersWithCalls);
}

std::optional<ApiError> CallWriteRoutes::checkReferences(const std::string& workspaceId,
                                                         const std::string& agentId,
                                                         const std::string& phoneNumberId) {
  if (knownReferences_.contains(workspaceId, agentId, phoneNumberId)) return std::nullopt;
  api::CallStore& store = context_.services.store;
  auto workspace = store.getWorkspace(workspaceId);
  if (!workspace) {
    if (workspace.error().code != api::ErrorCode::kNotFound) {
      return dependencyError(workspace.error(), "workspace");
    }
    return unknownReference("workspaceId", "no workspace '" + workspaceId + "'");
  }
  auto agent = store.getAgent(workspaceId, agentId);
  if (!agent) {
    if (agent.error().code != api::ErrorCode::kNotFound) {
      return dependencyError(agent.error(), "agent");
    }
    return unknownReference("agentId",
                            "no agent '" + agentId + "' in workspace '" + workspaceId + "'");
  }
  auto phone = store.getPhoneNumber(workspaceId, phoneNumberId);
  if (!phone) {
    if (phone.error().code != api::ErrorCode::kNotFound) {
      return dependencyError(phone.error(), "phone number");
    }
    return unknownReference("agentPhoneNumberId", "no phone number '" + phoneNumberId +
                                                      "' in workspace '" + workspaceId + "'");
  }
  knownReferences_.add(workspaceId, agentId, phoneNumberId);
  return std::nullopt;
}

std::optional<ApiError> CallWriteRoutes::applyDefaultZone(const std::string& workspaceId,
                                                          std::span<std::string* const> zones) {
  if (std::none_of(zones.begin(), zones.end(),
                   [](const std::string* zone) { return zone->empty(); })) {
    return std::nullopt;
  }
  auto workspace = context_.services.store.getWorkspace(workspaceId);
  if (!workspace) return dependencyError(workspace.error(), "workspace '" + workspaceId + "'");
  for (std::string* zone : zones) {
    if (zone->empty()) *zone = workspace->timezone;
  }
  return std::nullopt;
}

ApiResponse CallWriteRoutes::priority(const RouteContext& route) {
  JsonValue body;
  if (auto error = parseBodyObject(route.request, body)) return errorResponse(*error);
  ObjectFields fields(body, "");
  CallBase base;
  base.lane = api::Lane::kPriority;
  std::string to;
  std::string timezone;
  std::string variablesJson;
  std::optional<ApiError> error = fields.onlyKnown(
      {"workspaceId", "agentId", "agentPhoneNumberId", "to", "timezone", "from", "variables"});
  if (!error) error = fields.requiredId("workspaceId", base.workspaceId);
  if (!error) error = fields.requiredId("agentId", base.agentId);
  if (!error) error = fields.requiredId("agentPhoneNumberId", base.agentPhoneNumberId);
  if (!error) error = fields.recipient("to", "timezone", to, timezone);
  if (!error) error = fields.optionalPhone("from", base.from);
  if (!error) error = fields.optionalVariables("variables", context_.limits, variablesJson);
  if (!error) error = forbidOtherWorkspace(route.caller, base.workspaceId, "workspaceId");
  if (!error) error = checkReferences(base.workspaceId, base.agentId, base.agentPhoneNumberId);
  std::string* const zones[] = {&timezone};
  if (!error) error = applyDefaultZone(base.workspaceId, zones);
  if (error) return errorResponse(*error);

  api::Call call = newCall(context_, base, context_.services.clock.nowMs());
  call.to = std::move(to);
  call.timezone = std::move(timezone);
  call.variablesJson = std::move(variablesJson);
  const api::IdempotencyRecord* key = route.idempotency;
  auto listed = suppressListed(context_, base.workspaceId, std::span(&call, 1));
  if (!listed) return errorResponse(dependencyError(listed.error(), "do-not-call list"));
  if (listed.value() > 0) return suppressedPriority(call, key);
  // Stored with the answer a repeat gets until the dial's own answer replaces it below, so a
  // repeat never makes a second call, whenever this process dies.
  auto answerAsStored = [key](const api::Call& stored) -> std::optional<api::IdempotencyRecord> {
    if (key == nullptr) return std::nullopt;
    return answered(*key, priorityAnswer(stored));
  };
  // Stored and dialed on this thread when its limits have room, else stored queued (202).
  auto placed = context_.services.dispatcher.submitPriority(std::move(call), answerAsStored);
  if (!placed) return errorResponse(dependencyError(placed.error(), "storing the call"));
  ApiResponse response = priorityAnswer(placed.value());
  if (key != nullptr) {
    auto recorded = context_.services.store.completeIdempotency(key->scope, key->key,
                                                                response.status, response.body);
    if (!recorded) {
      // The stored answer stays: a repeat hears 202 with the call as it was first stored.
      response.headers.emplace_back("Idempotency-Warning", "the first answer is replayed");
    }
  }
  return response;
}

ApiResponse CallWriteRoutes::suppressedPriority(const api::Call& call,
                                                const api::IdempotencyRecord* key) {
  // Refused like a call the provider refuses (422 with the call), and kept, so the report
  // counts it and GET /calls shows it.
  std::string details;
  JsonWriter(details).beginObject().key("call").raw(callJson(call)).endObject();
  const ApiResponse response = errorResponse(
      ApiError{422, "do_not_call",
               "'" + call.to + "' is on a do-not-call list: the call ended suppressed, not dialed",
               std::move(details)});
  std::optional<api::IdempotencyRecord> answer;
  if (key != nullptr) answer = answered(*key, response);
  if (auto stored =
          context_.services.store.insertCalls(std::span(&call, 1), answer ? &*answer : nullptr);
      !stored) {
    return errorResponse(dependencyError(stored.error(), "storing the call"));
  }
  return response;
}

ApiResponse CallWriteRoutes::bulk(const RouteContext& route) {
  BulkRequest request;
  std::optional<ApiError> error = parseBulkRequest(
      route.request.body, context_.limits, context_.services.config.server.maxBulkCalls, request);
  if (!error) error = forbidOtherWorkspace(route.caller, request.workspaceId, "workspaceId");
  if (!error) {
    error = checkReferences(request.workspaceId, request.agentId, request.agentPhoneNumberId);
  }
  if (!error) {
    std::vector<std::string*> zones;
    zones.reserve(request.rows.size());
    for (BulkRow& row : request.rows) zones.push_back(&row.timezone);
    error = applyDefaultZone(request.workspaceId, zones);
  }
  if (error) return errorResponse(*error);
  std::string().swap(route.request.body);  // parsed: its memory is better spent on the calls

  auto writeRejected = [&](JsonWriter& writer) {
    writer.key("rejected").beginArray();
    for (const auto& rejected : request.rejected) {
      writer.beginObject().key("index").integer(static_cast<int64_t>(rejected.index));
      writer.key("field").string(rejected.error.field);
      writer.key("code").string(rejected.error.code);
      writer.key("error").string(rejected.error.message).endObject();
    }
    writer.endArray();
  };
  if (request.rows.empty()) {
    std::string details;
    JsonWriter writer(details);
    writer.beginObject();
    writeRejected(writer);
    writer.endObject();
    return errorResponse(ApiError{422, "no_valid_calls",
                                  "no row of calls is valid; nothing was created",
                                  std::move(details)});
  }

  const int64_t atMs = context_.services.clock.nowMs();
  api::Campaign campaign;
  campaign.id = context_.ids.next();
  campaign.workspaceId = request.workspaceId;
  campaign.agentId = request.agentId;
  campaign.agentPhoneNumberId = request.agentPhoneNumberId;
  campaign.name = request.name;
  campaign.totalCalls = static_cast<int64_t>(request.rows.size());
  campaign.createdAtMs = atMs;
  campaign.updatedAtMs = atMs;

  CallBase base{request.workspaceId, request.agentId, request.agentPhoneNumberId,
                request.from,        campaign.id,     api::Lane::kBulk};
  std::vector<api::Call> calls;
  calls.reserve(request.rows.size());
  for (auto& row : request.rows) {
    calls.push_back(newCall(context_, base, atMs));
    calls.back().to = std::move(row.to);
    calls.back().timezone = std::move(row.timezone);
    calls.back().variablesJson = std::move(row.variablesJson);
  }
  // Rows to a listed number are accepted and end at once (the answer names them): the campaign
  // and the report count them, as an operator checking who was not called expects.
  auto listed = suppressListed(context_, request.workspaceId, calls);
  if (!listed) return errorResponse(dependencyError(listed.error(), "do-not-call list"));
  auto writeSuppressed = [&](JsonWriter& writer) {
    writer.key("suppressed").beginArray();
    for (std::size_t i = 0; i < calls.size() && listed.value() > 0; ++i) {
      if (calls[i].status != api::CallStatus::kSuppressed) continue;
      writer.beginObject().key("index").integer(static_cast<int64_t>(request.rows[i].index));
      writer.key("to").string(calls[i].to).key("reason").string(calls[i].endReason).endObject();
    }
    writer.endArray();
  };

  // The answer is made before the write: with an Idempotency-Key it is stored in the same
  // transaction as the calls.
  ApiResponse response = writeResponse(202, [&](JsonWriter& writer) {
    writer.beginObject().key("campaignId").string(campaign.id);
    writer.key("accepted").integer(static_cast<int64_t>(calls.size()));
    writeSuppressed(writer);
    writeRejected(writer);
    writer.endObject();
  });
  std::vector<BulkRow>().swap(request.rows);  // free the rows before the store copies the calls
  std::optional<api::IdempotencyRecord> answer;
  if (route.idempotency != nullptr) answer = answered(*route.idempotency, response);
  if (auto created = context_.services.store.createCampaignWithCalls(campaign, calls,
                                                                     answer ? &*answer : nullptr);
      !created) {
    return errorResponse(dependencyError(created.error(), "storing the campaign and its calls"));
  }
  // Stored is accepted: the answer does not wait for the queue (a request of 1,000 calls spent
  // a fifth of its time there, bench/RESULTS.md), and the sweeper puts in line what a crash
  // leaves out.
  if (listed.value() > 0) {
    std::erase_if(calls, [](const api::Call& call) { return api::isFinal(call.status); });
  }
  context_.services.dispatcher.enqueueSoon(std::move(calls));
  return response;
}

}  // namespace vo::core::http
