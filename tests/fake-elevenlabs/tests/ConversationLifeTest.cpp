// A conversation's life as GET, the list and the post-call webhook tell it: initiated,
// in-progress, processing, done or failed; every field ElevenLabs' SDK requires; busy and
// unanswered calls the way ElevenLabs reports them.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "FakeCalls.h"
#include "vo/fake_elevenlabs/FakeElevenLabs.h"
#include "vo/testing/Wait.h"

namespace vo::fake_elevenlabs {
namespace {

using testing::getConversation;
using testing::kSipTrunkPath;
using testing::kTwilioPath;
using testing::listConversations;
using testing::placeCall;
using vo::testing::Json;

constexpr int64_t kLongMs = 600000;  // a phase nobody sees the end of during a test

FakeOptions phases(int64_t ringingMs, int64_t processingMs) {
  FakeOptions options;
  options.callDurationMs = kLongMs;
  options.ringingMs = ringingMs;
  options.processingMs = processingMs;
  return options;
}

// The status GET and the list give the one conversation a fake with `options` placed.
std::pair<std::string, std::string> statusesWith(const FakeOptions& options) {
  FakeElevenLabs fake(options);
  vo::testing::HttpClient client(fake.port());
  const std::string id = placeCall(client, "+15550001")["conversation_id"].string();
  return {getConversation(client, id)["status"].string(),
          listConversations(client)["conversations"].at(0)["status"].string()};
}

TEST(FakeConversationLifeTest, RingingThenTalkingThenProcessingInGetAndList) {
  using Statuses = std::pair<std::string, std::string>;
  EXPECT_EQ(statusesWith(phases(kLongMs, 0)), Statuses("initiated", "initiated"));
  EXPECT_EQ(statusesWith(phases(0, 0)), Statuses("in-progress", "in-progress"));
  EXPECT_EQ(statusesWith(phases(0, kLongMs)), Statuses("processing", "processing"));
}

TEST(FakeConversationLifeTest, ARingingTwilioCallHasEveryFieldTheSdkRequires) {
  FakeElevenLabs fake(phases(kLongMs, 0));
  vo::testing::HttpClient client(fake.port());
  const Json placed =
      placeCall(client, "+15550002", "agent_a", kTwilioPath, R"({"vo_call_id":"c1","n":2})");
  const Json conversation = getConversation(client, placed["conversation_id"].string());
  EXPECT_EQ(conversation["status"].string(), "initiated");
  EXPECT_EQ(conversation["agent_name"].string(), "Fake agent");
  EXPECT_TRUE(conversation["analysis"].isNull());
  EXPECT_EQ(conversation["transcript"].size(), 0u);
  for (const char* audio : {"has_audio", "has_user_audio", "has_response_audio"}) {
    EXPECT_FALSE(conversation[audio].boolean()) << audio;
  }
  EXPECT_FALSE(conversation["has_auxiliary_audio"].boolean());
  EXPECT_EQ(conversation["conversation_initiation_client_data"]["dynamic_variables"].text(),
            R"({"vo_call_id":"c1","n":2})");
  const Json metadata = conversation["metadata"];
  EXPECT_EQ(metadata["call_duration_secs"].int64(), 0);
  const Json phoneCall = metadata["phone_call"];
  EXPECT_EQ(phoneCall["type"].string(), "twilio");
  EXPECT_EQ(phoneCall["direction"].string(), "outbound");
  EXPECT_EQ(phoneCall["phone_number_id"].string(), "phnum_1");
  EXPECT_EQ(phoneCall["agent_number"].string(), "+15550100100");
  EXPECT_EQ(phoneCall["external_number"].string(), "+15550002");
  EXPECT_EQ(phoneCall["call_sid"].string(), placed["callSid"].string());
  EXPECT_EQ(phoneCall["stream_sid"].string().rfind("MZ", 0), 0u);
  EXPECT_EQ(phoneCall["stream_sid"].string().size(), 34u);
  EXPECT_FALSE(phoneCall.has("call_result"));  // still ringing
}

TEST(FakeConversationLifeTest, ASipTrunkCallHasTheSipVariant) {
  FakeOptions options = phases(0, 0);
  options.agentNumber = "+34910000000";
  FakeElevenLabs fake(options);
  vo::testing::HttpClient client(fake.port());
  const Json placed = placeCall(client, "+15550003", "agent_a", kSipTrunkPath);
  const Json phoneCall =
      getConversation(client, placed["conversation_id"].string())["metadata"]["phone_call"];
  EXPECT_EQ(phoneCall["type"].string(), "sip_trunking");
  EXPECT_EQ(phoneCall["call_sid"].string(), placed["sip_call_id"].string());
  EXPECT_EQ(phoneCall["agent_number"].string(), "+34910000000");
  EXPECT_EQ(phoneCall["call_result"].string(), "answered");
  EXPECT_FALSE(phoneCall.has("stream_sid"));
}

// A fake whose webhooks go to a second fake, which records them as requests.
class FakeEndedCallsTest : public ::testing::Test {
 protected:
  void start(FakeOptions options) {
    options.callDurationMs = 1;
    fake = std::make_unique<FakeElevenLabs>(options);
    fake->setWebhookUrl(receiver.baseUrl() + "/webhooks/elevenlabs");
    client = std::make_unique<vo::testing::HttpClient>(fake->port());
  }

  std::string place(const std::string& number, const std::string& path = kTwilioPath) {
    return placeCall(*client, number, "agent_a", path,
                     R"({"vo_call_id":"call_)" + number + "\"}")["conversation_id"]
        .string();
  }

  // The webhooks received, by conversation id, once `count` have come.
  std::map<std::string, Json> webhooks(std::size_t count) {
    EXPECT_TRUE(vo::testing::waitUntil([&] { return receiver.requests().size() >= count; }));
    std::map<std::string, Json> byConversation;
    for (const auto& request : receiver.requests()) {
      const Json body = Json::parse(request.body);
      byConversation.emplace(body["data"]["conversation_id"].string(), body);
    }
    return byConversation;
  }

  FakeElevenLabs receiver;
  std::unique_ptr<FakeElevenLabs> fake;
  std::unique_ptr<vo::testing::HttpClient> client;
};

TEST_F(FakeEndedCallsTest, BusyAndNoAnswerByTheDialedNumbersSuffix) {
  FakeOptions options;
  options.busySuffix = "486";
  options.noAnswerSuffix = "480";
  start(options);
  const std::string busy = place("+15550486");
  const std::string unanswered = place("+15550480", kSipTrunkPath);
  const std::string talked = place("+15550200");
  auto received = webhooks(3);

  const Json busyConversation = getConversation(*client, busy);
  EXPECT_EQ(busyConversation["status"].string(), "failed");
  EXPECT_EQ(busyConversation["metadata"]["phone_call"]["call_result"].string(), "busy");
  EXPECT_EQ(busyConversation["analysis"]["call_successful"].string(), "failure");
  EXPECT_EQ(getConversation(*client, unanswered)["metadata"]["phone_call"]["call_result"].string(),
            "no_answer");
  const Json busyWebhook = received.at(busy);
  EXPECT_EQ(busyWebhook["type"].string(), "call_initiation_failure");
  EXPECT_EQ(busyWebhook["data"]["failure_reason"].string(), "busy");
  EXPECT_EQ(busyWebhook["data"]["agent_id"].string(), "agent_a");
  EXPECT_EQ(busyWebhook["data"]["metadata"]["type"].string(), "twilio");
  EXPECT_EQ(busyWebhook["data"]["metadata"]["body"]["CallStatus"].string(), "busy");
  const Json noAnswerWebhook = received.at(unanswered);
  EXPECT_EQ(noAnswerWebhook["data"]["failure_reason"].string(), "no-answer");
  EXPECT_EQ(noAnswerWebhook["data"]["metadata"]["type"].string(), "sip");

  // The transcription webhook's data is GET's answer, the new fields with it.
  const Json data = received.at(talked)["data"];
  EXPECT_EQ(received.at(talked)["type"].string(), "post_call_transcription");
  EXPECT_EQ(data.text(), getConversation(*client, talked).text());
  EXPECT_EQ(data["status"].string(), "done");
  EXPECT_FALSE(data["has_auxiliary_audio"].boolean());
  EXPECT_TRUE(data["has_audio"].boolean());
  EXPECT_EQ(data["metadata"]["phone_call"]["call_result"].string(), "answered");
  EXPECT_EQ(data["metadata"]["phone_call"]["call_sid"].string().rfind("CA", 0), 0u);
  EXPECT_EQ(data["conversation_initiation_client_data"]["dynamic_variables"]["vo_call_id"].string(),
            "call_+15550200");

  std::map<std::string, std::string> listed;
  for (const Json& summary : listConversations(*client)["conversations"].elements()) {
    listed[summary["conversation_id"].string()] = summary["status"].string();
  }
  EXPECT_EQ(listed.at(busy), "failed");
  EXPECT_EQ(listed.at(unanswered), "failed");
  EXPECT_EQ(listed.at(talked), "done");
}

TEST_F(FakeEndedCallsTest, BusyAndNoAnswerForAShareOfTheCalls) {
  FakeOptions options;
  options.busyPercent = 20;
  options.noAnswerPercent = 10;
  start(options);
  for (int i = 0; i < 100; ++i) place("+1555" + std::to_string(7000 + i));
  ASSERT_TRUE(vo::testing::waitUntil([&] { return fake->activeCalls() == 0; }));
  std::map<std::string, int> results;
  std::map<std::string, int> failureReasons;
  for (const Json& summary :
       listConversations(*client, "page_size=100")["conversations"].elements()) {
    const Json conversation = getConversation(*client, summary["conversation_id"].string());
    ++results[conversation["metadata"]["phone_call"]["call_result"].string()];
  }
  for (const auto& [id, webhook] : webhooks(100)) {
    if (webhook["type"].string() == "call_initiation_failure") {
      ++failureReasons[webhook["data"]["failure_reason"].string()];
    }
  }
  EXPECT_EQ(results,
            (std::map<std::string, int>{{"answered", 70}, {"busy", 20}, {"no_answer", 10}}));
  EXPECT_EQ(failureReasons, (std::map<std::string, int>{{"busy", 20}, {"no-answer", 10}}));
}

TEST_F(FakeEndedCallsTest, AnOutcomeSetForTheNumberWinsOverSuffixAndShare) {
  FakeOptions options;
  options.busySuffix = "486";
  options.busyPercent = 100;
  start(options);
  fake->setOutcomeFor("+15550486", CallOutcome::kCompleted);
  const std::string id = place("+15550486");
  webhooks(1);
  EXPECT_EQ(getConversation(*client, id)["status"].string(), "done");
}

}  // namespace
}  // namespace vo::fake_elevenlabs
