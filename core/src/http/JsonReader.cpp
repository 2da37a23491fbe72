#include "http/JsonReader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_set>
#include <vector>

namespace vo::core::http {

namespace {

// Numbers stay literal text (exact re-serialization, and validation checks they fit int64); the
// read stops after the root value so trailing data is found here, not taken for the end.
constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseStopWhenDoneFlag;
// An object with this many keys gets a hash set for its duplicate check; smaller ones a scan.
constexpr std::size_t kKeySetFrom = 16;

// Whether a decoded string may hold what the reader lets through from \u escapes: NUL, or a
// lone surrogate (RapidJSON writes \udc00 as its three-byte form, ED B0 80, which is not UTF-8).
// One branch-free pass: most strings hold neither byte and need no closer look.
bool mayHoldNulOrSurrogate(std::string_view text) {
  bool suspicious = false;
  for (const char c : text) suspicious |= (c == '\0') | (c == '\xED');
  return suspicious;
}

bool holdsEncodedSurrogate(std::string_view text) {
  for (std::size_t at = text.find('\xED'); at != std::string_view::npos;
       at = text.find('\xED', at + 1)) {
    if (at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) >= 0xA0) return true;
  }
  return false;
}

// Builds JsonValues from RapidJSON's SAX events, within the limits; see JsonReader.h.
class ValueBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ValueBuilder> {
 public:
  ValueBuilder(const JsonReadLimits& limits, JsonValue& root, const JsonStreamedArray* streamed)
      : limits_(limits), root_(root), streamed_(streamed), rootValuesLeft_(limits.maxValues) {}

  bool Null() { return scalar(JsonValue{}); }
  bool Bool(bool flag) {
    JsonValue value;
    value.type = JsonValue::Type::kBool;
    value.boolean = flag;
    return scalar(std::move(value));
  }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    if (length > limits_.maxNumberLength) return fail("number too long");
    JsonValue value;
    value.type = JsonValue::Type::kNumber;
    value.text.assign(text, length);
    // Only an exponent takes a literal this short beyond a double's range.
    const bool exponent = value.text.find_first_of("eE") != std::string::npos;
    if (exponent && !std::isfinite(std::strtod(value.text.c_str(), nullptr))) {
      return fail("number out of range");
    }
    return scalar(std::move(value));
  }
  bool String(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    JsonValue value;
    value.type = JsonValue::Type::kString;
    if (!checkString({text, length})) return false;
    value.text.assign(text, length);
    return scalar(std::move(value));
  }
  bool StartObject() { return open(JsonValue::Type::kObject); }
  bool StartArray() { return open(JsonValue::Type::kArray); }
  bool Key(const char* text, rapidjson::SizeType length, bool /*copy*/);
  bool EndObject(rapidjson::SizeType /*members*/) { return close(); }
  bool EndArray(rapidjson::SizeType /*items*/) { return close(); }

  JsonStreamOutcome::Kind stopKind() const { return stopKind_; }
  const std::string& failure() const { return failure_; }

 private:
  struct Frame {
    JsonValue* container = nullptr;  // null for the streamed array, whose items are not kept
    std::unique_ptr<std::unordered_set<std::string>> keys;  // from kKeySetFrom keys on
  };

  bool fail(std::string message,
            JsonStreamOutcome::Kind kind = JsonStreamOutcome::Kind::kMalformed) {
    failure_ = std::move(message);
    stopKind_ = kind;
    return false;
  }
  bool checkString(std::string_view text) {
    if (!mayHoldNulOrSurrogate(text)) return true;
    if (std::memchr(text.data(), '\0', text.size()) != nullptr) {
      return fail("NUL character in string");
    }
    if (holdsEncodedSurrogate(text)) return fail("lone surrogate in string");
    return true;
  }
  bool insideStreamedArray() const { return streamedFrame_ != kNone; }
  // The streamed array is the innermost open container: a value placed now is one element.
  bool atStreamedArray() const {
    return insideStreamedArray() && stack_.size() == streamedFrame_ + 1;
  }
  bool spend();
  bool scalar(JsonValue&& value);
  bool open(JsonValue::Type type);
  bool close();
  JsonValue* place(JsonValue&& value);
  bool deliverElement();
  bool isDuplicate(Frame& frame, const std::string& key);

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  const JsonReadLimits& limits_;
  JsonValue& root_;
  const JsonStreamedArray* streamed_;
  std::vector<Frame> stack_;
  std::size_t streamedFrame_ = kNone;  // its index in stack_ while open
  std::string pendingKey_;
  JsonValue element_;  // the streamed array's element being built
  std::size_t rootValuesLeft_;
  std::size_t elementValuesLeft_ = 0;
  std::string failure_;
  JsonStreamOutcome::Kind stopKind_ = JsonStreamOutcome::Kind::kRead;
};

bool ValueBuilder::spend() {
  // A streamed array's element starts a budget of its own.
  if (atStreamedArray()) {
    elementValuesLeft_ = limits_.maxValues;
  }
  std::size_t& left = insideStreamedArray() ? elementValuesLeft_ : rootValuesLeft_;
  if (left == 0) {
    return fail("more than " + std::to_string(limits_.maxValues) + " values in one JSON value");
  }
  --left;
  return true;
}

bool ValueBuilder::scalar(JsonValue&& value) {
  if (!spend()) return false;
  place(std::move(value));
  if (atStreamedArray()) return deliverElement();
  return true;
}

bool ValueBuilder::open(JsonValue::Type type) {
  if (!spend()) return false;
  if (static_cast<int>(stack_.size()) >= limits_.maxDepth) return fail("JSON nested too deeply");
  const bool streamedMember = streamed_ != nullptr && type == JsonValue::Type::kArray &&
                              stack_.size() == 1 && root_.isObject() &&
                              pendingKey_ == streamed_->key;
  JsonValue value;
  value.type = type;
  JsonValue* placed = place(std::move(value));
  if (streamedMember) {
    streamedFrame_ = stack_.size();
    stack_.push_back(Frame{});  // the empty array stays in the root as the member's mark
    return true;
  }
  stack_.push_back(Frame{placed, nullptr});
  return true;
}

bool ValueBuilder::close() {
  const bool wasStreamed = atStreamedArray();  // the array itself closes
  stack_.pop_back();
  if (wasStreamed) {
    streamedFrame_ = kNone;
    return true;
  }
  if (atStreamedArray()) return deliverElement();
  return true;
}

JsonValue* ValueBuilder::place(JsonValue&& value) {
  if (stack_.empty()) {
    root_ = std::move(value);
    return &root_;
  }
  if (atStreamedArray()) {
    element_ = std::move(value);
    return &element_;
  }
  JsonValue& container = *stack_.back().container;
  if (container.isArray()) {
    container.items.push_back(std::move(value));
    return &container.items.back();
  }
  container.members.push_back(JsonMember{std::move(pendingKey_), std::move(value)});
  pendingKey_.clear();
  return &container.members.back().value;
}

bool ValueBuilder::deliverElement() {
  if (!streamed_->onElement(std::move(element_))) {
    return fail("stopped by the element reader", JsonStreamOutcome::Kind::kStoppedByElement);
  }
  element_ = JsonValue{};
  return true;
}

bool ValueBuilder::isDuplicate(Frame& frame, const std::string& key) {
  const auto& members = frame.container->members;
  if (frame.keys) return !frame.keys->insert(key).second;
  for (const auto& member : members) {
    if (member.key == key) return true;
  }
  if (members.size() + 1 >= kKeySetFrom) {
    frame.keys = std::make_unique<std::unordered_set<std::string>>();
    for (const auto& member : members) frame.keys->insert(member.key);
    frame.keys->insert(key);
  }
  return false;
}

bool ValueBuilder::Key(const char* text, rapidjson::SizeType length, bool /*copy*/) {
  if (!checkString({text, length})) return false;
  pendingKey_.assign(text, length);
  Frame& frame = stack_.back();
  if (isDuplicate(frame, pendingKey_)) return fail("duplicate key \"" + pendingKey_ + "\"");
  // A streamed body's other members are a handful: a million of them are refused as they come.
  if (streamed_ != nullptr && stack_.size() == 1 &&
      frame.container->members.size() >= streamed_->maxOtherMembers) {
    return fail("more than " + std::to_string(streamed_->maxOtherMembers) + " members",
                JsonStreamOutcome::Kind::kTooManyMembers);
  }
  return true;
}

bool atOnlyWhitespace(std::string_view text, std::size_t from) {
  return text.find_first_not_of(" \t\r\n", from) == std::string_view::npos;
}

JsonStreamOutcome read(std::string_view text, const JsonStreamedArray* streamed, JsonValue& root,
                       const JsonReadLimits& limits) {
  ValueBuilder builder(limits, root, streamed);
  rapidjson::MemoryStream input(text.data(), text.size());
  rapidjson::Reader reader;
  const rapidjson::ParseResult result = reader.Parse<kParseFlags>(input, builder);
  auto malformed = [](std::string message, std::size_t offset) {
    return JsonStreamOutcome{JsonStreamOutcome::Kind::kMalformed,
                             std::move(message) + " at byte " + std::to_string(offset)};
  };
  if (result.IsError()) {
    if (result.Code() != rapidjson::kParseErrorTermination) {
      return malformed(rapidjson::GetParseError_En(result.Code()), result.Offset());
    }
    if (builder.stopKind() != JsonStreamOutcome::Kind::kMalformed) {
      return JsonStreamOutcome{builder.stopKind(), builder.failure()};
    }
    return malformed(builder.failure(), result.Offset());
  }
  // A NUL byte looks like the end to the reader's stream: whatever follows the value is checked.
  if (!atOnlyWhitespace(text, input.Tell())) {
    return malformed("unexpected data after the JSON value", input.Tell());
  }
  return JsonStreamOutcome{};
}

}  // namespace

std::optional<JsonValue> parseJson(std::string_view text, std::string& error,
                                   const JsonReadLimits& limits) {
  JsonValue root;
  auto outcome = read(text, nullptr, root, limits);
  if (outcome.kind != JsonStreamOutcome::Kind::kRead) {
    error = std::move(outcome.error);
    return std::nullopt;
  }
  return root;
}

JsonStreamOutcome parseJsonStreaming(std::string_view text, const JsonStreamedArray& streamed,
                                     JsonValue& root, const JsonReadLimits& limits) {
  return read(text, &streamed, root, limits);
}

}  // namespace vo::core::http
