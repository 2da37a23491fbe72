#pragma once

#include <cstdint>
#include <string>

#include "vo/fake_elevenlabs/FakeElevenLabs.h"

namespace vo::fake_elevenlabs {

// One conversation the fake placed, as the registry keeps it (copies go to the answers).
struct Conversation {
  AcceptedCall call;
  std::string telephony;  // "twilio" | "sip_trunk"
  CallOutcome outcome = CallOutcome::kCompleted;
  uint64_t sequence = 0;      // admission order from 1: the list's order, what a cursor names
  int64_t startedAtSecs = 0;  // unix seconds; never before an earlier conversation's
  std::string streamSid;      // twilio's media stream (MZ...)
  std::string agentName;
  std::string agentNumber;
  // Steady-clock milliseconds: ringing (`initiated`) until, talking (`in-progress`) until, and
  // the end, `processing` until then.
  int64_t ringingUntilMs = 0;
  int64_t talkingUntilMs = 0;
  int64_t endsAtMs = 0;
  bool ended = false;  // the clock ended it (its webhook is due): done or failed
};

enum class ConversationStatus { kInitiated, kInProgress, kProcessing, kDone, kFailed };

// The status the real API would report at `nowSteadyMs`. A call that is never answered (busy,
// no answer, initiation failure) stays `initiated` until it ends `failed`.
ConversationStatus statusAt(const Conversation& conversation, int64_t nowSteadyMs);
// "initiated", "in-progress", "processing", "done", "failed".
const char* statusText(ConversationStatus status);
// Whether the callee picked up (busy, no-answer and initiation failures: no).
bool answered(const Conversation& conversation);
// metadata.phone_call.call_result: answered | busy | no_answer | failed, or nullptr while the
// phone still rings.
const char* callResultAt(const Conversation& conversation, ConversationStatus status);

}  // namespace vo::fake_elevenlabs
