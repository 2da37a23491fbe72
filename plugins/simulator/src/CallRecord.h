#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vo/api/Call.h"

namespace vo::simulator {

// The record file: one line per placed call (`dial <epochMs> <callId> <to> <phoneNumberId>
// <providerCallId>`) and one per end (`end <epochMs> <providerCallId> <status>`), each written
// with a single O_APPEND write so several processes can share the file and a SIGKILL loses
// nothing already written. It is also the simulator's memory of which calls it placed: an index
// by call id, loaded at start and caught up from the file when a lookup misses.
class CallRecord {
 public:
  // Throws vo::api::ConfigError when the file cannot be opened.
  explicit CallRecord(std::string path);
  ~CallRecord();
  CallRecord(const CallRecord&) = delete;
  CallRecord& operator=(const CallRecord&) = delete;

  void recordDial(int64_t atMs, const api::Call& call, const std::string& providerCallId);
  void recordEnd(int64_t atMs, std::string_view providerCallId, api::CallStatus status);
  // The provider call id of the latest placed dial of `callId`, from any process.
  std::optional<std::string> placedCall(const std::string& callId);

 private:
  void appendLine(const std::string& line);
  void catchUp();  // indexes lines appended since the last read; caller holds mutex_

  const std::string path_;
  int fd_ = -1;
  std::mutex mutex_;
  int64_t readOffset_ = 0;
  std::string partialLine_;
  std::unordered_map<std::string, std::string> placedByCallId_;
};

}  // namespace vo::simulator
