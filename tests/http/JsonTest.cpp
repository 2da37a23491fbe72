#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "http/JsonReader.h"
#include "http/JsonWriter.h"

namespace vo::core::http {
namespace {

std::optional<JsonValue> parse(const std::string& text) {
  std::string error;
  return parseJson(text, error);
}

TEST(JsonParser, ParsesEveryKindOfValue) {
  auto value = parse(R"( {"s":"a\"b\\c\u00e9\ud83d\ude00","n":-12.5e3,"t":true,"f":false,)"
                     R"("z":null,"a":[1,{"x":[]}]} )");
  ASSERT_TRUE(value);
  ASSERT_TRUE(value->isObject());
  EXPECT_EQ(value->find("s")->text, "a\"b\\c\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(value->find("n")->text, "-12.5e3");
  EXPECT_TRUE(value->find("t")->boolean);
  EXPECT_FALSE(value->find("f")->boolean);
  EXPECT_EQ(value->find("z")->type, JsonValue::Type::kNull);
  EXPECT_EQ(value->find("a")->items.size(), 2u);
}

TEST(JsonParser, RefusesMalformedAndHostileInput) {
  const std::vector<std::string> bad = {
      "",
      "{",
      R"({"a":1,})",
      R"({"a" 1})",
      "[1,]",
      "{'a':1}",
      R"({"a":01})",
      R"({"a":1.})",
      R"({"a":-})",
      R"({"a":tru})",
      R"({"a":1} x)",
      R"({"a":"\x"})",
      R"({"a":"\u12"})",
      R"({"a":"\u0000"})",
      std::string("{\"a\":\"x\0y\"}", 11),
      "{\"a\":\"line\nbreak\"}",
      "{\"a\":\"\xC3\"}",          // truncated UTF-8
      "{\"a\":\"\xC0\xAF\"}",      // overlong
      "{\"a\":\"\xED\xA0\x80\"}",  // UTF-16 surrogate encoded in UTF-8
      "{\"a\":\"\xF5\x80\x80\x80\"}",
      R"({"a":"\ud800"})",
      R"({"a":"\udc00"})",
      R"({"a":1,"a":2})",
      R"({"a":1e400})",
      R"({"a":123456789012345678901234567890123})",
      std::string(100, '[') + std::string(100, ']'),
      std::string("{\"a\":1}\0{", 9),  // a NUL byte is not the end of the body
      "{\"a\":1}{\"b\":2}",
      "\xEF\xBB\xBF{}",  // a byte-order mark is not JSON
  };
  for (const auto& text : bad) {
    std::string error;
    EXPECT_FALSE(parseJson(text, error).has_value()) << "accepted: " << text;
    EXPECT_FALSE(error.empty());
  }
}

TEST(JsonParser, AHugeObjectOrArrayIsRefusedAtItsValueBudgetNotHeldWhole) {
  // 1,000,000 distinct keys (13 MB): refused at the budget, duplicates found by hash, not scan.
  std::string keys = "{";
  for (int i = 0; i < 1000000; ++i) keys += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  keys += "}";
  std::string error;
  EXPECT_FALSE(parseJson(keys, error));
  EXPECT_NE(error.find("more than 100000 values"), std::string::npos) << error;
  // 16,000,000 elements (32 MB) likewise.
  std::string zeros = "{\"x\":[0";
  zeros.reserve(32 * 1024 * 1024);
  for (int i = 1; i < 16000000; ++i) zeros += ",0";
  zeros += "]}";
  error.clear();
  EXPECT_FALSE(parseJson(zeros, error));
  EXPECT_NE(error.find("more than 100000 values"), std::string::npos) << error;
  // Just within the budget it parses, and a duplicate deep in a large object is still found.
  std::string within = "[0";
  for (int i = 1; i < 99999; ++i) within += ",0";
  within += "]";
  EXPECT_TRUE(parseJson(within, error)) << error;
  std::string duplicate = "{";
  for (int i = 0; i < 5000; ++i) duplicate += "\"k" + std::to_string(i) + "\":0,";
  duplicate += "\"k17\":1}";
  error.clear();
  EXPECT_FALSE(parseJson(duplicate, error));
  EXPECT_NE(error.find("duplicate key \"k17\""), std::string::npos) << error;
  duplicate = R"({"a":1,"b":2,"a":3})";
  error.clear();
  EXPECT_FALSE(parseJson(duplicate, error));
  EXPECT_NE(error.find("duplicate key \"a\""), std::string::npos) << error;
}

TEST(JsonParser, NestingUpToTheLimitIsFine) {
  const int depth = JsonReadLimits{}.maxDepth;
  EXPECT_TRUE(parse(std::string(depth, '[') + std::string(depth, ']')));
  EXPECT_FALSE(parse(std::string(depth + 1, '[') + std::string(depth + 1, ']')));
}

TEST(JsonWriter, EscapesAndRoundTrips) {
  std::string out;
  JsonWriter writer(out);
  const std::string tricky = "quote\" backslash\\ tab\t nl\n ctl\x01 é";
  writer.beginObject().key("s").string(tricky).key("n").integer(-42).key("e").stringOrNull("");
  writer.key("l").beginArray().boolean(true).null().number(1.5).endArray().endObject();
  EXPECT_EQ(out.find('\n'), std::string::npos);
  auto value = parse(out);
  ASSERT_TRUE(value) << out;
  EXPECT_EQ(value->find("s")->text, tricky);
  EXPECT_EQ(value->find("n")->text, "-42");
  EXPECT_EQ(value->find("e")->type, JsonValue::Type::kNull);
  EXPECT_EQ(value->find("l")->items.size(), 3u);

  EXPECT_EQ(toJson(*value), out);
}

TEST(JsonWriter, WritesNumbersAsJsonHasThem) {
  std::string out;
  JsonWriter(out)
      .beginArray()
      .number(0.1)
      .number(std::numeric_limits<double>::infinity())
      .integer(std::numeric_limits<int64_t>::min())
      .raw(R"({"kept":[1]})")
      .endArray();
  EXPECT_EQ(out, R"([0.1,0.0,-9223372036854775808,{"kept":[1]}])");
}

// The bulk endpoint's shape: a top-level object whose `calls` array is read row by row.
struct Streamed {
  JsonValue root;
  std::vector<JsonValue> elements;
  JsonStreamOutcome outcome;
};

Streamed stream(const std::string& text, std::size_t stopAfter = 1000000) {
  Streamed result;
  const JsonStreamedArray calls{"calls",
                                [&](JsonValue&& element) {
                                  if (result.elements.size() >= stopAfter) return false;
                                  result.elements.push_back(std::move(element));
                                  return true;
                                },
                                3};
  result.outcome = parseJsonStreaming(text, calls, result.root);
  return result;
}

TEST(JsonStreaming, HandsOverTheArrayElementsOneByOneAndKeepsTheRest) {
  auto read = stream(R"({"name":"n","calls":[{"to":"+1"},7,[[]],"s"],"x":{"calls":[1]}})");
  ASSERT_EQ(read.outcome.kind, JsonStreamOutcome::Kind::kRead) << read.outcome.error;
  ASSERT_EQ(read.elements.size(), 4u);
  EXPECT_EQ(read.elements[0].find("to")->text, "+1");
  EXPECT_EQ(read.elements[1].text, "7");
  EXPECT_EQ(read.elements[2].items.size(), 1u);
  EXPECT_EQ(read.elements[3].text, "s");
  EXPECT_EQ(toJson(read.root), R"({"name":"n","calls":[],"x":{"calls":[1]}})");

  // Not an array, or not at the top: an ordinary member.
  read = stream(R"({"calls":{"to":"+1"}})");
  ASSERT_EQ(read.outcome.kind, JsonStreamOutcome::Kind::kRead);
  EXPECT_TRUE(read.elements.empty());
  EXPECT_TRUE(read.root.find("calls")->isObject());
  read = stream(R"([{"calls":[1]}])");
  ASSERT_EQ(read.outcome.kind, JsonStreamOutcome::Kind::kRead);
  EXPECT_TRUE(read.elements.empty());
}

TEST(JsonStreaming, EachElementHasItsOwnBudgetAndTheReaderCanStop) {
  // 300,000 values in all, 3 per element: within every element's budget of 100,000.
  std::string rows = R"({"calls":[)";
  for (int i = 0; i < 100000; ++i) rows += i ? ",[1,2]" : "[1,2]";
  rows += "]}";
  auto read = stream(rows);
  ASSERT_EQ(read.outcome.kind, JsonStreamOutcome::Kind::kRead) << read.outcome.error;
  EXPECT_EQ(read.elements.size(), 100000u);
  // One element over the budget.
  std::string big = R"({"calls":[[0)";
  for (int i = 0; i < 100000; ++i) big += ",0";
  big += "]]}";
  read = stream(big);
  EXPECT_EQ(read.outcome.kind, JsonStreamOutcome::Kind::kMalformed);
  EXPECT_NE(read.outcome.error.find("more than 100000 values"), std::string::npos);

  read = stream(R"({"calls":[1,2,3,4]})", 2);
  EXPECT_EQ(read.outcome.kind, JsonStreamOutcome::Kind::kStoppedByElement);
  EXPECT_EQ(read.elements.size(), 2u);
}

TEST(JsonStreaming, RefusesDuplicatesAndTooManyOtherMembers) {
  auto read = stream(R"({"calls":[1],"calls":[2]})");
  EXPECT_EQ(read.outcome.kind, JsonStreamOutcome::Kind::kMalformed);
  EXPECT_NE(read.outcome.error.find("duplicate key \"calls\""), std::string::npos);
  read = stream(R"({"a":1,"b":2,"c":3,"d":4})");
  EXPECT_EQ(read.outcome.kind, JsonStreamOutcome::Kind::kTooManyMembers);
  read = stream(R"({"calls":[{"a":1,"a":2}]})");
  EXPECT_EQ(read.outcome.kind, JsonStreamOutcome::Kind::kMalformed);
}

}  // namespace
}  // namespace vo::core::http
