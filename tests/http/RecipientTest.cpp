// The recipient of a call: its number in E.164 and the time zone it is in (docs/scheduling.md).
#include "ApiFixture.h"

namespace vo::core::http::testing {
namespace {

using Recipients = ApiFixture;

std::string priorityTo(const std::string& recipientFields) {
  return R"({"workspaceId":"workspace_id","agentId":"agent_1","agentPhoneNumberId":"phnum_1",)" +
         recipientFields + "}";
}

std::string bulkOf(const std::string& rows) {
  return R"({"workspaceId":"workspace_id","agentId":"agent_1","agentPhoneNumberId":"phnum_1",)"
         R"("from":"+34 601 893 170","calls":[)" +
         rows + "]}";
}

const JsonValue& field(const JsonValue& object, const char* name) {
  static const JsonValue missing;
  const JsonValue* value = object.find(name);
  EXPECT_NE(value, nullptr) << name;
  return value != nullptr ? *value : missing;
}

TEST_F(Recipients, APriorityCallShowsItsNumberInE164AndTheZoneItNames) {
  seedWorkspace("workspace_id");
  ApiResponse response = post(
      "/calls/priority", priorityTo(R"("to":"+1 (212) 555-0123","timezone":"America/New_York")"));
  ASSERT_EQ(response.status, 201) << response.body;
  const JsonValue answer = json(response);
  const JsonValue call = json(get("/calls/" + field(answer, "id").text));
  EXPECT_EQ(field(call, "to").text, "+12125550123");
  EXPECT_EQ(field(call, "timezone").text, "America/New_York");
}

TEST_F(Recipients, TheZoneIsTheRegionsWhenItHasOneAndNoneWhenItHasSeveral) {
  seedWorkspace("workspace_id");
  ApiResponse response = post("/calls/bulk", bulkOf(R"({"to":"+81 3-1234-5678"},)"
                                                    R"({"to":"+34631021622"},)"
                                                    R"({"to":"+34631021623","timezone":null},)"
                                                    R"({"to":"+442079460958"})"));
  ASSERT_EQ(response.status, 202) << response.body;
  const std::string campaignId = field(json(response), "campaignId").text;
  std::map<std::string, JsonValue> byNumber;
  const JsonValue listed = json(get("/calls?campaignId=" + campaignId));
  for (const JsonValue& call : field(listed, "data").items) {
    byNumber[field(call, "to").text] = call;
    EXPECT_EQ(field(call, "from").text, "+34601893170");
  }
  ASSERT_EQ(byNumber.size(), 4u);
  EXPECT_EQ(field(byNumber["+81312345678"], "timezone").text, "Asia/Tokyo");
  EXPECT_EQ(field(byNumber["+442079460958"], "timezone").text, "Europe/London");
  // Spain has three zones (Madrid, Ceuta, the Canaries) and nothing here names one.
  EXPECT_EQ(field(byNumber["+34631021622"], "timezone").type, JsonValue::Type::kNull);
  EXPECT_EQ(field(byNumber["+34631021623"], "timezone").type, JsonValue::Type::kNull);
}

TEST_F(Recipients, TheWorkspacesZoneIsTheLastResort) {
  seedWorkspace("workspace_id", R"(,"timezone":"Atlantic/Canary")");
  const JsonValue workspace = json(get("/workspaces/workspace_id"));
  EXPECT_EQ(field(workspace, "timezone").text, "Atlantic/Canary");
  ApiResponse response = post("/calls/bulk", bulkOf(R"({"to":"+34631021622"},)"
                                                    R"({"to":"+81312345678"},)"
                                                    R"({"to":"+34631021623","timezone":"UTC"})"));
  ASSERT_EQ(response.status, 202) << response.body;
  std::map<std::string, std::string> zoneOf;
  const JsonValue listed =
      json(get("/calls?campaignId=" + field(json(response), "campaignId").text));
  for (const JsonValue& call : field(listed, "data").items) {
    zoneOf[field(call, "to").text] = field(call, "timezone").text;
  }
  EXPECT_EQ(zoneOf["+34631021622"], "Atlantic/Canary");  // Spain has several: the workspace's
  EXPECT_EQ(zoneOf["+81312345678"], "Asia/Tokyo");       // the region's only zone comes first
  EXPECT_EQ(zoneOf["+34631021623"], "UTC");              // and the row's own before that

  ApiResponse priority = post("/calls/priority", priorityTo(R"("to":"+34631021624")"));
  ASSERT_EQ(priority.status, 201) << priority.body;
  EXPECT_EQ(field(json(priority), "timezone").text, "Atlantic/Canary");

  ApiResponse refused =
      post("/workspaces", R"({"id":"other","name":"Other","timezone":"Europe/Nowhere"})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(errorCode(refused), "invalid_field");
  EXPECT_EQ(get("/workspaces/other").status, 404);
}

TEST_F(Recipients, BadNumbersAndZonesAreNamedAndChangeNothing) {
  seedWorkspace("workspace_id");
  struct Case {
    std::string fields;
    std::string field;
    std::string reason;
  };
  for (const Case& c :
       {Case{R"("to":"+34631021622","timezone":"Europe/Atlantis")", "timezone",
             "not a time zone tzdata knows (an IANA name like \"Europe/Madrid\")"},
        Case{R"("to":"+34631021622","timezone":"")", "timezone",
             "not a time zone tzdata knows (an IANA name like \"Europe/Madrid\")"},
        Case{R"("to":"+34631021622","timezone":1)", "timezone", "must be a string, got number"},
        Case{R"("to":"+15550100100")", "to", "not a valid +1 number (no such range is in use)"},
        Case{R"("to":"631021622")", "to",
             "must be in international form: + then the country code (+34 601 89 31 70)"},
        Case{R"("to":"+34631021622","from":"+3460189317")", "from",
             "too short for a +34 number"}}) {
    ApiResponse response = post("/calls/priority", priorityTo(c.fields));
    ASSERT_EQ(response.status, 400) << c.fields;
    const JsonValue answer = json(response);
    const JsonValue& details = field(field(answer, "error"), "details");
    EXPECT_EQ(field(details, "field").text, c.field) << c.fields;
    EXPECT_EQ(field(details, "reason").text, c.reason) << c.fields;
  }
  EXPECT_EQ(storedCalls(), 0);

  ApiResponse bulk = post("/calls/bulk", bulkOf(R"({"to":"+34631021622"},)"
                                                R"({"to":"+34631021622","timezone":"Mars/Base"})"));
  ASSERT_EQ(bulk.status, 202) << bulk.body;
  const JsonValue bulkAnswer = json(bulk);
  const auto& rejected = field(bulkAnswer, "rejected").items;
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(field(rejected[0], "index").text, "1");
  EXPECT_EQ(field(rejected[0], "field").text, "calls[1].timezone");
  EXPECT_EQ(storedCalls(), 1);
}

TEST_F(Recipients, CallsAreFoundByTheirNumberInAnyWriting) {
  seedWorkspace("workspace_id");
  ASSERT_EQ(
      post("/calls/bulk", bulkOf(R"({"to":"+34 631 02 16 22"},{"to":"+34631021623"})")).status,
      202);
  // The fixture hands the query over decoded, as the HTTP front does.
  const ApiResponse listed = get("/calls?to=+34 631 02 16 22");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const JsonValue found = json(listed);
  ASSERT_EQ(field(found, "data").items.size(), 1u);
  EXPECT_EQ(field(field(found, "data").items[0], "to").text, "+34631021622");
  EXPECT_EQ(get("/calls?to=+3463").status, 400);
}

}  // namespace
}  // namespace vo::core::http::testing
