#pragma once

#include <span>

#include "vo/api/CallEvent.h"

namespace vo::api {

// Where providers push call outcomes they learn outside a webhook request (the simulator's
// timers, a background poller). The core applies them exactly like webhook events:
// idempotently, with conditional transitions. Thread-safe; never throws. Events that come due
// together go in one call: the core records a batch in one transaction, one at a time in one
// each (a sink may block until they are recorded).
class CallEventSink {
 public:
  virtual ~CallEventSink();
  virtual void publish(std::span<const CallEvent> events) = 0;
};

}  // namespace vo::api
