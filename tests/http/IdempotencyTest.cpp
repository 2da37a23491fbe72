#include <chrono>

#include "ApiFixture.h"

namespace vo::core::http::testing {
namespace {

using IdempotencyRules = ApiFixture;

const std::string kBulk =
    R"({"workspaceId":"acme","agentId":"agent_1","agentPhoneNumberId":"phnum_1",)"
    R"("calls":[{"to":"+34631021622"},{"to":"+34631021623"}]})";

TEST_F(IdempotencyRules, RepeatReplaysTheFirstAnswerAndCreatesNothing) {
  seedWorkspace("acme");
  const std::map<std::string, std::string> headers{{"idempotency-key", "order-42"}};
  ApiResponse first = send("POST", "/calls/bulk", kBulk, kAdminKey, headers);
  ASSERT_EQ(first.status, 202);
  ApiResponse second = send("POST", "/calls/bulk", kBulk, kAdminKey, headers);
  EXPECT_EQ(second.status, first.status);
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(storedCalls(), 2);
  EXPECT_EQ(json(get("/campaigns")).find("data")->items.size(), 1u);

  std::string other = kBulk;
  other.replace(other.find("+34631021623"), 12, "+34631021624");
  ApiResponse reused = send("POST", "/calls/bulk", other, kAdminKey, headers);
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(errorCode(reused), "idempotency_key_reused");
  EXPECT_EQ(storedCalls(), 2);
}

TEST_F(IdempotencyRules, KeysAreScopedByCaller) {
  const std::string key = seedWorkspace("acme");
  const std::map<std::string, std::string> headers{{"idempotency-key", "same"}};
  EXPECT_EQ(send("POST", "/calls/bulk", kBulk, kAdminKey, headers).status, 202);
  EXPECT_EQ(send("POST", "/calls/bulk", kBulk, key, headers).status, 202);
  EXPECT_EQ(storedCalls(), 4);
}

TEST_F(IdempotencyRules, ErrorsAreReplayedToo) {
  const std::map<std::string, std::string> headers{{"idempotency-key", "bad-one"}};
  ApiResponse first = send("POST", "/workspaces", R"({"id":"w"})", kAdminKey, headers);
  EXPECT_EQ(first.status, 400);
  EXPECT_EQ(send("POST", "/workspaces", R"({"id":"w"})", kAdminKey, headers).body, first.body);
}

api::IdempotencyRecord reservedBulk(const std::string& key, int64_t createdAtMs) {
  ApiRequest request;
  request.method = "POST";
  request.path = "/calls/bulk";
  request.body = kBulk;
  return {"admin", key, Idempotency::requestHash(request), 0, "", createdAtMs};
}

int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(IdempotencyRules, InProgressRepeatIs409) {
  seedWorkspace("acme");
  ASSERT_TRUE(store_->reserveIdempotency(reservedBulk("busy", systemNowMs()), 0).value());
  ApiResponse response =
      send("POST", "/calls/bulk", kBulk, kAdminKey, {{"idempotency-key", "busy"}});
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(errorCode(response), "idempotency_in_progress");
  EXPECT_EQ(storedCalls(), 0);
}

TEST_F(IdempotencyRules, AReservationWhoseRequestDiedExpires) {
  seedWorkspace("acme");
  const int64_t longAgo = systemNowMs() - config_.server.idempotencyPendingMs - 1000;
  ASSERT_TRUE(store_->reserveIdempotency(reservedBulk("crashed", longAgo), 0).value());
  ApiResponse response =
      send("POST", "/calls/bulk", kBulk, kAdminKey, {{"idempotency-key", "crashed"}});
  EXPECT_EQ(response.status, 202) << response.body;
  EXPECT_EQ(storedCalls(), 2);
  ApiResponse repeat =
      send("POST", "/calls/bulk", kBulk, kAdminKey, {{"idempotency-key", "crashed"}});
  EXPECT_EQ(repeat.body, response.body);
  EXPECT_EQ(storedCalls(), 2);

  // A route that reserves its key (no calls written) takes a dead request's reservation over.
  api::IdempotencyRecord workspace = reservedBulk("dead-ws", longAgo);
  ApiRequest request;
  request.method = "POST";
  request.path = "/workspaces";
  request.body = R"({"id":"w2","name":"W2"})";
  workspace.requestHash = Idempotency::requestHash(request);
  ASSERT_TRUE(store_->reserveIdempotency(workspace, 0).value());
  EXPECT_EQ(
      send("POST", "/workspaces", request.body, kAdminKey, {{"idempotency-key", "dead-ws"}}).status,
      201);
}

TEST_F(IdempotencyRules, APriorityCallIsStoredWithItsAnswer) {
  seedWorkspace("acme");
  const std::string body =
      R"({"workspaceId":"acme","agentId":"agent_1","agentPhoneNumberId":"phnum_1",)"
      R"("to":"+34631021622"})";
  const std::map<std::string, std::string> headers{{"idempotency-key", "urgent-1"}};
  ApiResponse first = send("POST", "/calls/priority", body, kAdminKey, headers);
  ASSERT_EQ(first.status, 201) << first.body;
  auto stored = store_->findIdempotency("admin", "urgent-1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->httpStatus, 201);  // the dial's answer replaced the one stored with the call
  EXPECT_EQ(stored->responseBody, first.body);
  ApiResponse repeat = send("POST", "/calls/priority", body, kAdminKey, headers);
  EXPECT_EQ(repeat.body, first.body);
  EXPECT_EQ(storedCalls(), 1);
}

TEST_F(IdempotencyRules, BadKeysAre400) {
  for (const std::string& key : {std::string(), std::string(256, 'k'), std::string("tab\there")}) {
    ApiResponse response =
        send("POST", "/calls/bulk", kBulk, kAdminKey, {{"idempotency-key", key}});
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(errorCode(response), "invalid_idempotency_key");
  }
}

TEST_F(IdempotencyRules, ApiKeyReplayDoesNotRevealTheKeyAgain) {
  ASSERT_EQ(post("/workspaces", R"({"id":"acme","name":"Acme"})").status, 201);
  const std::map<std::string, std::string> headers{{"idempotency-key", "key-1"}};
  ApiResponse first = send("POST", "/workspaces/acme/api-keys", "", kAdminKey, headers);
  ASSERT_EQ(first.status, 201);
  ApiResponse second = send("POST", "/workspaces/acme/api-keys", "", kAdminKey, headers);
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(json(second).find("id")->text, json(first).find("id")->text);
  EXPECT_EQ(json(second).find("key")->type, JsonValue::Type::kNull);
}

}  // namespace
}  // namespace vo::core::http::testing
