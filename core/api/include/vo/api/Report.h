#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vo/api/Call.h"
#include "vo/api/Campaign.h"

namespace vo::api {

// Filters of GET /calls. Empty strings and unset optionals do not filter.
struct CallFilter {
  std::string workspaceId;
  std::string agentId;
  std::string campaignId;
  std::string to;
  std::optional<CallStatus> status;
  std::optional<int64_t> createdFromMs;  // inclusive
  std::optional<int64_t> createdToMs;    // exclusive
};

struct CallPage {
  std::vector<Call> calls;
  std::string nextCursor;  // empty: no more pages
};

// GET /calls/report: days are UTC dates "YYYY-MM-DD"; `fromDay` inclusive, `toDay` inclusive.
struct ReportQuery {
  std::string workspaceId;
  std::string agentId;
  std::string fromDay;
  std::string toDay;
};

struct ReportRow {
  std::string day;
  std::string workspaceId;
  std::string agentId;
  int64_t total = 0;
  StatusCounts byStatus;
  int64_t durationSecs = 0;
};

struct Report {
  std::vector<ReportRow> rows;  // ordered by day, workspace, agent
  int64_t total = 0;
  StatusCounts byStatus;
  int64_t durationSecs = 0;
};

}  // namespace vo::api
