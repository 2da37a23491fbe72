#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vo::api {

// A call's life: queued -> dispatching -> initiated -> completed | no_answer | busy | failed,
// plus canceled, suppressed and unknown (may have been placed; never redialed blindly).
enum class CallStatus {
  kQueued,
  kDispatching,
  kInitiated,
  kCompleted,
  kNoAnswer,
  kBusy,
  kFailed,
  kCanceled,
  kSuppressed,
  kUnknown,
};

inline constexpr CallStatus kAllCallStatuses[] = {CallStatus::kQueued,     CallStatus::kDispatching,
                                                  CallStatus::kInitiated,  CallStatus::kCompleted,
                                                  CallStatus::kNoAnswer,   CallStatus::kBusy,
                                                  CallStatus::kFailed,     CallStatus::kCanceled,
                                                  CallStatus::kSuppressed, CallStatus::kUnknown};

constexpr std::string_view toString(CallStatus status) {
  switch (status) {
    case CallStatus::kQueued:
      return "queued";
    case CallStatus::kDispatching:
      return "dispatching";
    case CallStatus::kInitiated:
      return "initiated";
    case CallStatus::kCompleted:
      return "completed";
    case CallStatus::kNoAnswer:
      return "no_answer";
    case CallStatus::kBusy:
      return "busy";
    case CallStatus::kFailed:
      return "failed";
    case CallStatus::kCanceled:
      return "canceled";
    case CallStatus::kSuppressed:
      return "suppressed";
    case CallStatus::kUnknown:
      return "unknown";
  }
  return "unknown";
}

constexpr std::optional<CallStatus> parseCallStatus(std::string_view text) {
  for (CallStatus status : kAllCallStatuses) {
    if (toString(status) == text) return status;
  }
  return std::nullopt;
}

// Final: the call will not change again by itself. `unknown` counts as final for pacing and
// progress; only an explicit reconciliation with the provider may still move it.
constexpr bool isFinal(CallStatus status) {
  return status != CallStatus::kQueued && status != CallStatus::kDispatching &&
         status != CallStatus::kInitiated;
}

// Which queue lane a call waits in. Priority never waits behind bulk work.
enum class Lane { kPriority, kBulk };

constexpr std::string_view toString(Lane lane) {
  return lane == Lane::kPriority ? "priority" : "bulk";
}

struct Call {
  std::string id;  // time-sortable (ULID-like); keyset pagination orders by it
  std::string workspaceId;
  std::string agentId;
  std::string agentPhoneNumberId;
  std::string campaignId;            // empty when the call belongs to no campaign (priority calls)
  std::string to;                    // E.164
  std::string from;                  // E.164, may be empty
  std::string timezone;              // the recipient's IANA zone; "" when it is not known
  std::string variablesJson = "{}";  // a JSON object of flat scalars, validated by the core
  CallStatus status = CallStatus::kQueued;
  Lane lane = Lane::kBulk;
  int attempts = 0;     // dial attempts made so far
  int maxAttempts = 3;  // attempts allowed when the provider certainly did not place the call
  std::string providerCallId;    // e.g. ElevenLabs conversation_id
  std::string providerDataJson;  // provider extras as a JSON object, e.g. {"callSid":"CA…"}
  std::string lastError;         // the last provider or dispatch error, kept for the operator
  std::optional<int64_t> durationSecs;
  std::string endReason;
  int64_t createdAtMs = 0;
  int64_t updatedAtMs = 0;
  int64_t nextAttemptAtMs = 0;  // when a queued call is due (retry backoff); the sweeper uses it
};

// One dial attempt, shown by GET /calls/{id}.
struct CallAttempt {
  int number = 0;  // 1-based
  int64_t startedAtMs = 0;
  std::string outcome;  // accepted | not_placed | rejected | ambiguous
  std::string providerCallId;
  std::string error;
};

}  // namespace vo::api
