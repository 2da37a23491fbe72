#pragma once

#include <string>

namespace vo::fake_elevenlabs {

// Sends as much of `out` as the non-blocking socket `fd` takes now, erasing what went (the rest
// waits for EPOLLOUT); false when the connection failed.
bool sendPending(int fd, std::string& out);

}  // namespace vo::fake_elevenlabs
