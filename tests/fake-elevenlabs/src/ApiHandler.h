#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <atomic>

#include "ConversationClock.h"
#include "FakeRegistry.h"

namespace vo::fake_elevenlabs {

// Creates the handler of every request: POST outbound-call (twilio, sip-trunk) and
// GET conversation, with the faults the test injected.
class ApiHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  ApiHandlerFactory(FakeRegistry& registry, ConversationClock& clock,
                    const std::atomic<bool>& stopping);
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  FakeRegistry& registry_;
  ConversationClock& clock_;
  const std::atomic<bool>& stopping_;
};

}  // namespace vo::fake_elevenlabs
