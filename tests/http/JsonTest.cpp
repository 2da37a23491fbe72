#include <gtest/gtest.h>

#include "http/Json.h"

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
  const int depth = JsonParser::kDefaultMaxDepth;
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

  std::string again;
  appendJson(again, *value);
  EXPECT_EQ(again, out);
}

}  // namespace
}  // namespace vo::core::http
