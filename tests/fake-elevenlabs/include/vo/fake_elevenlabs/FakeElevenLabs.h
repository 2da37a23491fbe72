#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace vo::fake_elevenlabs {

// How an accepted call ends, and so which post-call webhook the fake sends.
// Busy, no-answer and initiation failures never leave `initiated` until they end `failed`, with
// metadata.phone_call.call_result busy | no_answer | failed in GET and the list.
enum class CallOutcome {
  kCompleted,           // post_call_transcription, status done, call_successful success
  kConversationFailed,  // post_call_transcription, status failed
  kBusy,                // call_initiation_failure, failure_reason busy
  kNoAnswer,            // call_initiation_failure, failure_reason no-answer
  kInitiationFailed,    // call_initiation_failure, failure_reason unknown
  kSilent,              // ends done but sends no webhook (for the polling fallback)
};

// Misbehaviour by rates, for chaos runs: each outbound call without an injected fault, and each
// post-call webhook, draws its fate from one generator seeded with `seed` (0..1 each; the call
// rates and the webhook rates each add up to at most 1).
struct FakeChaos {
  double notPlaced500 = 0;        // 500, the call not placed
  double tooMany429 = 0;          // 429, the call not placed
  double dropAfterAccept = 0;     // placed, then the connection closed without an answer
  double answerAfterTimeout = 0;  // placed, the answer held until the client gives up
  double webhookDrop = 0;         // the conversation ends and no webhook is ever sent
  double webhookDuplicate = 0;    // the webhook is sent twice
  uint64_t seed = 1;
};

struct FakeOptions {
  std::set<std::string> apiKeys = {"xi-test-key"};  // keys accepted in xi-api-key
  int maxConcurrentCalls = 0;          // beyond this: 429 too_many_concurrent_requests; 0: no limit
  int64_t retryAfterSecsOnLimit = -1;  // Retry-After on those 429s; -1: none
  int64_t latencyMs = 0;               // before every answer
  int64_t callDurationMs = 50;         // from accept until the conversation ends
  // A conversation's status as time passes: `initiated` (ringing) for ringingMs, `in-progress`
  // until processingMs before its end, `processing` until it ends (its webhook goes then),
  // `done` or `failed` after. -1: a fifth of callDurationMs each.
  int64_t ringingMs = -1;
  int64_t processingMs = -1;
  // After a call is placed (its end already scheduled), before its answer is sent: with a
  // short callDurationMs the post-call webhook overtakes the dial's answer.
  int64_t answerDelayMs = 0;
  int64_t reportedDurationSecs = 42;  // metadata.call_duration_secs of finished calls
  std::string webhookUrl;             // empty: no webhooks are sent
  // Webhooks in flight at once, each on its own kept-alive connection. 1: one at a time, in the
  // order the conversations end; a benchmark sets more, as the real sender runs many at once.
  int webhookSenders = 1;
  std::string webhookSecret = "wsec_test_secret";
  // How calls end unless setOutcomeFor names their number (checked in this order): numbers
  // ending in busySuffix / noAnswerSuffix ("" never matches), then busyPercent and
  // noAnswerPercent of the calls in order (exactly that many of every 100 accepted, spread
  // evenly), then the default outcome (setDefaultOutcome).
  std::string busySuffix;
  std::string noAnswerSuffix;
  int busyPercent = 0;
  int noAnswerPercent = 0;
  // What the conversations report of the agent: agent_name, and metadata.phone_call.agent_number
  // (the number the agent's phone_number_id calls from).
  std::string agentName = "Fake agent";
  std::string agentNumber = "+15550100100";
  std::string outboundCallsPath = "/v1/convai/twilio/outbound-call";
  std::string sipTrunkOutboundCallsPath = "/v1/convai/sip-trunk/outbound-call";
  std::string conversationPath = "/v1/convai/conversations";
  FakeChaos chaos;
};

enum class FaultKind {
  kStatus,  // answer `status` with `body` (a body in the real shape when empty) and `headers`
  kHang,    // answer nothing until the client gives up and closes the connection
  kDrop,    // close the connection without answering
};

// One injected failure, consumed by the next request it targets.
struct Fault {
  FaultKind kind = FaultKind::kStatus;
  int status = 500;
  std::string body;
  std::map<std::string, std::string> headers;
  bool acceptFirst = false;  // place the call (it rings, is recorded) and then fail to answer
};

struct RecordedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;
  int64_t receivedAtUs = 0;  // system clock, when the request line arrived
};

struct AcceptedCall {
  std::string conversationId;
  std::string telephonyCallId;  // callSid (twilio) or sip_call_id
  std::string path;             // which endpoint placed it
  std::string apiKey;
  std::string agentId;
  std::string agentPhoneNumberId;
  std::string toNumber;
  std::string dynamicVariablesJson;  // "{}" when none were sent
  int64_t receivedAtUs = 0;
};

// Every webhook POST the fake made, retries included, by how it was answered.
struct WebhookAnswerCounts {
  int64_t posts = 0;
  int64_t non2xx = 0;      // answered with a status outside 200..299
  int64_t unanswered = 0;  // no HTTP answer: refused, reset, or the 10 s timeout
};

struct WebhookDelivery {
  std::string conversationId;
  std::string eventType;
  int httpStatus = 0;  // the last answer; 0: never reached
  int attempts = 0;
};

// Percentiles of a set of durations, in milliseconds.
struct DurationSummary {
  int64_t count = 0;
  double p50Ms = 0;
  double p99Ms = 0;
  double maxMs = 0;
};

// How the webhook receiver answered, measured by the fake's senders (for benchmarks).
struct WebhookStats {
  int64_t deliveries = 0;  // webhooks whose sending is over: answered, refused or given up
  int64_t attempts = 0;    // POSTs sent, retries included
  int64_t answered2xx = 0;
  int64_t answeredOther = 0;       // answered with a status outside 2xx
  int64_t noAnswer = 0;            // no answer within the 10 s timeout
  int64_t connectionFailures = 0;  // refused, or closed before an answer (a stale keep-alive)
  int64_t pending = 0;     // conversations not yet ended, or ended with their webhook not yet sent
  DurationSummary answer;  // POST sent -> answer read, every answered attempt
  DurationSummary lag;     // conversation ended -> its webhook's first POST sent
};

// A fake ElevenLabs API on 127.0.0.1 (a free port) speaking the real wire format, checked by
// ElevenLabs' own JavaScript SDK (tests/fake-elevenlabs/sdk): the twilio and sip-trunk
// outbound-call endpoints, GET conversation, the conversation list (GET
// /v1/convai/conversations: agent_id, call_start_after_unix, call_start_before_unix, cursor,
// page_size; newest first, paged by an opaque cursor that new conversations do not move), signed
// post-call webhooks. Thread-safe. See tests/fake-elevenlabs/README.md.
// For benchmarks in another process it also answers GET /fake/stats (accepted calls and
// WebhookStats as JSON) and GET /fake/accepted?from=N (one "<to_number> <received_at_us>" line
// per accepted call from the N-th on); neither is recorded as a request.
class FakeElevenLabs {
 public:
  explicit FakeElevenLabs(FakeOptions options = {});
  ~FakeElevenLabs();  // stops answering, ends hangs, sends no more webhooks
  FakeElevenLabs(const FakeElevenLabs&) = delete;
  FakeElevenLabs& operator=(const FakeElevenLabs&) = delete;

  int port() const;
  std::string baseUrl() const;  // http://127.0.0.1:<port>

  void setWebhookUrl(const std::string& url);
  void setLatencyMs(int64_t latencyMs);
  void setCallDurationMs(int64_t callDurationMs);
  void setAnswerDelayMs(int64_t answerDelayMs);
  void setMaxConcurrentCalls(int maxConcurrentCalls);
  void setDefaultOutcome(CallOutcome outcome);
  void setOutcomeFor(const std::string& toNumber, CallOutcome outcome);
  // Consumed in order by the next outbound-call requests (or conversation lookups).
  void injectFaults(const std::vector<Fault>& faults);
  void injectLookupFaults(const std::vector<Fault>& faults);

  std::vector<AcceptedCall> acceptedCalls() const;
  std::vector<RecordedRequest> requests() const;
  std::vector<WebhookDelivery> webhookDeliveries() const;
  WebhookAnswerCounts webhookAnswerCounts() const;
  int activeCalls() const;
  int peakActiveCalls() const;
  int64_t concurrencyRejections() const;  // 429s sent because of maxConcurrentCalls
  WebhookStats webhookStats() const;

  // The ElevenLabs-Signature value for `body` signed at `timestampSecs`.
  static std::string signatureHeader(const std::string& secret, const std::string& body,
                                     int64_t timestampSecs);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vo::fake_elevenlabs
