#include "http/ApiHandler.h"

#include <spdlog/spdlog.h>

#include <future>

#include "http/IsoTime.h"
#include "vo/core/Metrics.h"

namespace vo::core::http {

namespace {

bool isJsonContentType(const std::string& contentType) {
  std::string mediaType = contentType.substr(0, contentType.find(';'));
  while (!mediaType.empty() && mediaType.back() == ' ') mediaType.pop_back();
  for (char& c : mediaType) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return mediaType == "application/json" ||
         (mediaType.starts_with("application/") && mediaType.ends_with("+json"));
}

// 415 for a body of another media type sent to a JSON route.
std::optional<ApiError> mediaTypeError(const ApiRequest& request, const RouteOptions& options,
                                       bool bodyFollows) {
  if (request.method != "POST" || !options.jsonBody || !bodyFollows ||
      isJsonContentType(request.header("content-type"))) {
    return std::nullopt;
  }
  return fieldError(415, "unsupported_media_type", "Content-Type", "must be application/json");
}

}  // namespace

ApiHandler::ApiHandler(ApiServices services)
    : context_(std::move(services)),
      authenticator_(context_.services.config.auth.adminKey, context_.services.store),
      idempotency_(context_.services.store, context_.services.config.server.idempotencyPendingMs),
      callWrites_(context_),
      callReads_(context_),
      campaigns_(context_),
      registry_(context_),
      apiKeys_(context_, authenticator_),
      webhooks_(context_),
      dnc_(context_),
      ops_(context_),
      dashboard_(context_) {
  callWrites_.addTo(router_);
  callReads_.addTo(router_);
  campaigns_.addTo(router_);
  registry_.addTo(router_);
  apiKeys_.addTo(router_);
  webhooks_.addTo(router_);
  dnc_.addTo(router_);
  ops_.addTo(router_);
  dashboard_.addTo(router_);
  for (int i = 0; i < 5; ++i) {
    answersByClass_[i] = &context_.services.metrics.counter(
        "vo_http_requests_total", "HTTP requests answered, by status class.",
        "code=\"" + std::to_string(i + 1) + "xx\"");
  }
}

void ApiHandler::countAnswer(int status) {
  const int statusClass = status / 100;
  if (statusClass >= 1 && statusClass <= 5) answersByClass_[statusClass - 1]->increment();
}

ApiResponse ApiHandler::handle(ApiRequest request) {
  ApiResponse response;
  try {
    response = route(request);
  } catch (const std::exception& error) {
    context_.services.logger.error("{} {} failed: {}", request.method, request.path, error.what());
    response = errorResponse(ApiError{500, "internal", "internal error"});
  } catch (...) {
    context_.services.logger.error("{} {} failed with an unknown exception", request.method,
                                   request.path);
    response = errorResponse(ApiError{500, "internal", "internal error"});
  }
  countAnswer(response.status);
  return response;
}

bool ApiHandler::answersLater(const ApiRequest& request) const {
  if (request.headers.count("authorization") != 0) return false;  // a key lookup may block
  auto matched = router_.match(request.method, request.path);
  const auto* match = std::get_if<RouteMatch>(&matched);
  return match != nullptr && match->route->later && !match->route->options.authenticated;
}

void ApiHandler::handleLater(ApiRequest request, const Responder& responder) {
  try {
    auto admission = admit(request, !request.body.empty(), context_.services.clock.nowMs());
    if (auto* refusal = std::get_if<ApiResponse>(&admission)) {
      return responder.answer(std::move(*refusal));
    }
    const auto& [match, caller] = std::get<Admitted>(admission);
    match.route->later(RouteContext{request, caller, match.params, nullptr}, responder);
  } catch (const std::exception& error) {
    context_.services.logger.error("{} {} failed: {}", request.method, request.path, error.what());
    responder.answer(errorResponse(ApiError{500, "internal", "internal error"}));
  }
}

ApiResponse ApiHandler::waitForLater(const Route& route, const RouteContext& context) {
  // On a worker thread, which may block: the route's blocking steps run right here.
  std::promise<ApiResponse> answered;
  auto answer = answered.get_future();
  route.later(
      context,
      Responder([&answered](ApiResponse response) { answered.set_value(std::move(response)); },
                [](std::function<void()> job) {
                  job();
                  return true;
                }));
  return answer.get();
}

std::optional<ApiResponse> ApiHandler::checkHeaders(const ApiRequest& request) {
  try {
    auto admitted = admit(request, /*bodyFollows=*/true, context_.services.clock.nowMs());
    if (auto* refusal = std::get_if<ApiResponse>(&admitted)) return std::move(*refusal);
  } catch (const std::exception& error) {
    context_.services.logger.error("{} {}: checking its headers failed: {}", request.method,
                                   request.path, error.what());
    return errorResponse(ApiError{500, "internal", "internal error"});
  }
  return std::nullopt;
}

std::variant<ApiHandler::Admitted, ApiResponse> ApiHandler::admit(const ApiRequest& request,
                                                                  bool bodyFollows, int64_t nowMs) {
  auto matched = router_.match(request.method, request.path);
  if (auto* answer = std::get_if<ApiResponse>(&matched)) return std::move(*answer);
  Admitted admitted{std::move(std::get<RouteMatch>(matched)), Caller{}};
  const RouteOptions& options = admitted.match.route->options;
  if (options.authenticated) {
    auto identity = authenticator_.authenticate(request.header("authorization"), nowMs);
    if (auto* error = std::get_if<ApiError>(&identity)) return errorResponse(*error);
    admitted.caller = std::get<Caller>(identity);
  } else if (request.headers.count("authorization") != 0) {
    // An open route answers anyone; a key only adds detail (/health), so a refused or
    // uncheckable key is simply anonymous.
    auto identity = authenticator_.authenticate(request.header("authorization"), nowMs);
    if (auto* known = std::get_if<Caller>(&identity)) admitted.caller = *known;
  }
  if (auto error = mediaTypeError(request, options, bodyFollows)) return errorResponse(*error);
  return admitted;
}

ApiResponse ApiHandler::route(ApiRequest& request) {
  const int64_t now = context_.services.clock.nowMs();
  auto admission = admit(request, !request.body.empty(), now);
  if (auto* refusal = std::get_if<ApiResponse>(&admission)) return std::move(*refusal);
  const auto& [match, caller] = std::get<Admitted>(admission);
  RouteContext context{request, caller, match.params, nullptr};
  if (match.route->later) return waitForLater(*match.route, context);
  const RouteOptions& options = match.route->options;
  const bool isPost = request.method == "POST";
  const std::string key = request.header("idempotency-key");
  if (!isPost || !options.jsonBody || request.headers.count("idempotency-key") == 0) {
    return match.route->handler(context);
  }
  if (auto error = Idempotency::checkKey(key)) return errorResponse(*error);
  return idempotency_.run(caller.idempotencyScope(), key, request, now, options.answersWithItsWrite,
                          [&](const api::IdempotencyRecord* answer) {
                            context.idempotency = answer;
                            return match.route->handler(context);
                          });
}

}  // namespace vo::core::http
