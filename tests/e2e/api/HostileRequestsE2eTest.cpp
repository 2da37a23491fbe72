#include "ApiE2e.h"

namespace vo::e2e {
namespace {

using HostileRequests = ApiE2e;

struct Hostile {
  std::string name;
  std::string method;
  std::string path;
  std::string body;
  vo::testing::HttpHeaders headers;
  int status;
  std::string code;
};

// The seed's priority body with `from` replaced by `to`.
std::string priorityWith(const std::string& from, const std::string& to) {
  std::string body = seedPriorityBody();
  const auto at = body.find(from);
  if (at == std::string::npos) throw std::logic_error("not in the seed body: " + from);
  return body.replace(at, from.size(), to);
}

std::string bulkWithCalls(const std::string& calls) {
  return R"({"workspaceId":"workspace_id","agentId":"agent_id","agentPhoneNumberId":"phnum_xxx",)"
         R"("calls":)" +
         calls + "}";
}

std::vector<Hostile> hostileRequests() {
  const std::string seed = seedPriorityBody();
  const std::string variables = R"("variables": {
    "businessName": "Restaurante Andres",
    "customerName": "Juan Pérez"
  })";
  std::string manyRows = "[";
  for (int i = 0; i <= 1000; ++i)
    manyRows += std::string(i ? "," : "") + R"({"to":"+34631021622"})";
  manyRows += "]";
  std::string tooManyVariables = R"("variables":{)";
  for (int i = 0; i < 9; ++i)
    tooManyVariables += std::string(i ? "," : "") + "\"v" + std::to_string(i) + "\":1";
  tooManyVariables += "}";
  const vo::testing::HttpHeaders noAuth{{"Authorization", "Bearer wrong-key"}};
  const std::string p = "/calls/priority";
  const std::string b = "/calls/bulk";
  return {
      {"empty body", "POST", p, "", {}, 400, "invalid_json"},
      {"truncated JSON", "POST", p, "{\"workspaceId\":", {}, 400, "invalid_json"},
      {"array body", "POST", p, "[]", {}, 400, "invalid_field"},
      {"null body", "POST", p, "null", {}, 400, "invalid_field"},
      {"trailing garbage", "POST", p, seed + " x", {}, 400, "invalid_json"},
      {"missing to",
       "POST",
       p,
       priorityWith(R"("to": "+34631021622",)", ""),
       {},
       400,
       "invalid_field"},
      {"to not E.164",
       "POST",
       p,
       priorityWith("+34631021622", "631021622"),
       {},
       400,
       "invalid_field"},
      {"to leading zero",
       "POST",
       p,
       priorityWith("+34631021622", "+0631021622"),
       {},
       400,
       "invalid_field"},
      {"to too long",
       "POST",
       p,
       priorityWith("+34631021622", "+3463102162212345"),
       {},
       400,
       "invalid_field"},
      {"to is a number",
       "POST",
       p,
       priorityWith("\"+34631021622\"", "34631021622"),
       {},
       400,
       "invalid_field"},
      {"from not E.164",
       "POST",
       p,
       priorityWith("+34601893170", "hello"),
       {},
       400,
       "invalid_field"},
      {"empty workspaceId",
       "POST",
       p,
       priorityWith("\"workspace_id\"", "\"\""),
       {},
       400,
       "invalid_field"},
      {"workspaceId wrong type",
       "POST",
       p,
       priorityWith("\"workspace_id\"", "{}"),
       {},
       400,
       "invalid_field"},
      {"agentId too long",
       "POST",
       p,
       priorityWith("agent_id", std::string(300, 'a')),
       {},
       400,
       "invalid_field"},
      {"unknown top-level field",
       "POST",
       p,
       priorityWith("\"to\"", "\"priority\": true, \"to\""),
       {},
       400,
       "unknown_field"},
      {"variables not an object",
       "POST",
       p,
       priorityWith(variables, R"("variables": ["a"])"),
       {},
       400,
       "invalid_field"},
      {"nested variable",
       "POST",
       p,
       priorityWith(variables, R"("variables": {"a": {"b": 1}})"),
       {},
       400,
       "invalid_field"},
      {"variable beyond 64 bits (2^64+1)",
       "POST",
       p,
       priorityWith(variables, R"("variables": {"n": 18446744073709551617})"),
       {},
       400,
       "invalid_field"},
      {"variable beyond a double (the parser refuses it)",
       "POST",
       p,
       priorityWith(variables, R"("variables": {"n": 1e400})"),
       {},
       400,
       "invalid_json"},
      {"reserved variable name",
       "POST",
       p,
       priorityWith(variables, R"("variables": {"system__call_id": "x"})"),
       {},
       400,
       "invalid_field"},
      {"bad variable name",
       "POST",
       p,
       priorityWith(variables, R"("variables": {"1st": "x"})"),
       {},
       400,
       "invalid_field"},
      {"too many variables",
       "POST",
       p,
       priorityWith(variables, tooManyVariables),
       {},
       400,
       "invalid_field"},
      {"variable too long",
       "POST",
       p,
       priorityWith("Juan Pérez", std::string(65, 'x')),
       {},
       400,
       "invalid_field"},
      {"invalid UTF-8",
       "POST",
       p,
       priorityWith("Juan Pérez", "Juan \xC3\x28"),
       {},
       400,
       "invalid_json"},
      {"NUL escape", "POST", p, priorityWith("Juan Pérez", "Juan\\u0000"), {}, 400, "invalid_json"},
      {"raw NUL byte",
       "POST",
       p,
       priorityWith("Juan Pérez", std::string("Ju\0an", 5)),
       {},
       400,
       "invalid_json"},
      {"lone surrogate", "POST", p, priorityWith("Juan Pérez", "\\ud800"), {}, 400, "invalid_json"},
      {"deep nesting",
       "POST",
       p,
       std::string(5000, '[') + std::string(5000, ']'),
       {},
       400,
       "invalid_json"},
      {"huge number", "POST", p, priorityWith("\"Juan Pérez\"", "1e999"), {}, 400, "invalid_json"},
      {"very long number",
       "POST",
       p,
       priorityWith("\"Juan Pérez\"", std::string(400, '9')),
       {},
       400,
       "invalid_json"},
      {"duplicate keys",
       "POST",
       p,
       priorityWith("\"to\"", "\"to\": \"+34631021623\", \"to\""),
       {},
       400,
       "invalid_json"},
      {"text/plain body",
       "POST",
       p,
       seed,
       {{"Content-Type", "text/plain"}},
       415,
       "unsupported_media_type"},
      {"no key", "POST", p, seed, {{"Authorization", ""}}, 401, "unauthorized"},
      {"wrong key", "POST", p, seed, noAuth, 401, "unauthorized"},
      {"unknown workspace",
       "POST",
       p,
       priorityWith("\"workspace_id\"", "\"nobody\""),
       {},
       422,
       "unknown_reference"},
      {"unknown agent",
       "POST",
       p,
       priorityWith("\"agent_id\"", "\"agent_nobody\""),
       {},
       422,
       "unknown_reference"},
      {"unknown phone number",
       "POST",
       p,
       priorityWith("phnum_xxx", "phnum_nobody"),
       {},
       422,
       "unknown_reference"},
      {"bad idempotency key",
       "POST",
       p,
       seed,
       {{"Idempotency-Key", std::string(300, 'k')}},
       400,
       "invalid_idempotency_key"},
      {"bulk calls not an array", "POST", b, bulkWithCalls("{}"), {}, 400, "invalid_field"},
      {"bulk calls missing",
       "POST",
       b,
       R"({"workspaceId":"workspace_id","agentId":"agent_id","agentPhoneNumberId":"phnum_xxx"})",
       {},
       400,
       "invalid_field"},
      {"bulk calls empty", "POST", b, bulkWithCalls("[]"), {}, 400, "invalid_field"},
      {"bulk no valid row",
       "POST",
       b,
       bulkWithCalls(R"([{"to":"1"},{"to":"+34631021622","x":1}])"),
       {},
       422,
       "no_valid_calls"},
      {"bulk too many rows", "POST", b, bulkWithCalls(manyRows), {}, 413, "too_many_calls"},
      {"bulk unknown field",
       "POST",
       b,
       R"({"workspaceId":"workspace_id","agentId":"agent_id","agentPhoneNumberId":"phnum_xxx","priority":1,"calls":[{"to":"+34631021622"}]})",
       {},
       400,
       "unknown_field"},
      {"bulk malformed row",
       "POST",
       b,
       bulkWithCalls(R"([{"to":"+34631021622"},{"to":])"),
       {},
       400,
       "invalid_json"},
      {"bulk unknown agent",
       "POST",
       b,
       R"({"workspaceId":"workspace_id","agentId":"ghost","agentPhoneNumberId":"phnum_xxx","calls":[{"to":"+34631021622"}]})",
       {},
       422,
       "unknown_reference"},
      {"body over the limit",
       "POST",
       b,
       bulkWithCalls("[" + std::string(270000, ' ') + "]"),
       {},
       413,
       "payload_too_large"},
      {"unknown path", "GET", "/calls/priority/extra", "", {}, 404, "not_found"},
      {"wrong method", "DELETE", "/calls", "", {}, 405, "method_not_allowed"},
      {"limit zero", "GET", "/calls?limit=0", "", {}, 400, "invalid_field"},
      {"limit not a number", "GET", "/calls?limit=ten", "", {}, 400, "invalid_field"},
      {"unknown status", "GET", "/calls?status=ringing", "", {}, 400, "invalid_field"},
      {"unknown query parameter", "GET", "/calls?sort=desc", "", {}, 400, "unknown_parameter"},
      {"bad createdFrom", "GET", "/calls?createdFrom=last-week", "", {}, 400, "invalid_field"},
      {"bad cursor", "GET", "/calls?cursor=%01", "", {}, 400, "invalid_field"},
      {"bad report day", "GET", "/calls/report?from=2026-02-30", "", {}, 400, "invalid_field"},
      {"pause unknown campaign", "POST", "/campaigns/cmp_nobody/pause", "", {}, 404, "not_found"},
      {"webhook for another provider",
       "POST",
       "/webhooks/elevenlabs",
       "{}",
       {{"Authorization", ""}},
       404,
       "not_found"},
  };
}

TEST_F(HostileRequests, EachGetsItsClearFourHundredAndNothingIsCreated) {
  const auto cases = hostileRequests();
  ASSERT_GE(cases.size(), 30u);
  for (const auto& c : cases) {
    vo::testing::HttpClient client(server_->port());
    client.setDefaultHeader("Authorization", std::string("Bearer ") + kAdminKey);
    auto response = client.request(c.method, c.path, c.body, c.headers);
    EXPECT_EQ(response.status, c.status) << c.name << ": " << response.body.substr(0, 300);
    EXPECT_EQ(errorCodeOf(response), c.code) << c.name;
  }
  vo::testing::HttpClient anonymous(server_->port());
  EXPECT_EQ(anonymous.get("/health").status, 200) << "the server survived";
  EXPECT_EQ(countCalls(), 0);
  EXPECT_EQ(countCampaigns(), 0);
}

}  // namespace
}  // namespace vo::e2e
