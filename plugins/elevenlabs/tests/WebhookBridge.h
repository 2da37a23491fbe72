#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <chrono>
#include <condition_variable>
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

  // Turns away later webhooks (503) and waits for the handlers still running: a stopped
  // HTTPServer neither waits for them nor stops connections it accepted from starting one. The
  // provider they use can be destroyed after.
  void close() {
    std::unique_lock lock(mutex_);
    closed_ = true;
    idle_.wait(lock, [this] { return running_ == 0; });
  }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(WebhookBridge& bridge) : bridge_(bridge) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      if (!bridge_.enter()) {
        response.setStatus(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
        response.setContentLength(0);
        response.send();
        return;
      }
      Running running(bridge_);
      vo::api::WebhookRequest webhook;
      for (const auto& [name, value] : request) webhook.headers[Poco::toLower(name)] = value;
      Poco::StreamCopier::copyToString(request.stream(), webhook.body);
      webhook.nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
      vo::api::WebhookResponse answer = bridge_.provider_.handleWebhook(webhook);
      {
        std::lock_guard lock(bridge_.mutex_);
        bridge_.responses_.push_back(answer);
      }
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.httpStatus));
      response.setContentLength64(static_cast<Poco::Int64>(answer.body.size()));
      response.send() << answer.body;
    }

   private:
    // Counts a handler out of the bridge however it ends (sending may throw).
    struct Running {
      explicit Running(WebhookBridge& bridge) : bridge(bridge) {}
      ~Running() { bridge.leave(); }
      WebhookBridge& bridge;
    };
    WebhookBridge& bridge_;
  };

  bool enter() {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    ++running_;
    return true;
  }
  void leave() {
    std::lock_guard lock(mutex_);
    if (--running_ == 0) idle_.notify_all();
  }

  vo::api::VoiceProvider& provider_;
  std::mutex mutex_;
  std::condition_variable idle_;
  bool closed_ = false;
  int running_ = 0;
  std::vector<vo::api::WebhookResponse> responses_;
};

}  // namespace vo::elevenlabs::testing
