#include "http/ApiKeyRoutes.h"

#include <Poco/RandomStream.h>

#include "http/Encoding.h"
#include "http/IsoTime.h"
#include "http/RegistryRoutes.h"
#include "http/Validation.h"
#include "vo/api/CallStore.h"

namespace vo::core::http {

namespace {

// "vo_" and 64 hex digits; its first characters are kept as the prefix lists show.
constexpr std::size_t kShownPrefix = 11;

std::string newApiKey() {
  char random[32];
  Poco::RandomInputStream().read(random, sizeof random);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key = "vo_";
  for (char byte : random) {
    key += kHex[static_cast<unsigned char>(byte) >> 4];
    key += kHex[static_cast<unsigned char>(byte) & 0xF];
  }
  return key;
}

// {"expiresAt": ISO-8601 time in the future} or no body: a key that never expires.
std::optional<ApiError> readExpiry(const ApiRequest& request, int64_t nowMs, int64_t& expiresAtMs) {
  if (request.body.empty()) return std::nullopt;
  JsonValue body;
  if (auto error = parseBodyObject(request, body)) return error;
  ObjectFields fields(body, "");
  if (auto error = fields.onlyKnown({"expiresAt"})) return error;
  const JsonValue* expiresAt = body.find("expiresAt");
  if (expiresAt == nullptr || expiresAt->type == JsonValue::Type::kNull) return std::nullopt;
  const std::optional<int64_t> parsed =
      expiresAt->isString() ? parseIsoTimestamp(expiresAt->text) : std::nullopt;
  if (!parsed)
    return invalidField("expiresAt", "must be an ISO-8601 time like 2027-01-31T00:00:00Z");
  if (*parsed <= nowMs) return invalidField("expiresAt", "must be in the future");
  expiresAtMs = *parsed;
  return std::nullopt;
}

}  // namespace

void ApiKeyRoutes::addTo(Router& router) {
  router.add("POST", "/workspaces/{id}/api-keys",
             [this](const RouteContext& route) { return create(route); });
  router.add("GET", "/workspaces/{id}/api-keys",
             [this](const RouteContext& route) { return list(route); });
  router.add("DELETE", "/workspaces/{id}/api-keys/{keyId}",
             [this](const RouteContext& route) { return revoke(route); });
}

ApiResponse ApiKeyRoutes::create(const RouteContext& route) {
  if (!route.caller.admin) return errorResponse(adminOnly());
  if (auto error = checkWorkspaceRoute(context_, route, true)) return errorResponse(*error);
  const int64_t now = context_.services.clock.nowMs();
  api::ApiKeyRecord record;
  if (auto error = readExpiry(route.request, now, record.expiresAtMs)) {
    return errorResponse(*error);
  }
  const std::string key = newApiKey();
  record.id = context_.ids.next();
  record.workspaceId = route.params[0];
  record.keyHash = sha256Hex(key);
  record.createdAtMs = now;
  record.prefix = key.substr(0, kShownPrefix);
  if (auto stored = context_.services.store.createApiKey(record); !stored) {
    return errorResponse(dependencyError(stored.error(), "api key"));
  }
  auto answer = [&](std::string_view shownKey) {
    return writeResponse(201, [&](JsonWriter& writer) { writeApiKey(writer, record, shownKey); });
  };
  // The key is shown once: an idempotent replay answers the same record with "key": null.
  ApiResponse response = answer(key);
  response.replayBody = answer("").body;
  return response;
}

ApiResponse ApiKeyRoutes::list(const RouteContext& route) {
  if (!route.caller.admin) return errorResponse(adminOnly());
  if (auto error = checkWorkspaceRoute(context_, route, false)) return errorResponse(*error);
  auto keys = context_.services.store.listApiKeys(route.params[0]);
  if (!keys) return errorResponse(dependencyError(keys.error(), "api keys"));
  return listAnswer(keys.value(), [](JsonWriter& writer, const api::ApiKeyRecord& key) {
    writeApiKey(writer, key);
  });
}

ApiResponse ApiKeyRoutes::revoke(const RouteContext& route) {
  if (!route.caller.admin) return errorResponse(adminOnly());
  if (auto error = checkWorkspaceRoute(context_, route, true)) return errorResponse(*error);
  const std::string& keyId = route.params[1];
  if (checkId(keyId)) return errorResponse(notFound("api key '" + keyId + "'"));
  auto revoked =
      context_.services.store.revokeApiKey(route.params[0], keyId, context_.services.clock.nowMs());
  if (!revoked) {
    return errorResponse(dependencyError(revoked.error(), "api key '" + keyId + "'"));
  }
  authenticator_.forget(keyId);
  return writeResponse(200, [&](JsonWriter& writer) { writeApiKey(writer, revoked.value()); });
}

}  // namespace vo::core::http
