// Times POST /calls/bulk's body path in-process: parseBulkRequest on 100,000 rows shaped like
// the seed's (a phone number and three variables), then priority-sized bodies with a million
// keys or sixteen million array elements through parseJson. For each: the best and median of
// a few runs, and how much the process's peak RSS rose during the first (bench/RESULTS.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "http/BulkRequest.h"
#include "http/JsonReader.h"

namespace {

using Clock = std::chrono::steady_clock;

long peakRssKb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::string bulkBody(int rows) {
  std::string body = R"({"workspaceId":"workspace_id","agentId":"agent_id",)"
                     R"("agentPhoneNumberId":"phnum_id","name":"bench","calls":[)";
  for (int i = 0; i < rows; ++i) {
    if (i > 0) body += ',';
    const std::string n = std::to_string(1000000 + i);
    body += R"({"to":"+3461)" + n + R"(","variables":{"nombre":"Cliente )" + n + R"(","importe":)" +
            std::to_string(i % 1000) + R"(.50,"ref":"INV-)" + n + R"("}})";
  }
  return body + "]}";
}

template <typename Run>
void measure(const char* what, std::size_t bytes, int runs, Run run) {
  const long before = peakRssKb();
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    run();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  const long rise = peakRssKb() - before;
  std::sort(ms.begin(), ms.end());
  std::printf("%-34s %6.1f MB  best %8.1f ms  median %8.1f ms  %7.0f MB/s  peak RSS +%ld MB\n",
              what, bytes / 1e6, ms.front(), ms[ms.size() / 2], bytes / 1e3 / ms.front(),
              rise / 1024);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vo::core::http;
  // `vo-json-bench bulk` runs the bulk part alone, longer (for perf).
  const bool bulkOnly = argc > 1 && std::string(argv[1]) == "bulk";
  const std::string bulk = bulkBody(100000);
  measure("bulk 100,000 rows: parse+validate", bulk.size(), bulkOnly ? 50 : 7, [&] {
    BulkRequest request;
    auto error = parseBulkRequest(bulk, ValidationLimits{}, 100000, request);
    if (error || request.rows.size() != 100000) std::abort();
  });

  if (bulkOnly) return 0;
  std::string keys = R"({"variables":{)";
  for (int i = 0; i < 1000000; ++i) keys += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  keys += "}}";
  measure("1,000,000 keys: refused", keys.size(), 3, [&] {
    std::string error;
    if (parseJson(keys, error)) std::abort();
  });

  std::string zeros = R"({"x":[0)";
  for (int i = 1; i < 16000000; ++i) zeros += ",0";
  zeros += "]}";
  measure("16,000,000 elements: refused", zeros.size(), 3, [&] {
    std::string error;
    if (parseJson(zeros, error)) std::abort();
  });
  return 0;
}
