#pragma once

#include <cstdint>
#include <string>

namespace vo::fake_elevenlabs {

// What the fake's two event loops (EventLoopServer, WebhookSender) share.

// Sends as much of `out` as the non-blocking socket `fd` takes now, erasing what went (the rest
// waits for EPOLLOUT); false when the connection failed.
bool sendPending(int fd, std::string& out);
// Adds (EPOLL_CTL_ADD) or changes (EPOLL_CTL_MOD) `fd` in the epoll set, tagged with `id`.
void watch(int epoll, int fd, uint64_t id, uint32_t events, int operation);
// Wakes the loop waiting on the eventfd `eventFd`.
void wakeLoop(int eventFd);

// The fake's clocks: steady for delays and durations, system for what it reports.
int64_t steadyMicros();
int64_t steadyMillis();
int64_t unixMicros();
int64_t unixSeconds();

}  // namespace vo::fake_elevenlabs
