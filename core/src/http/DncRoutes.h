#pragma once

#include "http/ApiContext.h"
#include "http/Router.h"

namespace vo::core::http {

// Do-not-call lists: a workspace's (/workspaces/{id}/dnc, its key or the admin's) and the global
// one (/dnc, the admin key only). Numbers are checked as `to` is; calls to a listed number end
// `suppressed` (endReason "dnc") when accepted and when claimed (docs/dnc.md).
class DncRoutes {
 public:
  explicit DncRoutes(ApiContext& context) : context_(context) {}
  void addTo(Router& router);

  static constexpr int kMaxNumbersPerRequest = 100000;
  static constexpr int kDefaultLimit = 100;
  static constexpr int kMaxLimit = 1000;

 private:
  // The list a route names: the workspace's id, or the global list's; or the refusal.
  std::optional<ApiError> listOf(const RouteContext& route, bool write,
                                 std::initializer_list<std::string_view> allowedQuery,
                                 std::string& listId);
  ApiResponse add(const RouteContext& route);
  ApiResponse remove(const RouteContext& route);
  ApiResponse list(const RouteContext& route);

  ApiContext& context_;
};

}  // namespace vo::core::http
