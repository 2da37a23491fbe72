#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "vo/api/Call.h"
#include "vo/api/CallEvent.h"
#include "vo/api/Health.h"

namespace vo::api {

struct DialRequest {
  Call call;
  std::string phoneNumberProvider;  // "twilio" | "sip_trunk", from the registry
  std::string apiKey;  // the workspace's own provider key; empty: the plugin's configured key
};

enum class DialOutcome {
  kAccepted,   // the provider placed the call: providerCallId is set
  kNotPlaced,  // certainly not placed (refused connection, 429): safe to retry later
  kRejected,   // permanently refused (400/401/403/404/422): do not retry
  kAmbiguous,  // may have been placed (timeout after sending, dropped connection, 5xx): never
               // redial
};

constexpr const char* toString(DialOutcome outcome) {
  switch (outcome) {
    case DialOutcome::kAccepted:
      return "accepted";
    case DialOutcome::kNotPlaced:
      return "not_placed";
    case DialOutcome::kRejected:
      return "rejected";
    case DialOutcome::kAmbiguous:
      return "ambiguous";
  }
  return "ambiguous";
}

struct DialResult {
  DialOutcome outcome = DialOutcome::kAmbiguous;
  std::string providerCallId;
  std::string providerDataJson = "{}";  // extras to keep, e.g. {"callSid":"CA…"}
  std::string message;                  // the provider's own words, for the operator
  int httpStatus = 0;                   // 0 when no HTTP answer came
  int64_t retryAfterMs = -1;            // from Retry-After, when the provider said so
  bool throttleAccount = false;         // the account is over its limits: slow down
};

struct WebhookRequest {
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;                            // raw bytes, exactly as received
  int64_t nowMs = 0;
  // The webhook secrets of workspaces with their own provider account (from the store): a
  // signature made with one of them is as good as one made with the provider's own secret.
  std::vector<std::string> workspaceSecrets;
};

struct WebhookResponse {
  int httpStatus = 200;
  std::string body = "{}";
  std::vector<CallEvent> events;  // applied by the core, exactly like CallEventSink events
};

enum class LookupOutcome {
  kUnsupported,  // the provider cannot tell
  kNotPlaced,    // the provider certainly never placed this call: safe to dial
  kInProgress,   // placed and not over yet
  kFinal,        // over: `event` says how
  kUnavailable,  // could not ask now; try later
};

// What the core asks the provider about one call.
struct LookupRequest {
  Call call;
  // The workspace's own provider key (empty: the operator's), from the store's registry, so any
  // instance can ask about a call another one dialed, before or after a restart.
  std::string apiKey;
  // For a call without providerCallId: its last dial began within [dialedAfterMs,
  // dialedBeforeMs] (the core's times, with a margin for clock skew).
  int64_t dialedAfterMs = 0;
  int64_t dialedBeforeMs = 0;
};

// A lookup of `call` with the operator's key and no window (tests, tools).
inline LookupRequest lookupRequestOf(Call call) {
  LookupRequest request;
  request.call = std::move(call);
  return request;
}

struct LookupResult {
  LookupOutcome outcome = LookupOutcome::kUnsupported;
  CallEvent event;
  std::string message;
};

// Told a dial's result; called exactly once.
using DialDone = std::function<void(DialResult)>;

// A voice-AI provider. Dials start from the dispatcher's one dialing thread and from API
// request threads (the priority lane), with dialAsync: many in flight at once. Outcomes of placed
// calls arrive later, either as webhooks (handleWebhook) or pushed to the context's
// CallEventSink; lookup() is the polling fallback and the reconciliation of unknown calls.
class VoiceProvider {
 public:
  static constexpr const char* kKind = "provider";
  virtual ~VoiceProvider();

  // Places one call and waits for the provider's answer.
  virtual DialResult dial(const DialRequest& request) = 0;
  // Starts the same dial and returns without waiting: `done` gets the result exactly once, from
  // any thread, possibly before dialAsync returns. `done` does not block, and dialAsync must
  // not wait for the provider either: the dispatcher keeps hundreds of dials in flight from one
  // thread. Never throws. Every dial started has been answered before the provider is destroyed.
  virtual void dialAsync(const DialRequest& request, DialDone done) = 0;
  // POST /webhooks/{provider name}: verify, parse, answer. Never throws, never blocks (no I/O,
  // no waiting): it runs on the HTTP server's event loop.
  virtual WebhookResponse handleWebhook(const WebhookRequest& request) = 0;
  // Asks the provider about a call: by providerCallId when set, else by the call's id (a dial
  // whose answer was lost: kNotPlaced only when the provider can certainly tell it never placed
  // a call of that id in the window).
  virtual LookupResult lookup(const LookupRequest& request) = 0;
  virtual ComponentHealth health() = 0;
  // The longest a dial can take before its answer or its failure (connect and read timeouts);
  // 0: not bounded by the provider. The service refuses a `dispatcher.leaseMs` not above it: a
  // lease shorter than a dial would have live dials taken for dead workers'.
  virtual int64_t longestDialMs();
};

}  // namespace vo::api
