#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <chrono>
#include <mutex>
#include <vector>

#include "vo/api/VoiceProvider.h"

namespace vo::elevenlabs::testing {

// A stand-in for the core's POST /webhooks/elevenlabs: hands the raw request to the provider.
class WebhookBridge : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit WebhookBridge(vo::api::VoiceProvider& provider) : provider_(provider) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(*this);
  }

  std::vector<vo::api::WebhookResponse> responses() {
    std::lock_guard lock(mutex_);
    return responses_;
  }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(WebhookBridge& bridge) : bridge_(bridge) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      vo::api::WebhookRequest webhook;
      for (const auto& [name, value] : request) webhook.headers[Poco::toLower(name)] = value;
      Poco::StreamCopier::copyToString(request.stream(), webhook.body);
      webhook.nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
      vo::api::WebhookResponse answer = bridge_.provider_.handleWebhook(webhook);
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.httpStatus));
      response.setContentLength64(static_cast<Poco::Int64>(answer.body.size()));
      response.send() << answer.body;
      std::lock_guard lock(bridge_.mutex_);
      bridge_.responses_.push_back(std::move(answer));
    }

   private:
    WebhookBridge& bridge_;
  };

  vo::api::VoiceProvider& provider_;
  std::mutex mutex_;
  std::vector<vo::api::WebhookResponse> responses_;
};

}  // namespace vo::elevenlabs::testing
