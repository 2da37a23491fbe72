#include "http/RegistryRoutes.h"

#include <functional>

#include "http/Authenticator.h"
#include "http/Encoding.h"
#include "http/IsoTime.h"
#include "vo/api/CallStore.h"

namespace vo::core::http {

namespace {

constexpr int kMaxConcurrentLimit = 100000;
constexpr double kMaxRateLimit = 10000;

std::optional<ApiError> readPacing(const ObjectFields& fields, api::PacingSettings& pacing) {
  if (auto error = fields.optionalCount("maxConcurrentCalls", kMaxConcurrentLimit,
                                        pacing.maxConcurrentCalls)) {
    return error;
  }
  return fields.optionalRate("callsPerSecond", kMaxRateLimit, pacing.callsPerSecond);
}

// 201 with the object, or 409 when the id exists (`conflict` tells how, for provider ids).
template <typename Object, typename Write>
ApiResponse createdAnswer(const api::Result<void>& stored, const Object& object,
                          const std::string& what, Write write,
                          const std::function<ApiError()>& conflict = {}) {
  if (!stored) {
    if (stored.error().code == api::ErrorCode::kConflict) {
      return errorResponse(conflict
                               ? conflict()
                               : fieldError(409, "already_exists", "id", what + " already exists"));
    }
    return errorResponse(dependencyError(stored.error(), what));
  }
  return writeResponse(201, [&](JsonWriter& writer) { write(writer, object); });
}

// The 409 of a provider id the store refused: this workspace has it already, or another one
// does (it is not said which: that would tell one tenant about another).
ApiError providerIdConflict(bool inThisWorkspace, const std::string& what) {
  if (inThisWorkspace) return fieldError(409, "already_exists", "id", what + " already exists");
  return fieldError(409, "provider_id_taken", "id",
                    what +
                        " is registered in another workspace; only the admin key may register "
                        "it here too, with \"sharedAcrossWorkspaces\": true");
}

// "sharedAcrossWorkspaces": true is the admin's choice alone.
std::optional<ApiError> readSharing(const ObjectFields& fields, const Caller& caller,
                                    bool& shared) {
  if (auto error = fields.optionalBool("sharedAcrossWorkspaces", shared)) return error;
  if (shared && !caller.admin) {
    return ApiError{403, "forbidden",
                    "only the admin key may register a provider id in several workspaces"};
  }
  return std::nullopt;
}

}  // namespace

void RegistryRoutes::addTo(Router& router) {
  auto bind = [this](ApiResponse (RegistryRoutes::*handler)(const RouteContext&)) {
    return [this, handler](const RouteContext& route) { return (this->*handler)(route); };
  };
  router.add("POST", "/workspaces", bind(&RegistryRoutes::createWorkspace));
  router.add("GET", "/workspaces", bind(&RegistryRoutes::listWorkspaces));
  router.add("GET", "/workspaces/{id}", bind(&RegistryRoutes::getWorkspace));
  router.add("POST", "/workspaces/{id}/agents", bind(&RegistryRoutes::createAgent));
  router.add("GET", "/workspaces/{id}/agents", bind(&RegistryRoutes::listAgents));
  router.add("POST", "/workspaces/{id}/phone-numbers", bind(&RegistryRoutes::createPhoneNumber));
  router.add("GET", "/workspaces/{id}/phone-numbers", bind(&RegistryRoutes::listPhoneNumbers));
}

ApiError adminOnly() {
  return ApiError{403, "forbidden", "only the admin key may do this"};
}

std::optional<ApiError> checkWorkspaceRoute(ApiContext& context, const RouteContext& route,
                                            bool write,
                                            std::initializer_list<std::string_view> allowedQuery) {
  const std::string& id = route.params[0];
  const std::string what = "workspace '" + id + "'";
  if (checkId(id)) return notFound(what);
  if (!route.caller.canSee(id)) {
    return write ? ApiError{403, "forbidden", "this API key belongs to another workspace"}
                 : notFound(what);
  }
  if (auto error = QueryParams(route.request.query).check(allowedQuery)) return error;
  auto workspace = context.services.store.getWorkspace(id);
  if (!workspace) return dependencyError(workspace.error(), what);
  return std::nullopt;
}

ApiResponse RegistryRoutes::createWorkspace(const RouteContext& route) {
  if (!route.caller.admin) return errorResponse(adminOnly());
  JsonValue body;
  if (auto error = parseBodyObject(route.request, body)) return errorResponse(*error);
  ObjectFields fields(body, "");
  api::Workspace workspace;
  std::optional<ApiError> error =
      fields.onlyKnown({"id", "name", "providerApiKey", "providerWebhookSecret",
                        "maxConcurrentCalls", "callsPerSecond"});
  if (!error) error = fields.requiredId("id", workspace.id);
  if (auto reason = checkWorkspaceId(workspace.id); !error && reason) {
    error = invalidField("id", *reason);
  }
  if (!error) error = fields.requiredName("name", workspace.name);
  if (!error) error = fields.optionalSecret("providerApiKey", workspace.providerApiKey);
  if (!error) {
    error = fields.optionalSecret("providerWebhookSecret", workspace.providerWebhookSecret);
  }
  if (!error) error = readPacing(fields, workspace.pacing);
  if (error) return errorResponse(*error);
  workspace.createdAtMs = context_.services.clock.nowMs();
  ApiResponse answer = createdAnswer(context_.services.store.createWorkspace(workspace), workspace,
                                     "workspace '" + workspace.id + "'", writeWorkspace);
  if (!workspace.providerWebhookSecret.empty()) {
    // Its account's first webhook may come at once; a failed read is retried on that webhook.
    (void)context_.webhookSecrets.reload();
  }
  return answer;
}

ApiResponse RegistryRoutes::listWorkspaces(const RouteContext& route) {
  if (auto error = QueryParams(route.request.query).check({})) return errorResponse(*error);
  auto workspaces = context_.services.store.listWorkspaces();
  if (!workspaces) return errorResponse(dependencyError(workspaces.error(), "workspaces"));
  std::vector<api::Workspace> visible;
  for (auto& workspace : workspaces.value()) {
    if (route.caller.canSee(workspace.id)) visible.push_back(std::move(workspace));
  }
  return listAnswer(visible, writeWorkspace);
}

ApiResponse RegistryRoutes::getWorkspace(const RouteContext& route) {
  if (auto error = checkWorkspaceRoute(context_, route, false)) return errorResponse(*error);
  auto workspace = context_.services.store.getWorkspace(route.params[0]);
  if (!workspace) return errorResponse(dependencyError(workspace.error(), "workspace"));
  return writeResponse(200, [&](JsonWriter& writer) { writeWorkspace(writer, workspace.value()); });
}

ApiResponse RegistryRoutes::createAgent(const RouteContext& route) {
  if (auto error = checkWorkspaceRoute(context_, route, true)) return errorResponse(*error);
  JsonValue body;
  if (auto error = parseBodyObject(route.request, body)) return errorResponse(*error);
  ObjectFields fields(body, "");
  api::Agent agent;
  agent.workspaceId = route.params[0];
  std::optional<ApiError> error = fields.onlyKnown(
      {"id", "name", "maxConcurrentCalls", "callsPerSecond", "sharedAcrossWorkspaces"});
  if (!error) error = fields.requiredId("id", agent.id);
  if (!error) error = fields.requiredName("name", agent.name);
  if (!error) error = readPacing(fields, agent.pacing);
  if (!error) error = readSharing(fields, route.caller, agent.sharedAcrossWorkspaces);
  if (error) return errorResponse(*error);
  agent.createdAtMs = context_.services.clock.nowMs();
  const std::string what = "agent '" + agent.id + "'";
  return createdAnswer(context_.services.store.createAgent(agent), agent, what, writeAgent, [&] {
    return providerIdConflict(context_.services.store.getAgent(agent.workspaceId, agent.id).ok(),
                              what);
  });
}

ApiResponse RegistryRoutes::listAgents(const RouteContext& route) {
  if (auto error = checkWorkspaceRoute(context_, route, false)) return errorResponse(*error);
  auto agents = context_.services.store.listAgents(route.params[0]);
  if (!agents) return errorResponse(dependencyError(agents.error(), "agents"));
  return listAnswer(agents.value(), writeAgent);
}

ApiResponse RegistryRoutes::createPhoneNumber(const RouteContext& route) {
  if (auto error = checkWorkspaceRoute(context_, route, true)) return errorResponse(*error);
  JsonValue body;
  if (auto error = parseBodyObject(route.request, body)) return errorResponse(*error);
  ObjectFields fields(body, "");
  api::PhoneNumber phone;
  phone.workspaceId = route.params[0];
  std::optional<ApiError> error =
      fields.onlyKnown({"id", "number", "provider", "maxConcurrentCalls", "callsPerSecond",
                        "sharedAcrossWorkspaces"});
  if (!error) error = fields.requiredId("id", phone.id);
  if (!error) error = fields.requiredPhone("number", phone.number);
  if (!error) error = fields.requiredId("provider", phone.provider);
  if (!error && phone.provider != "twilio" && phone.provider != "sip_trunk") {
    error = invalidField("provider", "must be \"twilio\" or \"sip_trunk\"");
  }
  if (!error) error = readPacing(fields, phone.pacing);
  if (!error) error = readSharing(fields, route.caller, phone.sharedAcrossWorkspaces);
  if (error) return errorResponse(*error);
  phone.createdAtMs = context_.services.clock.nowMs();
  const std::string what = "phone number '" + phone.id + "'";
  return createdAnswer(
      context_.services.store.createPhoneNumber(phone), phone, what, writePhoneNumber, [&] {
        return providerIdConflict(
            context_.services.store.getPhoneNumber(phone.workspaceId, phone.id).ok(), what);
      });
}

ApiResponse RegistryRoutes::listPhoneNumbers(const RouteContext& route) {
  if (auto error = checkWorkspaceRoute(context_, route, false)) return errorResponse(*error);
  auto phones = context_.services.store.listPhoneNumbers(route.params[0]);
  if (!phones) return errorResponse(dependencyError(phones.error(), "phone numbers"));
  return listAnswer(phones.value(), writePhoneNumber);
}

}  // namespace vo::core::http
