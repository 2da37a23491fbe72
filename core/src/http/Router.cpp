#include "http/Router.h"

#include <algorithm>

#include "http/JsonWriter.h"

namespace vo::core::http {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

namespace {

std::vector<std::string> patternSegments(const std::string& pattern) {
  std::vector<std::string> segments = splitPath(pattern);
  for (auto& segment : segments) {
    if (segment.front() == '{') segment = "{}";
  }
  return segments;
}

}  // namespace

void Router::add(std::string method, const std::string& pattern, RouteHandler handler,
                 RouteOptions options) {
  routes_.push_back(
      Route{std::move(method), pattern, patternSegments(pattern), options, std::move(handler), {}});
}

void Router::addLater(std::string method, const std::string& pattern, LaterHandler handler,
                      RouteOptions options) {
  routes_.push_back(
      Route{std::move(method), pattern, patternSegments(pattern), options, {}, std::move(handler)});
}

namespace {

// -1 when the path does not fit the route, else how many literal segments matched.
int literalScore(const Route& route, const std::vector<std::string>& segments) {
  if (route.segments.size() != segments.size()) return -1;
  int score = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (route.segments[i] == "{}") continue;
    if (route.segments[i] != segments[i]) return -1;
    ++score;
  }
  return score;
}

}  // namespace

std::variant<RouteMatch, ApiResponse> Router::match(const std::string& method,
                                                    const std::string& path) const {
  const std::vector<std::string> segments = splitPath(path);
  int bestScore = -1;
  for (const auto& route : routes_) bestScore = std::max(bestScore, literalScore(route, segments));
  if (bestScore < 0) return errorResponse(notFound("route " + path));

  std::vector<std::string> allowed;
  for (const auto& route : routes_) {
    if (literalScore(route, segments) != bestScore) continue;
    if (route.method == method) {
      RouteMatch found{&route, {}};
      for (std::size_t i = 0; i < segments.size(); ++i) {
        if (route.segments[i] == "{}") found.params.push_back(segments[i]);
      }
      return found;
    }
    if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) {
      allowed.push_back(route.method);
    }
  }
  std::string allowHeader;
  std::string details;
  JsonWriter writer(details);
  writer.beginObject().key("allow").beginArray();
  for (const auto& name : allowed) {
    allowHeader += (allowHeader.empty() ? "" : ", ") + name;
    writer.string(name);
  }
  writer.endArray().endObject();
  ApiResponse response = errorResponse(ApiError{
      405, "method_not_allowed", method + " is not allowed on " + path, std::move(details)});
  response.headers.emplace_back("Allow", allowHeader);
  return response;
}

}  // namespace vo::core::http
