#pragma once

#include <string>

namespace vo::api {

// One plugin's view of its own dependency, shown by GET /health (503 when any is down).
struct ComponentHealth {
  bool up = true;
  std::string detail;  // short, human readable: "connected to 127.0.0.1:6379", "connection refused"
};

}  // namespace vo::api
