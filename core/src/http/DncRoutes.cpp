#include "http/DncRoutes.h"

#include <unordered_set>

#include "http/Encoding.h"
#include "http/IsoTime.h"
#include "http/JsonReader.h"
#include "http/RegistryRoutes.h"
#include "phone/PhoneNumbers.h"
#include "vo/api/CallStore.h"

namespace vo::core::http {

namespace {

// A listed number is kept as the API keeps `to`: libphonenumber's E.164 form, so "+34 601 89 31
// 70" on the list stops a call to +34601893170.
std::optional<std::string> listedForm(std::string_view text, std::string& e164) {
  phone::NormalizedNumber number;
  if (auto reason = phone::normalizePhoneNumber(text, number)) return reason;
  e164 = std::move(number.e164);
  return std::nullopt;
}

constexpr std::size_t kMaxReasonBytes = 200;

struct DncRequest {
  std::vector<std::string> numbers;  // valid and distinct, in the order given
  std::size_t repeated = 0;          // valid numbers given more than once
  std::vector<std::pair<std::size_t, ApiError>> rejected;
  std::string reason;
};

// {"numbers": [E.164, ...], "reason": "..."}, the numbers streamed one by one (no tree of a
// 100,000-number body). A bad number is rejected with its index, the others go on; an error of
// the request as a whole is the ApiError.
std::optional<ApiError> parseDncRequest(std::string_view body, DncRequest& out) {
  if (body.empty()) return ApiError{400, "invalid_json", "the request body is empty"};
  std::size_t index = 0;
  std::unordered_set<std::string> seen;
  std::optional<ApiError> tooMany;
  const JsonStreamedArray numbers{
      "numbers", [&](JsonValue&& element) {
        if (index >= DncRoutes::kMaxNumbersPerRequest) {
          tooMany = invalidField("numbers", "at most " +
                                                std::to_string(DncRoutes::kMaxNumbersPerRequest) +
                                                " numbers per request");
          return false;
        }
        const std::string field = "numbers[" + std::to_string(index) + "]";
        std::string e164;
        std::optional<std::string> reason = element.isString()
                                                ? listedForm(element.text, e164)
                                                : std::optional<std::string>("must be a string");
        if (reason) {
          out.rejected.emplace_back(index, invalidField(field, *reason));
        } else if (seen.insert(e164).second) {
          out.numbers.push_back(std::move(e164));
        } else {
          ++out.repeated;
        }
        ++index;
        return true;
      }};
  JsonValue topLevel;
  const JsonStreamOutcome outcome = parseJsonStreaming(body, numbers, topLevel);
  if (outcome.kind == JsonStreamOutcome::Kind::kMalformed) {
    return ApiError{400, "invalid_json", "malformed JSON: " + outcome.error};
  }
  if (outcome.kind == JsonStreamOutcome::Kind::kStoppedByElement) return tooMany;
  if (outcome.kind == JsonStreamOutcome::Kind::kTooManyMembers) {
    return invalidField("body", "too many members; it takes numbers and reason");
  }
  if (auto notObject = requireObject(topLevel, "body")) return notObject;
  ObjectFields fields(topLevel, "");
  if (auto error = fields.onlyKnown({"numbers", "reason"})) return error;
  const JsonValue* list = topLevel.find("numbers");
  if (list == nullptr) return invalidField("numbers", "is required");
  if (!list->isArray()) return invalidField("numbers", "must be an array of E.164 numbers");
  if (index == 0) return invalidField("numbers", "must not be empty");
  if (const JsonValue* reason = topLevel.find("reason"); reason != nullptr) {
    if (!reason->isString()) return invalidField("reason", "must be a string");
    if (reason->text.size() > kMaxReasonBytes) {
      return invalidField("reason", "longer than " + std::to_string(kMaxReasonBytes) + " bytes");
    }
    if (checkName(reason->text) && !reason->text.empty()) {
      return invalidField("reason", "contains control characters");
    }
    out.reason = reason->text;
  }
  return std::nullopt;
}

void writeRejected(JsonWriter& writer, const DncRequest& request) {
  writer.key("rejected").beginArray();
  for (const auto& [index, error] : request.rejected) {
    writer.beginObject().key("index").integer(static_cast<int64_t>(index));
    writer.key("field").string(error.field);
    writer.key("code").string(error.code);
    writer.key("error").string(error.message).endObject();
  }
  writer.endArray();
}

// The page cursor is the last number without its '+' (a '+' in a query string reads as a
// space); an E.164 number is what the store pages after.
std::optional<ApiError> afterNumberOf(const QueryParams& query, std::string& afterNumber) {
  std::string cursor;
  if (auto error = parseCursor(query, cursor)) return error;
  if (cursor.empty()) return std::nullopt;
  afterNumber = "+" + cursor;
  std::string e164;
  if (listedForm(afterNumber, e164) || e164 != afterNumber) {
    return invalidField("cursor", "not a cursor from nextCursor");
  }
  return std::nullopt;
}

}  // namespace

void DncRoutes::addTo(Router& router) {
  for (const char* prefix : {"/workspaces/{id}/dnc", "/dnc"}) {
    const std::string base = prefix;
    router.add("POST", base, [this](const RouteContext& route) { return add(route); });
    router.add("GET", base, [this](const RouteContext& route) { return list(route); });
    router.add("DELETE", base + "/{number}",
               [this](const RouteContext& route) { return remove(route); });
  }
}

std::optional<ApiError> DncRoutes::listOf(const RouteContext& route, bool write,
                                          std::initializer_list<std::string_view> allowedQuery,
                                          std::string& listId) {
  const bool global = !route.request.path.starts_with("/workspaces/");
  if (global) {
    if (!route.caller.admin) return adminOnly();
    listId = std::string(api::kGlobalDncList);
    return QueryParams(route.request.query).check(allowedQuery);
  }
  if (auto error = checkWorkspaceRoute(context_, route, write, allowedQuery)) return error;
  listId = route.params[0];
  return std::nullopt;
}

ApiResponse DncRoutes::add(const RouteContext& route) {
  std::string listId;
  if (auto error = listOf(route, true, {}, listId)) return errorResponse(*error);
  DncRequest request;
  if (auto error = parseDncRequest(route.request.body, request)) return errorResponse(*error);
  if (request.numbers.empty()) {
    // Every number was refused: nothing to add, and the first refusal names its field.
    const ApiError& first = request.rejected.front().second;
    std::string details;
    JsonWriter writer(details);
    writer.beginObject().key("field").string(first.field).key("reason").string(first.message);
    writeRejected(writer, request);
    writer.endObject();
    return errorResponse(ApiError{400, "invalid_field",
                                  first.message + " (no number of the list is valid)",
                                  std::move(details), first.field});
  }
  auto added = context_.services.store.addDncNumbers(listId, request.numbers, request.reason,
                                                     context_.services.clock.nowMs());
  if (!added) return errorResponse(dependencyError(added.error(), "do-not-call list"));
  const auto given = static_cast<int64_t>(request.numbers.size() + request.repeated);
  return writeResponse(200, [&](JsonWriter& writer) {
    writer.beginObject().key("added").integer(added.value());
    writer.key("alreadyPresent").integer(given - added.value());
    writeRejected(writer, request);
    writer.endObject();
  });
}

ApiResponse DncRoutes::remove(const RouteContext& route) {
  std::string listId;
  if (auto error = listOf(route, true, {}, listId)) return errorResponse(*error);
  std::string number;
  if (auto reason = listedForm(route.params.back(), number)) {
    return errorResponse(invalidField("number", *reason));
  }
  auto removed = context_.services.store.removeDncNumber(listId, number);
  if (!removed) return errorResponse(dependencyError(removed.error(), "do-not-call list"));
  if (!removed.value()) {
    return errorResponse(notFound("number '" + number + "' on this do-not-call list"));
  }
  return writeResponse(200, [&](JsonWriter& writer) {
    writer.beginObject().key("number").string(number).key("removed").boolean(true).endObject();
  });
}

ApiResponse DncRoutes::list(const RouteContext& route) {
  std::string listId;
  if (auto error = listOf(route, false, {"limit", "cursor"}, listId)) return errorResponse(*error);
  const QueryParams query(route.request.query);
  int limit = kDefaultLimit;
  std::string afterNumber;
  std::optional<ApiError> error = parseLimit(query, kMaxLimit, limit);
  if (!error) error = afterNumberOf(query, afterNumber);
  if (error) return errorResponse(*error);
  auto page = context_.services.store.listDncNumbers(listId, limit, afterNumber);
  if (!page) return errorResponse(dependencyError(page.error(), "do-not-call list"));
  const std::string next = page->nextCursor.empty() ? "" : page->nextCursor.substr(1);
  return writeResponse(200, [&](JsonWriter& writer) {
    writer.beginObject().key("data").beginArray();
    for (const api::DncEntry& entry : page->entries) {
      writer.beginObject().key("number").string(entry.number);
      writer.key("reason").string(entry.reason);
      writer.key("createdAt").string(formatIsoMs(entry.createdAtMs)).endObject();
    }
    writer.endArray().key("nextCursor").stringOrNull(next).endObject();
  });
}

}  // namespace vo::core::http
