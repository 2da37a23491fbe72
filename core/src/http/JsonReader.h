#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http/JsonValue.h"

namespace vo::core::http {

// Limits that keep hostile input cheap. RapidJSON's SAX reader holds no tree and no index of the
// body; JsonReader builds JsonValues from its events with these bounds: nesting, number literal
// length, values per value built (each is a node of ~100 bytes, so a 32 MB body of one-byte
// values cannot become gigabytes). On top of the library's RFC 8259 and UTF-8 checks it refuses
// duplicate keys (a hash set in large objects, not a scan per key), NUL characters and escaped
// lone surrogates.
struct JsonReadLimits {
  int maxDepth = 16;
  std::size_t maxNumberLength = 32;
  std::size_t maxValues = 100000;
};

// The whole text must be exactly one JSON value. nullopt with `error` set when it is not.
std::optional<JsonValue> parseJson(std::string_view text, std::string& error,
                                   const JsonReadLimits& limits = {});

// A top-level object one member of which, an array, may be as long as the body allows: its
// elements are handed over one by one as they are read, each with a value budget of its own,
// and never held together.
struct JsonStreamedArray {
  std::string_view key;
  // Takes each element; false stops the read (the callback keeps its own reason).
  std::function<bool(JsonValue&& element)> onElement;
  // The other top-level members are held; more than this many stops the read.
  std::size_t maxOtherMembers = 64;
};

struct JsonStreamOutcome {
  enum class Kind { kRead, kMalformed, kStoppedByElement, kTooManyMembers };
  Kind kind = Kind::kRead;
  std::string error;  // what is malformed, for kMalformed
};

// Reads `text` into `root`. When it is an object holding `streamed.key` as an array, that member
// stays in `root` as an empty array and its elements go to `streamed.onElement`.
JsonStreamOutcome parseJsonStreaming(std::string_view text, const JsonStreamedArray& streamed,
                                     JsonValue& root, const JsonReadLimits& limits = {});

}  // namespace vo::core::http
