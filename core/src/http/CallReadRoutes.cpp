#include "http/CallReadRoutes.h"

#include "http/Encoding.h"
#include "http/IsoTime.h"
#include "phone/PhoneNumbers.h"
#include "vo/api/CallStore.h"

namespace vo::core::http {

namespace {

constexpr int64_t kMsPerDay = 86400000;

std::optional<ApiError> parseTime(const QueryParams& query, std::string_view name,
                                  std::optional<int64_t>& out) {
  const std::string* text = query.find(name);
  if (text == nullptr) return std::nullopt;
  out = parseIsoTimestamp(*text);
  if (!out) {
    return invalidField(std::string(name),
                        "must be ISO-8601 UTC, e.g. 2026-01-31 or 2026-01-31T09:00:00.000Z");
  }
  return std::nullopt;
}

// A workspace key reads only its own workspace: another one named in the query is "not found".
std::optional<ApiError> scopeWorkspace(const Caller& caller, std::string& workspaceId) {
  if (caller.admin) return std::nullopt;
  if (!workspaceId.empty() && workspaceId != caller.workspaceId) {
    return notFound("workspace '" + workspaceId + "'");
  }
  workspaceId = caller.workspaceId;
  return std::nullopt;
}

}  // namespace

void CallReadRoutes::addTo(Router& router) {
  router.add("GET", "/calls", [this](const RouteContext& route) { return list(route); });
  router.add("GET", "/calls/report", [this](const RouteContext& route) { return report(route); });
  router.add("GET", "/calls/{id}", [this](const RouteContext& route) { return get(route); });
}

ApiResponse CallReadRoutes::list(const RouteContext& route) {
  QueryParams query(route.request.query);
  api::CallFilter filter;
  int limit = kDefaultLimit;
  std::string cursor;
  std::optional<ApiError> error =
      query.check({"workspaceId", "status", "agentId", "campaignId", "to", "createdFrom",
                   "createdTo", "limit", "cursor"});
  if (!error) error = query.optionalId("workspaceId", filter.workspaceId);
  if (!error) error = query.optionalId("agentId", filter.agentId);
  if (!error) error = query.optionalId("campaignId", filter.campaignId);
  if (!error) {
    if (const std::string* status = query.find("status")) {
      filter.status = api::parseCallStatus(*status);
      if (!filter.status) error = invalidField("status", "not a call status");
    }
  }
  if (!error) {
    if (const std::string* to = query.find("to")) {
      // Stored numbers are E.164: "+34 601 89 31 70" finds "+34601893170".
      phone::NormalizedNumber number;
      if (auto reason = phone::normalizePhoneNumber(*to, number)) {
        error = invalidField("to", *reason);
      }
      filter.to = number.e164;
    }
  }
  if (!error) error = parseTime(query, "createdFrom", filter.createdFromMs);
  if (!error) error = parseTime(query, "createdTo", filter.createdToMs);
  if (!error && filter.createdFromMs && filter.createdToMs &&
      *filter.createdFromMs > *filter.createdToMs) {
    error = invalidField("createdFrom", "is after createdTo");
  }
  if (!error) error = parseLimit(query, kMaxLimit, limit);
  if (!error) error = parseCursor(query, cursor);
  if (!error) error = scopeWorkspace(route.caller, filter.workspaceId);
  if (error) return errorResponse(*error);

  auto page = context_.services.store.listCalls(filter, limit, cursor);
  if (!page) {
    if (page.error().code == api::ErrorCode::kInvalid) {
      return errorResponse(invalidField("cursor", "not a cursor from nextCursor"));
    }
    return errorResponse(dependencyError(page.error(), "listing calls"));
  }
  return writeResponse(200, [&](JsonWriter& writer) {
    writer.beginObject().key("data").beginArray();
    for (const auto& call : page->calls) writeCall(writer, call);
    writer.endArray().key("nextCursor").stringOrNull(page->nextCursor).endObject();
  });
}

ApiResponse CallReadRoutes::get(const RouteContext& route) {
  const std::string& id = route.params[0];
  const std::string what = "call '" + id + "'";
  if (checkId(id)) return errorResponse(notFound(what));
  if (auto error = QueryParams(route.request.query).check({})) return errorResponse(*error);
  auto call = context_.services.store.getCall(id);
  if (!call) return errorResponse(dependencyError(call.error(), what));
  if (auto hidden = hideOtherWorkspace(route.caller, call->workspaceId, what)) {
    return errorResponse(*hidden);
  }
  auto attempts = context_.services.store.getAttempts(id);
  if (!attempts) return errorResponse(dependencyError(attempts.error(), what + " attempts"));
  return writeResponse(200, [&](JsonWriter& writer) {
    writeCallWithAttempts(writer, call.value(), attempts.value());
  });
}

ApiResponse CallReadRoutes::report(const RouteContext& route) {
  QueryParams query(route.request.query);
  api::ReportQuery report;
  std::optional<ApiError> error = query.check({"workspaceId", "agentId", "from", "to"});
  if (!error) error = query.optionalId("workspaceId", report.workspaceId);
  if (!error) error = query.optionalId("agentId", report.agentId);
  const int64_t todayMs = *parseDay(formatDay(context_.services.clock.nowMs()));
  int64_t toMs = todayMs;
  int64_t fromMs = todayMs - (kDefaultReportDays - 1) * kMsPerDay;
  for (auto [name, target] : {std::pair{"from", &fromMs}, std::pair{"to", &toMs}}) {
    const std::string* text = query.find(name);
    if (error || text == nullptr) continue;
    auto day = parseDay(*text);
    if (!day)
      error = invalidField(name, "must be a date YYYY-MM-DD");
    else
      *target = *day;
  }
  if (!error && query.find("from") == nullptr && query.find("to") != nullptr) {
    fromMs = toMs - (kDefaultReportDays - 1) * kMsPerDay;
  }
  if (!error && fromMs > toMs) error = invalidField("from", "is after to");
  if (!error && (toMs - fromMs) / kMsPerDay >= kMaxReportDays) {
    error = invalidField("from", "the range may span at most 366 days");
  }
  if (!error) error = scopeWorkspace(route.caller, report.workspaceId);
  if (error) return errorResponse(*error);
  report.fromDay = formatDay(fromMs);
  report.toDay = formatDay(toMs);

  auto result = context_.services.store.report(report);
  if (!result) return errorResponse(dependencyError(result.error(), "report"));
  return writeResponse(200, [&](JsonWriter& writer) { writeReport(writer, result.value()); });
}

}  // namespace vo::core::http
