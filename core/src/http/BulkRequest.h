#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/ApiMessage.h"
#include "http/Validation.h"

namespace vo::core::http {

struct BulkRow {
  std::size_t index = 0;  // in the request's `calls`
  std::string to;
  std::string timezone;
  std::string variablesJson;
};

struct RejectedRow {
  std::size_t index = 0;
  ApiError error;
};

// POST /calls/bulk, parsed and validated. Rows are validated one by one; a bad row lands in
// `rejected` and does not spoil the others.
struct BulkRequest {
  std::string workspaceId;
  std::string agentId;
  std::string agentPhoneNumberId;
  std::string from;
  std::string name;
  std::vector<BulkRow> rows;  // the valid rows, in order
  std::vector<RejectedRow> rejected;
};

// Streams the `calls` array row by row (no document tree of the whole body, so a 100,000-row
// request costs little more than its rows). Errors of the request as a whole (malformed JSON,
// bad top-level fields, more than `maxRows` rows: 413) come back as the ApiError.
std::optional<ApiError> parseBulkRequest(std::string_view body, const ValidationLimits& limits,
                                         int maxRows, BulkRequest& out);

}  // namespace vo::core::http
