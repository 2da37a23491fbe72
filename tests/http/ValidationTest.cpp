#include <gtest/gtest.h>

#include "http/IsoTime.h"
#include "http/JsonReader.h"
#include "http/Validation.h"

namespace vo::core::http {
namespace {

JsonValue parsed(const std::string& text) {
  std::string error;
  auto value = parseJson(text, error);
  EXPECT_TRUE(value) << error;
  return value.value_or(JsonValue{});
}

TEST(Validation, Ids) {
  EXPECT_FALSE(checkId("agent_01jz-x.y:z"));
  EXPECT_TRUE(checkId(""));
  EXPECT_TRUE(checkId(std::string(129, 'a')));
  EXPECT_TRUE(checkId("a/b"));
  EXPECT_TRUE(checkId("a b"));
  EXPECT_TRUE(checkId("caf\xC3\xA9"));
}

TEST(Validation, VariablesAreFlatNamedAndBounded) {
  const ValidationLimits limits{3, 8};
  std::string json;
  EXPECT_FALSE(
      validateVariables(parsed(R"({"a":"x","_b2":1.5,"c":null})"), "variables", limits, json));
  EXPECT_EQ(json, R"({"a":"x","_b2":1.5,"c":null})");

  struct Case {
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"([1])", "variables"},
      {R"({"a":1,"b":2,"c":3,"d":4})", "variables"},
      {R"({"1a":"x"})", "variables.1a"},
      {R"({"a-b":"x"})", "variables.a-b"},
      {R"({"system__id":"x"})", "variables.system__id"},
      {R"({"a":{"b":1}})", "variables.a"},
      {R"({"a":[1]})", "variables.a"},
      {R"({"a":"123456789"})", "variables.a"},
  };
  for (const auto& c : cases) {
    auto error = validateVariables(parsed(c.body), "variables", limits, json);
    ASSERT_TRUE(error) << c.body;
    EXPECT_EQ(error->status, 400);
    EXPECT_EQ(error->field, c.field) << c.body;
  }
}

TEST(Validation, VariableNumbersFitIn64Bits) {
  const ValidationLimits limits{8, 1024};
  std::string json;
  EXPECT_FALSE(validateVariables(
      parsed(R"({"a":9223372036854775807,"b":-9223372036854775808,"c":1.5e300,"d":-0.0})"),
      "variables", limits, json));
  for (const char* number : {"9223372036854775808", "18446744073709551617", "-9223372036854775809",
                             "100000000000000000000000000000"}) {
    auto error = validateVariables(parsed(std::string(R"({"n":)") + number + "}"), "variables",
                                   limits, json);
    ASSERT_TRUE(error) << number;
    EXPECT_EQ(error->status, 400);
    EXPECT_EQ(error->field, "variables.n") << number;
    EXPECT_NE(error->message.find("64"), std::string::npos) << error->message;
  }
}

TEST(Validation, ObjectFieldsNameTheField) {
  const JsonValue row = parsed(R"({"to":"12","extra":1,"n":"x"})");
  ObjectFields fields(row, "calls[3].");
  auto unknown = fields.onlyKnown({"to", "n"});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->field, "calls[3].extra");
  EXPECT_EQ(unknown->code, "unknown_field");
  std::string to;
  auto phone = fields.requiredPhone("to", to);
  ASSERT_TRUE(phone);
  EXPECT_EQ(phone->field, "calls[3].to");
  std::string missing;
  EXPECT_EQ(fields.requiredId("agentId", missing)->message, "calls[3].agentId: is required");
  int count = 0;
  EXPECT_TRUE(fields.optionalCount("n", 10, count));
}

TEST(Validation, PhoneFieldsStoreE164) {
  const JsonValue row = parsed(R"({"to":"+34 631 02 16 22","from":"","other":null})");
  ObjectFields fields(row, "");
  std::string to = "x";
  EXPECT_FALSE(fields.requiredPhone("to", to));
  EXPECT_EQ(to, "+34631021622");
  std::string from = "x";
  EXPECT_FALSE(fields.optionalPhone("from", from));
  EXPECT_EQ(from, "");
  EXPECT_FALSE(fields.optionalPhone("other", from));
  EXPECT_FALSE(fields.optionalPhone("absent", from));
  EXPECT_EQ(fields.requiredPhone("from", to)->message, "from: must not be empty");
}

TEST(IsoTime, FormatsAndParses) {
  EXPECT_EQ(formatIsoMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatIsoMs(951782400123), "2000-02-29T00:00:00.123Z");
  EXPECT_EQ(formatDay(1767225599999), "2025-12-31");
  EXPECT_EQ(parseIsoTimestamp("2000-02-29T00:00:00.123Z"), 951782400123);
  EXPECT_EQ(parseIsoTimestamp("2000-02-29T01:00:00+01:00"), 951782400000);
  EXPECT_EQ(parseIsoTimestamp("2000-02-29"), 951782400000);
  EXPECT_EQ(parseDay("2024-02-29"), 1709164800000);
  for (const char* bad :
       {"2023-02-29", "2024-13-01", "2024-1-01", "yesterday", "2024-01-01T25:00:00Z",
        "2024-01-01T10:00:00", "2024-01-01T10:00:00.Z", "1969-12-31"}) {
    EXPECT_FALSE(parseIsoTimestamp(bad)) << bad;
  }
}

}  // namespace
}  // namespace vo::core::http
