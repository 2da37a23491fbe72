#include "http/front/OutputBuffer.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timestamp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cerrno>

namespace vo::core::http {

namespace {

constexpr std::size_t kMaxPiecesPerSend = 16;

std::string head(const ApiResponse& response, std::size_t contentLength, bool close) {
  const auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status);
  std::string text = "HTTP/1.1 " + std::to_string(response.status) + " " +
                     Poco::Net::HTTPResponse::getReasonForStatus(status) + "\r\n";
  text += "Date: " +
          Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::HTTP_FORMAT) +
          "\r\n";
  text += "Server: voice-orchestrator\r\n";
  if (!response.contentType.empty()) text += "Content-Type: " + response.contentType + "\r\n";
  text += "Content-Length: " + std::to_string(contentLength) + "\r\n";
  for (const auto& [name, value] : response.headers) text += name + ": " + value + "\r\n";
  // HTTP/1.0 clients keep the connection only when told so; HTTP/1.1 ones unless told not to.
  text += close ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
  text += "\r\n";
  return text;
}

}  // namespace

void OutputBuffer::appendResponse(ApiResponse response, bool close, bool headOnly) {
  pieces_.push_back(head(response, response.body.size(), close));
  if (!headOnly && !response.body.empty()) pieces_.push_back(std::move(response.body));
}

void OutputBuffer::appendRaw(std::string bytes) {
  if (!bytes.empty()) pieces_.push_back(std::move(bytes));
}

OutputBuffer::Flush OutputBuffer::flushTo(int fd) {
  while (!pieces_.empty()) {
    std::array<iovec, kMaxPiecesPerSend> vectors{};
    std::size_t count = 0;
    for (auto piece = pieces_.begin(); piece != pieces_.end() && count < vectors.size();
         ++piece, ++count) {
      const std::size_t skip = count == 0 ? sentOfFirst_ : 0;
      vectors[count].iov_base = piece->data() + skip;
      vectors[count].iov_len = piece->size() - skip;
    }
    msghdr message{};
    message.msg_iov = vectors.data();
    message.msg_iovlen = count;
    const ssize_t sent = ::sendmsg(fd, &message, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? Flush::WouldBlock : Flush::Failed;
    }
    auto left = static_cast<std::size_t>(sent);
    while (left > 0) {
      const std::size_t rest = pieces_.front().size() - sentOfFirst_;
      if (left < rest) {
        sentOfFirst_ += left;
        break;
      }
      left -= rest;
      pieces_.pop_front();
      sentOfFirst_ = 0;
    }
  }
  return Flush::Done;
}

}  // namespace vo::core::http
