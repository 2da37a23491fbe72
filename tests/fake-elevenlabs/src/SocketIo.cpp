#include "SocketIo.h"

#include <sys/socket.h>

#include <cerrno>

namespace vo::fake_elevenlabs {

bool sendPending(int fd, std::string& out) {
  while (!out.empty()) {
    const ssize_t sent = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      out.erase(0, static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (sent < 0 && errno == EINTR) continue;
    return false;
  }
  return true;
}

}  // namespace vo::fake_elevenlabs
