#pragma once

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// Header-only: tests/fuzz compiles the plugin's sources one by one, without its CMake targets.
namespace vo::elevenlabs {

// Nesting the provider never sends; refusing it keeps the parser's recursion, and every later
// walk of a document (writing it back out recurses), shallow whatever a body holds.
inline constexpr unsigned kMaxJsonDepth = 128;

namespace detail {

// Builds the document from the reader's events, with two guards: nesting beyond kMaxJsonDepth
// fails the parse, and numbers come as their text (RapidJSON 1.1's own full-precision conversion
// reads out of bounds on some inputs) and are converted here, correctly rounded.
class GuardedHandler {
 public:
  explicit GuardedHandler(rapidjson::Document& document) : document_(document) {}

  bool Null() { return document_.Null(); }
  bool Bool(bool value) { return document_.Bool(value); }
  bool Int(int value) { return document_.Int(value); }
  bool Uint(unsigned value) { return document_.Uint(value); }
  bool Int64(int64_t value) { return document_.Int64(value); }
  bool Uint64(uint64_t value) { return document_.Uint64(value); }
  bool Double(double value) { return document_.Double(value); }
  // The reader has checked the number's syntax; out of a double's range fails the parse.
  bool RawNumber(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    const char* end = text + length;
    int64_t integer = 0;
    if (const auto [stop, error] = std::from_chars(text, end, integer);
        error == std::errc() && stop == end) {
      return document_.Int64(integer);
    }
    uint64_t large = 0;
    if (const auto [stop, error] = std::from_chars(text, end, large);
        error == std::errc() && stop == end) {
      return document_.Uint64(large);
    }
    double number = 0;
    const auto [stop, error] = std::from_chars(text, end, number);
    return error == std::errc() && stop == end && document_.Double(number);
  }
  bool String(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.String(text, length, copy);
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.Key(text, length, copy);
  }
  bool StartObject() { return ++depth_ <= kMaxJsonDepth && document_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return document_.EndObject(members);
  }
  bool StartArray() { return ++depth_ <= kMaxJsonDepth && document_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return document_.EndArray(elements);
  }

 private:
  rapidjson::Document& document_;
  unsigned depth_ = 0;
};

// Memory for the values of a ScratchDocument: a buffer its thread keeps from one document to the
// next (one per document alive at once), where RapidJSON's own allocator takes a fresh 64 KiB
// chunk from malloc for every document. glibc answers a request that large by consolidating its
// fast bins first: 3.5 % of the server's CPU went there, parsing dial answers and webhooks
// (bench/RESULTS.md). A document outgrowing the buffer takes further chunks from malloc.
class ScratchMemory {
 public:
  ScratchMemory(const ScratchMemory&) = delete;
  ScratchMemory& operator=(const ScratchMemory&) = delete;

 protected:
  static constexpr std::size_t kBufferBytes = 16 * 1024;

  ScratchMemory() : buffer_(takeBuffer()), allocator_(buffer_.get(), kBufferBytes) {}
  ~ScratchMemory() {
    allocator_.Clear();  // frees the chunks it took beyond the buffer, and leaves the buffer be
    if (spareBuffers().size() < kSpareBuffersKept) spareBuffers().push_back(std::move(buffer_));
  }
  rapidjson::MemoryPoolAllocator<>& allocator() { return allocator_; }

 private:
  static constexpr std::size_t kSpareBuffersKept = 4;

  static std::vector<std::unique_ptr<char[]>>& spareBuffers() {
    thread_local std::vector<std::unique_ptr<char[]>> spare;
    return spare;
  }
  static std::unique_ptr<char[]> takeBuffer() {
    auto& spare = spareBuffers();
    if (spare.empty()) return std::make_unique<char[]>(kBufferBytes);
    std::unique_ptr<char[]> buffer = std::move(spare.back());
    spare.pop_back();
    return buffer;
  }

  std::unique_ptr<char[]> buffer_;  // before allocator_, which is built on it
  rapidjson::MemoryPoolAllocator<> allocator_;
};

}  // namespace detail

// A rapidjson::Document whose values live in its thread's scratch memory (see ScratchMemory),
// and whose parse stack starts small enough for glibc's per-thread cache.
class ScratchDocument : private detail::ScratchMemory, public rapidjson::Document {
 public:
  ScratchDocument() : rapidjson::Document(&allocator(), kParseStackBytes) {}

 private:
  static constexpr std::size_t kParseStackBytes = 256;
};

// Parses text the provider (or an operator) sent: exactly one JSON value, valid UTF-8, nested at
// most kMaxJsonDepth deep. False for anything else, never an exception; `document` is then null.
inline bool parseJson(const std::string& text, rapidjson::Document& document) {
  constexpr unsigned kFlags =
      rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag;
  // A stream bounded by the text's size: RapidJSON 1.1's UTF-8 check reads a truncated sequence's
  // missing bytes, past the end of a NUL-terminated one (found by fuzz_webhook).
  rapidjson::MemoryStream stream(text.data(), text.size());
  bool parsed = false;
  auto generate = [&](rapidjson::Document& target) {
    detail::GuardedHandler handler(target);
    // Kept by the thread: its stack, where strings are unescaped, keeps its size between parses.
    thread_local rapidjson::Reader reader;
    // A NUL byte reads as the end of the text: whatever follows it is trailing garbage.
    parsed = !reader.Parse<kFlags>(stream, handler).IsError() && stream.Tell() == text.size();
    return parsed;
  };
  document.Populate(generate);
  if (!parsed) document.SetNull();
  return parsed;
}

}  // namespace vo::elevenlabs
