#include "DialClassifier.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/String.h>

#include <algorithm>
#include <charconv>

#include "JsonFields.h"
#include "JsonParse.h"

namespace vo::elevenlabs {
namespace {

using vo::api::DialOutcome;
using vo::api::DialResult;

constexpr size_t kMaxMessageBytes = 500;

// The body as a JSON object; false when it is not JSON (or empty) or not an object.
bool parseObject(const std::string& body, ScratchDocument& root) {
  return parseJson(body, root) && root.IsObject();
}

std::string shorten(std::string text) {
  if (text.size() > kMaxMessageBytes) text = text.substr(0, kMaxMessageBytes) + "…";
  return text;
}

// "body.to_number: Field required"
std::string describeValidationError(const rapidjson::Value& item) {
  std::string location;
  if (const rapidjson::Value* loc = findMember(item, "loc"); loc && loc->IsArray()) {
    for (const rapidjson::Value& part : loc->GetArray()) {
      if (!location.empty()) location += '.';
      location += textOf(part);
    }
  }
  const std::string message = textMember(item, "msg", "invalid");
  return location.empty() ? message : location + ": " + message;
}

std::string describeDetail(const rapidjson::Value& root) {
  const rapidjson::Value* detail = findMember(root, "detail");
  if (detail && detail->IsArray()) {
    std::string joined;
    for (const rapidjson::Value& item : detail->GetArray()) {
      if (!item.IsObject()) continue;
      if (!joined.empty()) joined += "; ";
      joined += describeValidationError(item);
    }
    return joined;
  }
  if (detail && detail->IsObject()) {
    const std::string status = textMember(*detail, "status");
    const std::string message = textMember(*detail, "message");
    if (status.empty()) return message;
    return message.empty() ? status : status + ": " + message;
  }
  if (detail && detail->IsString()) return textOf(*detail);
  return textMember(root, "message");
}

// success:false, or a false the API might write as 0, "false" or "0"; null is not an answer.
bool saysFalse(const rapidjson::Value& value) {
  if (value.IsBool()) return !value.GetBool();
  if (value.IsNumber()) return value.GetDouble() == 0;
  if (!value.IsString()) return false;
  const std::string text = textOf(value);
  return text.empty() || text == "0" || Poco::icompare(text, "false") == 0;
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
  ScratchDocument root;
  const bool isObject = parseObject(exchange.body, root);
  const std::string conversationId = isObject ? textMember(root, "conversation_id") : "";
  if (conversationId.empty()) {
    // success:false with no conversation means the API refused to start it; anything else
    // unreadable leaves doubt.
    const rapidjson::Value* success = isObject ? findMember(root, "success") : nullptr;
    const bool refused = success && saysFalse(*success);
    DialResult result =
        answered(refused ? DialOutcome::kRejected : DialOutcome::kAmbiguous, exchange);
    if (!refused) result.message += " (no conversation_id in the answer)";
    return result;
  }
  DialResult result = answered(DialOutcome::kAccepted, exchange);
  result.providerCallId = conversationId;
  result.message = textMember(root, "message");
  std::vector<std::pair<std::string, std::string>> extras;
  for (const char* key : {"callSid", "sip_call_id"}) {
    const rapidjson::Value* value = findMember(root, key);
    if (value && !value->IsNull()) extras.emplace_back(key, textOf(*value));
  }
  result.providerDataJson = stringFieldsJson(extras);
  return result;
}

}  // namespace

std::string providerMessage(const std::string& body) {
  ScratchDocument root;
  if (!parseObject(body, root)) return shorten(body);
  std::string words = describeDetail(root);
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
