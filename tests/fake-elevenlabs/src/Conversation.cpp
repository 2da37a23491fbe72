#include "Conversation.h"

namespace vo::fake_elevenlabs {

bool answered(const Conversation& conversation) {
  switch (conversation.outcome) {
    case CallOutcome::kBusy:
    case CallOutcome::kNoAnswer:
    case CallOutcome::kInitiationFailed:
      return false;
    case CallOutcome::kCompleted:
    case CallOutcome::kConversationFailed:
    case CallOutcome::kSilent:
      break;
  }
  return true;
}

ConversationStatus statusAt(const Conversation& conversation, int64_t nowSteadyMs) {
  if (conversation.ended) {
    const bool failed = conversation.outcome != CallOutcome::kCompleted &&
                        conversation.outcome != CallOutcome::kSilent;
    return failed ? ConversationStatus::kFailed : ConversationStatus::kDone;
  }
  if (!answered(conversation) || nowSteadyMs < conversation.ringingUntilMs) {
    return ConversationStatus::kInitiated;
  }
  if (nowSteadyMs < conversation.talkingUntilMs) return ConversationStatus::kInProgress;
  return ConversationStatus::kProcessing;  // and past its end until the clock ends it
}

const char* statusText(ConversationStatus status) {
  switch (status) {
    case ConversationStatus::kInitiated:
      return "initiated";
    case ConversationStatus::kInProgress:
      return "in-progress";
    case ConversationStatus::kProcessing:
      return "processing";
    case ConversationStatus::kDone:
      return "done";
    case ConversationStatus::kFailed:
      break;
  }
  return "failed";
}

const char* callResultAt(const Conversation& conversation, ConversationStatus status) {
  if (answered(conversation))
    return status == ConversationStatus::kInitiated ? nullptr : "answered";
  if (!conversation.ended) return nullptr;
  switch (conversation.outcome) {
    case CallOutcome::kBusy:
      return "busy";
    case CallOutcome::kNoAnswer:
      return "no_answer";
    default:
      return "failed";
  }
}

}  // namespace vo::fake_elevenlabs
