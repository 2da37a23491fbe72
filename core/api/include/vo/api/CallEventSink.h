#pragma once

#include "vo/api/CallEvent.h"

namespace vo::api {

// Where providers push call outcomes they learn outside a webhook request (the simulator's
// timers, a background poller). The core applies them exactly like webhook events:
// idempotently, with conditional transitions. Thread-safe; never throws.
class CallEventSink {
 public:
  virtual ~CallEventSink();
  virtual void publish(const CallEvent& event) = 0;
};

}  // namespace vo::api
