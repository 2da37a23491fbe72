// POST /calls/bulk bodies: the streaming row parser and every row's validation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http/BulkRequest.h"

using namespace vo::core::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  BulkRequest bulk;
  // A refusal is an answer; only a crash, a leak or undefined behaviour is a finding.
  (void)parseBulkRequest(text, ValidationLimits{}, 1000, bulk);
  return 0;
}
