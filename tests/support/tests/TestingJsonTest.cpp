// vo::testing::Json, the view tests read answers through: a wrong read must throw naming where
// in the document it went wrong, never abort in RapidJSON or read past the value.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>

#include "vo/testing/Json.h"

namespace vo::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr const char* kCall = R"({
  "id": "call_1",
  "variables": {"customerName": "Juan P\u00e9rez", "nul": "a\u0000b"},
  "attempts": 3,
  "big": 9007199254740993,
  "negative": -12,
  "ratio": 0.25,
  "scientific": 1e3,
  "shared": true,
  "nextCursor": null,
  "history": [{"status": "initiated"}, {"status": "completed"}]
})";

TEST(TestingJson, ReadsEveryKindOfValue) {
  const Json call = Json::parse(kCall);
  EXPECT_TRUE(call.isObject());
  EXPECT_EQ(call["id"].string(), "call_1");
  EXPECT_EQ(call["variables"]["customerName"].string(), "Juan Pérez");
  EXPECT_EQ(call["variables"]["nul"].string(), std::string("a\0b", 3));
  EXPECT_EQ(call["attempts"].int64(), 3);
  EXPECT_EQ(call["big"].int64(), 9007199254740993);  // beyond a double's exact integers
  EXPECT_EQ(call["negative"].int64(), -12);
  EXPECT_EQ(call["ratio"].number(), 0.25);
  EXPECT_EQ(call["attempts"].number(), 3.0);
  EXPECT_TRUE(call["shared"].boolean());
  EXPECT_TRUE(call["nextCursor"].isNull());
  EXPECT_TRUE(call["history"].isArray());
  EXPECT_TRUE(call["id"].isString());
  EXPECT_TRUE(call["ratio"].isNumber());
  EXPECT_TRUE(call["shared"].isBoolean());
  EXPECT_FALSE(call["id"].isNull());
  EXPECT_EQ(call["history"].at(1)["status"].string(), "completed");
}

TEST(TestingJson, HasTellsAMissingMemberFromANullOne) {
  const Json call = Json::parse(kCall);
  EXPECT_TRUE(call.has("nextCursor"));
  EXPECT_FALSE(call.has("durationSecs"));
  // A key that is a prefix of a member's name, passed without its terminating NUL.
  EXPECT_TRUE(call.has(std::string_view("idle").substr(0, 2)));
  EXPECT_FALSE(call.has(std::string_view("ids").substr(0, 3)));
}

TEST(TestingJson, AMissingMemberThrowsNamingItsPath) {
  const Json call = Json::parse(kCall);
  EXPECT_THAT([&] { call["variables"]["row"]; },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.variables: no member \"row\"")));
  EXPECT_THAT([&] { call["history"].at(2); },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.history: no element 2 among 2")));
  EXPECT_THAT([&] { call["history"].at(0)["id"]; },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.history[0]: no member \"id\"")));
}

TEST(TestingJson, AWrongTypeThrowsNamingThePathAndTheType) {
  const Json call = Json::parse(kCall);
  EXPECT_THAT([&] { call["attempts"].string(); },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.attempts: a number, not a string")));
  EXPECT_THAT([&] { call["id"].int64(); },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.id: a string, not an integer")));
  EXPECT_THAT([&] { call["nextCursor"].string(); },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.nextCursor: null, not a string")));
  EXPECT_THAT([&] { call["shared"].number(); },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.shared: a boolean, not a number")));
  EXPECT_THAT([&] { call["id"].boolean(); },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.id: a string, not a boolean")));
  EXPECT_THAT([&] { call["history"]["status"]; },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.history: an array, not an object")));
  EXPECT_THAT([&] { call["variables"].at(0); },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.variables: an object, not an array")));
  EXPECT_THAT([&] { call["id"].has("x"); },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.id: a string, not an object")));
  EXPECT_THAT([&] { call["id"].size(); },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.id: a string has no size")));
}

TEST(TestingJson, Int64TakesIntegersOnly) {
  const Json call = Json::parse(kCall);
  EXPECT_THROW(call["ratio"].int64(), std::runtime_error);
  EXPECT_THROW(call["scientific"].int64(), std::runtime_error);  // 1e3 is parsed as a double
  EXPECT_EQ(call["scientific"].number(), 1000.0);
  const Json limits = Json::parse(R"({"max":9223372036854775807,"over":9223372036854775808})");
  EXPECT_EQ(limits["max"].int64(), std::numeric_limits<int64_t>::max());
  EXPECT_THAT([&] { limits["over"].int64(); },
              ThrowsMessage<std::runtime_error>(HasSubstr("$.over: a number outside")));
}

TEST(TestingJson, SizeElementsAndMembersFollowTheDocument) {
  const Json call = Json::parse(kCall);
  EXPECT_EQ(call.size(), 10u);
  EXPECT_EQ(call["history"].size(), 2u);
  const auto history = call["history"].elements();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0]["status"].string(), "initiated");
  EXPECT_EQ(history[1].path(), "$.history[1]");
  const auto variables = call["variables"].members();
  ASSERT_EQ(variables.size(), 2u);
  EXPECT_EQ(variables[0].first, "customerName");
  EXPECT_EQ(variables[0].second.string(), "Juan Pérez");
  EXPECT_EQ(variables[1].first, "nul");
  EXPECT_EQ(variables[1].second.path(), "$.variables.nul");
  EXPECT_TRUE(Json::parse("[]").elements().empty());
  EXPECT_TRUE(Json::parse("{}").members().empty());
  EXPECT_THROW(call["history"].members(), std::runtime_error);
  EXPECT_THROW(call["variables"].elements(), std::runtime_error);
}

TEST(TestingJson, AViewKeepsItsDocumentAlive) {
  const Json status = Json::parse(kCall)["history"].at(1)["status"];
  const Json copy = status;
  EXPECT_EQ(copy.string(), "completed");
  EXPECT_EQ(copy.path(), "$.history[1].status");
}

TEST(TestingJson, TextWritesTheValueBackAsCompactJson) {
  EXPECT_EQ(Json::parse(R"( { "a" : [ 1 , 2.5 , "x\"y" ] , "b" : null } )").text(),
            R"({"a":[1,2.5,"x\"y"],"b":null})");
  EXPECT_EQ(Json::parse(kCall)["variables"]["nul"].text(), R"("a\u0000b")");
  EXPECT_EQ(Json::parse(kCall)["history"].at(0).text(), R"({"status":"initiated"})");
}

TEST(TestingJson, ParseRefusesWhatIsNotJsonNamingWhere) {
  EXPECT_THAT([] { Json::parse("{not json"); },
              ThrowsMessage<std::runtime_error>(HasSubstr("not JSON (")));
  EXPECT_THAT([] { Json::parse(R"({"a":1} x)"); },
              ThrowsMessage<std::runtime_error>(HasSubstr("at offset 8")));
  EXPECT_THROW(Json::parse(""), std::runtime_error);
  EXPECT_THROW(Json::parse(R"({"a":1)"), std::runtime_error);
  EXPECT_THROW(Json::parse("[1,]"), std::runtime_error);
  // Only the view's characters are parsed, not what follows them in memory.
  EXPECT_EQ(Json::parse(std::string_view("[7]]]", 3)).at(0).int64(), 7);
  EXPECT_TRUE(Json::parse("null").isNull());
}

}  // namespace
}  // namespace vo::testing
