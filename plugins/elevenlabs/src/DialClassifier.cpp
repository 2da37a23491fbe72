#include "DialClassifier.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <charconv>
#include <sstream>

namespace vo::elevenlabs {
namespace {

using vo::api::DialOutcome;
using vo::api::DialResult;

constexpr size_t kMaxMessageBytes = 500;

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
  if (body.empty()) return nullptr;
  try {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return nullptr;
  } catch (const std::exception&) {
    return nullptr;  // Poco::BadCastException derives from Poco::Exception; Any may throw std
  }
}

std::string shorten(std::string text) {
  if (text.size() > kMaxMessageBytes) text = text.substr(0, kMaxMessageBytes) + "…";
  return text;
}

// "body.to_number: Field required"
std::string describeValidationError(const Poco::JSON::Object& item) {
  std::string location;
  if (Poco::JSON::Array::Ptr loc = item.getArray("loc")) {
    for (size_t i = 0; i < loc->size(); ++i) {
      if (!location.empty()) location += '.';
      location += loc->get(i).toString();
    }
  }
  const std::string message = item.optValue<std::string>("msg", "invalid");
  return location.empty() ? message : location + ": " + message;
}

std::string describeDetail(const Poco::JSON::Object& root) {
  const Poco::Dynamic::Var detail = root.get("detail");
  if (detail.type() == typeid(Poco::JSON::Array::Ptr)) {
    std::string joined;
    for (const auto& item : *detail.extract<Poco::JSON::Array::Ptr>()) {
      if (item.type() != typeid(Poco::JSON::Object::Ptr)) continue;
      if (!joined.empty()) joined += "; ";
      joined += describeValidationError(*item.extract<Poco::JSON::Object::Ptr>());
    }
    return joined;
  }
  if (detail.type() == typeid(Poco::JSON::Object::Ptr)) {
    const auto object = detail.extract<Poco::JSON::Object::Ptr>();
    const std::string status = object->optValue<std::string>("status", "");
    const std::string message = object->optValue<std::string>("message", "");
    if (status.empty()) return message;
    return message.empty() ? status : status + ": " + message;
  }
  if (detail.isString()) return detail.toString();
  return root.optValue<std::string>("message", "");
}

DialResult answered(DialOutcome outcome, const Exchange& exchange) {
  DialResult result;
  result.outcome = outcome;
  result.httpStatus = exchange.status;
  std::string words = providerMessage(exchange.body);
  result.message = "HTTP " + std::to_string(exchange.status) + (words.empty() ? "" : ": " + words);
  return result;
}

DialResult accepted(const Exchange& exchange) {
  Poco::JSON::Object::Ptr root = parseObject(exchange.body);
  const std::string conversationId =
      root ? root->optValue<std::string>("conversation_id", "") : std::string();
  if (conversationId.empty()) {
    // success:false with no conversation means the API refused to start it; anything else
    // unreadable leaves doubt.
    const bool refused = root && root->has("success") && !root->optValue<bool>("success", true);
    DialResult result =
        answered(refused ? DialOutcome::kRejected : DialOutcome::kAmbiguous, exchange);
    if (!refused) result.message += " (no conversation_id in the answer)";
    return result;
  }
  DialResult result = answered(DialOutcome::kAccepted, exchange);
  result.providerCallId = conversationId;
  result.message = root->optValue<std::string>("message", "");
  Poco::JSON::Object extras;
  for (const char* key : {"callSid", "sip_call_id"}) {
    if (root->has(key) && !root->isNull(key)) extras.set(key, root->get(key).toString());
  }
  std::ostringstream text;
  extras.stringify(text);
  result.providerDataJson = text.str();
  return result;
}

}  // namespace

std::string providerMessage(const std::string& body) {
  Poco::JSON::Object::Ptr root = parseObject(body);
  if (!root) return shorten(body);
  std::string words = describeDetail(*root);
  return shorten(words.empty() ? body : words);
}

int64_t parseRetryAfterMs(const std::string& value, int64_t nowMs) {
  if (value.empty()) return -1;
  int64_t seconds = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error == std::errc() && end == value.data() + value.size() && seconds >= 0) {
    // Bounded so the milliseconds cannot overflow (a hostile or broken header): a day at most.
    constexpr int64_t kLongestSeconds = 86400;
    return std::min(seconds, kLongestSeconds) * 1000;
  }
  Poco::DateTime when;
  int zone = 0;
  if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, value, when, zone)) {
    return -1;
  }
  const int64_t atMs = when.timestamp().epochMicroseconds() / 1000 - zone * 1000LL;
  return std::max<int64_t>(0, atMs - nowMs);
}

DialResult classifyDial(const Exchange& exchange, int64_t nowMs) {
  DialResult result;
  switch (exchange.stage) {
    case ExchangeStage::kNotSent:
      result.outcome = DialOutcome::kNotPlaced;
      result.message = "not sent: " + exchange.error;
      return result;
    case ExchangeStage::kNoAnswer:
      result.outcome = DialOutcome::kAmbiguous;
      result.message = "sent, no answer: " + exchange.error;
      return result;
    case ExchangeStage::kAnswered:
      break;
  }
  const int status = exchange.status;
  if (status >= 200 && status < 300) return accepted(exchange);
  if (status == 429) {
    result = answered(DialOutcome::kNotPlaced, exchange);
    result.retryAfterMs = parseRetryAfterMs(exchange.retryAfter, nowMs);
    result.throttleAccount = true;
    return result;
  }
  // A 4xx is the API refusing the request as it stands; repeating it changes nothing.
  if (status >= 400 && status < 500) return answered(DialOutcome::kRejected, exchange);
  // 5xx and anything unexpected: the API may have started the call before failing.
  return answered(DialOutcome::kAmbiguous, exchange);
}

}  // namespace vo::elevenlabs
