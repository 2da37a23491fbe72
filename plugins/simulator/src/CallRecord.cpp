#include "CallRecord.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "vo/api/ConfigReader.h"

namespace vo::simulator {

CallRecord::CallRecord(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw api::ConfigError("plugins.provider.config.recordFile: cannot open '" + path_ +
                           "': " + std::strerror(errno));
  }
  std::lock_guard lock(mutex_);
  catchUp();
}

CallRecord::~CallRecord() {
  if (fd_ >= 0) ::close(fd_);
}

void CallRecord::appendLine(const std::string& line) {
  // One write per line: O_APPEND makes it atomic with respect to other writers.
  const char* data = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t written = ::write(fd_, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // a full disk cannot fail a dial that already happened
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

void CallRecord::recordDial(int64_t atMs, const api::Call& call,
                            const std::string& providerCallId) {
  const std::string to = call.to.empty() ? "-" : call.to;
  const std::string phone = call.agentPhoneNumberId.empty() ? "-" : call.agentPhoneNumberId;
  appendLine("dial " + std::to_string(atMs) + " " + call.id + " " + to + " " + phone + " " +
             providerCallId + "\n");
  std::lock_guard lock(mutex_);
  placedByCallId_[call.id] = providerCallId;
}

void CallRecord::recordEnd(int64_t atMs, std::string_view providerCallId, api::CallStatus status) {
  appendLine("end " + std::to_string(atMs) + " " + std::string(providerCallId) + " " +
             std::string(api::toString(status)) + "\n");
}

std::optional<std::string> CallRecord::placedCall(const std::string& callId) {
  std::lock_guard lock(mutex_);
  auto found = placedByCallId_.find(callId);
  if (found == placedByCallId_.end()) {
    catchUp();  // another process (or this one before a restart) may have placed it
    found = placedByCallId_.find(callId);
    if (found == placedByCallId_.end()) return std::nullopt;
  }
  return found->second;
}

void CallRecord::catchUp() {
  const int readFd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (readFd < 0) return;
  std::string text = std::move(partialLine_);
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::pread(readFd, buffer, sizeof buffer, readOffset_);
    if (got <= 0) break;
    readOffset_ += got;
    text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(readFd);
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    std::istringstream line(text.substr(start, end - start));
    std::string kind, atMs, callId, to, phone, providerCallId;
    if (line >> kind >> atMs >> callId >> to >> phone >> providerCallId && kind == "dial") {
      placedByCallId_[callId] = providerCallId;
    }
  }
  partialLine_ = text.substr(start);  // a line still being written by another process
}

}  // namespace vo::simulator
