// vo-load: measures a running voice-orchestrator over HTTP. No assertions: it prints figures
// (and appends them as "<name> <value>" lines to --figures FILE, for bench/production/run.sh).
//   vo-load bulk     --calls 100000 --batch 1000 [--in-flight 1]
//                    accept rate through POST /calls/bulk, request p50/p99
//   vo-load dispatch --calls 50000 [--fake-url URL]
//                    one bulk request, then the rate its calls are dialed (10 % to 90 %) and the
//                    time until all were: from the campaign's progress, or from the fake
//                    ElevenLabs' receive times with --fake-url
//   vo-load priority --rate 200 --seconds 20 [--threads 16] [--timeout 30] [--fake-url URL]
//                    POST /calls/priority, open loop: response time, errors, timeouts, and with
//                    --fake-url the time from sending each request to the fake receiving its dial
//   vo-load drain    --calls N [--wait 900] [--fake-url URL]
//                    waits until /metrics counts N calls, none queued/dispatching/initiated (and
//                    the fake sent every webhook); prints the fake's webhook figures
//   vo-load fake-stats --fake-url URL      the fake's webhook figures now
//   vo-load connections [--idle 500] [--busy 100]
//                    a new client's /health, /calls/priority and body-less POST times while that
//                    many kept-alive connections are open
// Common: --host 127.0.0.1 --port 3000 --key dev-admin-key --workspace demo --agent agent_demo
//         --phone phnum_demo --number-offset 0 --figures FILE
#include <Poco/Exception.h>

#include <cstdio>
#include <exception>
#include <functional>
#include <map>

#include "LoadOptions.h"
#include "Modes.h"

int main(int argc, char** argv) {
  const vo::bench::LoadOptions options = vo::bench::parseLoadOptions(argc, argv);
  const std::map<std::string, std::function<int(const vo::bench::LoadOptions&)>> modes{
      {"bulk", vo::bench::runBulk},
      {"dispatch", vo::bench::runDispatch},
      {"priority", vo::bench::runPriority},
      {"drain", vo::bench::runDrain},
      {"fake-stats", vo::bench::runFakeStats},
      {"connections", vo::bench::runConnections},
  };
  const auto mode = modes.find(options.mode);
  if (mode == modes.end()) {
    std::fprintf(stderr, "unknown mode %s\n", options.mode.c_str());
    return 2;
  }
  try {
    return mode->second(options);
  } catch (const Poco::Exception& e) {
    std::fprintf(stderr, "vo-load: %s\n", e.displayText().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vo-load: %s\n", e.what());
  }
  return 1;
}
