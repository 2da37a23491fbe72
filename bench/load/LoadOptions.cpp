#include "LoadOptions.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>

namespace vo::bench {

LoadOptions parseLoadOptions(int argc, char** argv) {
  LoadOptions o;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: vo-load bulk|dispatch|priority|drain|fake-stats|connections "
                 "[--option value]...\n");
    std::exit(2);
  }
  o.mode = argv[1];
  using Set = std::function<void(const std::string&)>;
  const std::map<std::string, Set> setters{
      {"--host", [&](const std::string& v) { o.host = v; }},
      {"--port", [&](const std::string& v) { o.port = std::stoi(v); }},
      {"--key", [&](const std::string& v) { o.key = v; }},
      {"--workspace", [&](const std::string& v) { o.workspace = v; }},
      {"--agent", [&](const std::string& v) { o.agent = v; }},
      {"--phone", [&](const std::string& v) { o.phone = v; }},
      {"--calls", [&](const std::string& v) { o.calls = std::stol(v); }},
      {"--batch", [&](const std::string& v) { o.batch = std::stol(v); }},
      {"--in-flight", [&](const std::string& v) { o.inFlight = std::stoi(v); }},
      {"--rate", [&](const std::string& v) { o.rate = std::stod(v); }},
      {"--seconds", [&](const std::string& v) { o.seconds = std::stod(v); }},
      {"--threads", [&](const std::string& v) { o.threads = std::stoi(v); }},
      {"--number-offset", [&](const std::string& v) { o.numberOffset = std::stol(v); }},
      {"--fake-url", [&](const std::string& v) { o.fakeUrl = v; }},
      {"--figures", [&](const std::string& v) { o.figuresPath = v; }},
      {"--timeout", [&](const std::string& v) { o.timeoutSecs = std::stod(v); }},
      {"--wait", [&](const std::string& v) { o.waitSecs = std::stod(v); }},
      {"--idle", [&](const std::string& v) { o.idle = std::stol(v); }},
      {"--busy", [&](const std::string& v) { o.busy = std::stol(v); }},
      {"--campaign", [&](const std::string& v) { o.campaign = v; }},
  };
  for (int i = 2; i < argc; i += 2) {
    const auto setter = setters.find(argv[i]);
    if (setter == setters.end() || i + 1 >= argc) {
      std::fprintf(stderr, "unknown option or missing value: %s\n", argv[i]);
      std::exit(2);
    }
    setter->second(argv[i + 1]);
  }
  if (o.inFlight < 1 || o.threads < 1 || o.batch < 1 || o.calls < 1 || o.rate <= 0) {
    std::fprintf(stderr, "--in-flight, --threads, --batch, --calls and --rate must be positive\n");
    std::exit(2);
  }
  return o;
}

}  // namespace vo::bench
