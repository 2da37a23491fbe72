#pragma once

#include <string>

namespace vo::bench {

struct LoadOptions {
  std::string mode;
  std::string host = "127.0.0.1";
  int port = 3000;
  std::string key = "dev-admin-key";
  std::string workspace = "demo";
  std::string agent = "agent_demo";
  std::string phone = "phnum_demo";
  long calls = 100000;
  long batch = 1000;
  int inFlight = 1;  // bulk: requests in flight at once
  double rate = 200;
  double seconds = 20;
  int threads = 16;
  long numberOffset = 0;
  std::string fakeUrl;      // the fake ElevenLabs: the provider's record of what it received
  std::string figuresPath;  // where "<name> <value>" lines go, for a harness to tabulate
  double timeoutSecs = 30;  // priority: no answer within it counts as a timeout
  double waitSecs = 900;    // dispatch, drain: give up after it
  long idle = 500;          // connections: idle keep-alive connections held open
  long busy = 100;          // connections: connections sending /health in a loop
  std::string campaign;     // connections: the campaign paused without a body
};

// argv after the program name: mode, then "--name value" pairs. Exits with 2 on a bad option.
LoadOptions parseLoadOptions(int argc, char** argv);

}  // namespace vo::bench
