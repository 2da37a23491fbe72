// Provider outcomes (webhooks, pushed events, lookups) applied as conditional transitions, so a
// repeated or late outcome changes nothing.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "dispatch/DispatcherImpl.h"

namespace vo::core {

namespace {

bool isEmptyJson(const std::string& json) {
  return json.empty() || json == "{}";
}

// The call's provider data with the event's detail keys laid over it.
std::optional<std::string> mergedDetail(const std::string& providerDataJson,
                                        const std::string& detailJson) {
  if (isEmptyJson(detailJson)) return std::nullopt;
  try {
    Poco::JSON::Parser parser;
    auto detail = parser.parse(detailJson).extract<Poco::JSON::Object::Ptr>();
    Poco::JSON::Object::Ptr merged = new Poco::JSON::Object();
    if (!isEmptyJson(providerDataJson)) {
      Poco::JSON::Parser dataParser;
      merged = dataParser.parse(providerDataJson).extract<Poco::JSON::Object::Ptr>();
    }
    for (const auto& [key, value] : *detail) merged->set(key, value);
    std::ostringstream out;
    merged->stringify(out);
    return out.str();
  } catch (const std::exception&) {
    return std::nullopt;  // a provider's malformed extras are not worth losing the outcome
  }
}

}  // namespace

void Dispatcher::Impl::publish(const api::CallEvent& event) {
  applyEvents(std::span<const api::CallEvent>(&event, 1));
}

void Dispatcher::Impl::applyEvents(std::span<const api::CallEvent> events) {
  for (const auto& event : events) {
    auto call = event.callId.empty() ? store_.findByProviderCallId(event.providerCallId)
                                     : store_.getCall(event.callId);
    if (!call) {
      if (call.error().code == api::ErrorCode::kNotFound) {
        metrics_.eventsForUnknownCalls.increment();
        logger_.info("outcome for an unknown call (call id '{}', provider id '{}') ignored",
                     event.callId, event.providerCallId);
      } else {
        logger_.warn("outcome for call '{}{}' not applied: {}", event.callId, event.providerCallId,
                     call.error().message);
      }
      continue;
    }
    applyEventTo(call.value(), event);
  }
}

bool Dispatcher::Impl::applyEventTo(const api::Call& call, const api::CallEvent& event) {
  api::CallTransition change;
  change.callId = call.id;
  change.to = event.status;
  change.atMs = dispatch::nowMs();
  if (!event.providerCallId.empty() && call.providerCallId.empty()) {
    change.providerCallId = event.providerCallId;  // the outcome beat the dial's own record
  }
  if (event.status == api::CallStatus::kInitiated) {
    change.from = {api::CallStatus::kDispatching, api::CallStatus::kUnknown};
  } else if (api::isFinal(event.status)) {
    change.from = {api::CallStatus::kDispatching, api::CallStatus::kInitiated};
    if (event.status != api::CallStatus::kUnknown) change.from.push_back(api::CallStatus::kUnknown);
    change.durationSecs = event.durationSecs;
    if (!event.endReason.empty()) change.endReason = event.endReason;
    change.providerDataJson = mergedDetail(call.providerDataJson, event.detailJson);
  } else {
    metrics_.eventsIgnored.increment();
    return false;  // queued/dispatching are ours to set, never a provider's
  }
  auto moved = store_.transition(change);
  if (!moved) {
    logger_.warn("outcome {} for call {} not applied: {}", api::toString(event.status), call.id,
                 moved.error().message);
    return false;
  }
  if (!moved.value()) {
    metrics_.eventsIgnored.increment();
    return false;
  }
  metrics_.eventsApplied.increment();
  if (api::isFinal(event.status)) {
    inFlight_.noteFinal(call.id);
    releaseAfterFinal(call.id);
  }
  return true;
}

}  // namespace vo::core
