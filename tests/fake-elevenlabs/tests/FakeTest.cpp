// The fake itself: it must refuse what the real API refuses, in the real shapes, because the
// plugin's tests trust it to.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "vo/fake_elevenlabs/FakeElevenLabs.h"
#include "vo/testing/HttpClient.h"

namespace vo::fake_elevenlabs {
namespace {

constexpr const char* kPath = "/v1/convai/twilio/outbound-call";
const vo::testing::HttpHeaders kKey = {{"xi-api-key", "xi-test-key"}};

class FakeTest : public ::testing::Test {
 protected:
  FakeElevenLabs fake;
  vo::testing::HttpClient client{fake.port()};
};

TEST_F(FakeTest, MissingFieldsGet422InThePydanticShape) {
  const auto response = client.post(kPath, R"({"agent_id":"a"})", kKey);
  ASSERT_EQ(response.status, 422);
  const auto detail = response.json()->getArray("detail");
  ASSERT_EQ(detail->size(), 2u);
  const auto first = detail->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("type"), "missing");
  EXPECT_EQ(first->getValue<std::string>("msg"), "Field required");
  EXPECT_EQ(first->getArray("loc")->getElement<std::string>(0), "body");
  EXPECT_EQ(first->getArray("loc")->getElement<std::string>(1), "agent_phone_number_id");
  EXPECT_TRUE(fake.acceptedCalls().empty());
}

TEST_F(FakeTest, WrongTypesAndBadJsonGet422) {
  EXPECT_EQ(
      client.post(kPath, R"({"agent_id":1,"agent_phone_number_id":"p","to_number":"t"})", kKey)
          .status,
      422);
  EXPECT_EQ(client.post(kPath, "{not json", kKey).status, 422);
  const std::string nested =
      R"({"agent_id":"a","agent_phone_number_id":"p","to_number":"t",)"
      R"("conversation_initiation_client_data":{"dynamic_variables":{"x":[1]}}})";
  EXPECT_EQ(client.post(kPath, nested, kKey).status, 422);
  EXPECT_TRUE(fake.acceptedCalls().empty());
}

TEST_F(FakeTest, MissingOrWrongKeyGets401) {
  const std::string body = R"({"agent_id":"a","agent_phone_number_id":"p","to_number":"t"})";
  const auto missing = client.post(kPath, body);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.json()->getObject("detail")->getValue<std::string>("status"),
            "needs_authorization");
  const auto wrong = client.post(kPath, body, {{"xi-api-key", "nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.json()->getObject("detail")->getValue<std::string>("status"), "invalid_api_key");
}

TEST_F(FakeTest, AcceptedCallAnswersLikeTheRealApiAndCanBeLookedUp) {
  const auto response =
      client.post(kPath, R"({"agent_id":"a","agent_phone_number_id":"p","to_number":"+1"})", kKey);
  ASSERT_EQ(response.status, 200);
  const auto answer = response.json();
  EXPECT_TRUE(answer->getValue<bool>("success"));
  const std::string id = answer->getValue<std::string>("conversation_id");
  EXPECT_EQ(answer->getValue<std::string>("callSid").rfind("CA", 0), 0u);
  const auto conversation = client.get("/v1/convai/conversations/" + id, kKey);
  ASSERT_EQ(conversation.status, 200);
  EXPECT_EQ(conversation.json()->getValue<std::string>("conversation_id"), id);
  EXPECT_EQ(client.get("/v1/convai/conversations/conv_none", kKey).status, 404);
}

TEST(FakeSignatureTest, SignatureIsHmacSha256OfTimestampDotBody) {
  // Computed independently: printf '1.body' | openssl dgst -sha256 -hmac key
  EXPECT_EQ(FakeElevenLabs::signatureHeader("key", "body", 1),
            "t=1,v0=91b5374b153842ad05b2c4eab9349b8321b14703165bd3fb8b034dfb8be98ae5");
}

}  // namespace
}  // namespace vo::fake_elevenlabs
