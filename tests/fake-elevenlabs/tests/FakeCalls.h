#pragma once

#include <gtest/gtest.h>

#include <string>

#include "vo/testing/HttpClient.h"
#include "vo/testing/Json.h"

namespace vo::fake_elevenlabs::testing {

inline constexpr const char* kTwilioPath = "/v1/convai/twilio/outbound-call";
inline constexpr const char* kSipTrunkPath = "/v1/convai/sip-trunk/outbound-call";
inline constexpr const char* kConversationsPath = "/v1/convai/conversations";
inline const vo::testing::HttpHeaders kKey = {{"xi-api-key", "xi-test-key"}};

// Places a call through `path` (twilio unless told) and returns the fake's answer; the call must
// be accepted.
inline vo::testing::Json placeCall(vo::testing::HttpClient& client, const std::string& toNumber,
                                   const std::string& agentId = "agent_a",
                                   const std::string& path = kTwilioPath,
                                   const std::string& variablesJson = "{}") {
  const std::string body = R"({"agent_id":")" + agentId +
                           R"(","agent_phone_number_id":"phnum_1","to_number":")" + toNumber +
                           R"(","conversation_initiation_client_data":{"dynamic_variables":)" +
                           variablesJson + "}}";
  const auto response = client.post(path, body, kKey);
  EXPECT_EQ(response.status, 200) << response.body;
  return response.json();
}

inline vo::testing::Json getConversation(vo::testing::HttpClient& client,
                                         const std::string& conversationId) {
  const auto response = client.get(std::string(kConversationsPath) + "/" + conversationId, kKey);
  EXPECT_EQ(response.status, 200) << response.body;
  return response.json();
}

// GET /v1/convai/conversations with `query` ("" or "a=b&c=d"); the answer must be 200.
inline vo::testing::Json listConversations(vo::testing::HttpClient& client,
                                           const std::string& query = "") {
  const auto response =
      client.get(std::string(kConversationsPath) + (query.empty() ? "" : "?" + query), kKey);
  EXPECT_EQ(response.status, 200) << response.body;
  return response.json();
}

}  // namespace vo::fake_elevenlabs::testing
