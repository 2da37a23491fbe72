#pragma once

#include "http/ApiContext.h"
#include "http/Router.h"

namespace vo::core::http {

// GET /calls (filters, keyset pages), GET /calls/{id} (with its attempts), GET /calls/report.
class CallReadRoutes {
 public:
  explicit CallReadRoutes(ApiContext& context) : context_(context) {}
  void addTo(Router& router);

  ApiResponse list(const RouteContext& route);
  ApiResponse get(const RouteContext& route);
  ApiResponse report(const RouteContext& route);

  static constexpr int kDefaultLimit = 100;
  static constexpr int kMaxLimit = 1000;
  static constexpr int kDefaultReportDays = 15;
  static constexpr int kMaxReportDays = 366;

 private:
  ApiContext& context_;
};

}  // namespace vo::core::http
