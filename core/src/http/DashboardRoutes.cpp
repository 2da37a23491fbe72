#include "http/DashboardRoutes.h"

#include <fstream>
#include <sstream>
#include <string_view>

#include "support/ExecutableDir.h"
#include "vo/api/CallQueue.h"

namespace vo::core::http {

namespace fs = std::filesystem;

namespace {

// share/voice-orchestrator/dashboard beside the binary's folder: build/<tree>/bin/.. in a
// build tree, /usr/bin/.. once installed by the package.
fs::path dashboardDirOf(const ServerConfig& config) {
  if (!config.dashboardDir.empty()) return config.dashboardDir;
  return (executableDir() / ".." / "share" / "voice-orchestrator" / "dashboard").lexically_normal();
}

struct StaticFile {
  std::string_view name;
  const char* contentType;
};

// The only files served: nothing else under the folder (or outside it) can be asked for.
constexpr StaticFile kFiles[] = {
    {"index.html", "text/html; charset=utf-8"},
    {"app.js", "text/javascript; charset=utf-8"},
    {"style.css", "text/css; charset=utf-8"},
};

}  // namespace

DashboardRoutes::DashboardRoutes(ApiContext& context)
    : context_(context), dashboardDir_(dashboardDirOf(context.services.config.server)) {}

void DashboardRoutes::addTo(Router& router) {
  const RouteOptions open{false, false};
  router.add(
      "GET", "/dashboard", [this](const RouteContext& route) { return page(route); }, open);
  router.add(
      "GET", "/dashboard/{file}", [this](const RouteContext& route) { return file(route); }, open);
  router.add("GET", "/stats", [this](const RouteContext& route) { return stats(route); });
}

ApiResponse DashboardRoutes::page(const RouteContext&) {
  return serve(dashboardDir_ / "index.html", kFiles[0].contentType);
}

ApiResponse DashboardRoutes::file(const RouteContext& route) {
  const std::string& name = route.params[0];
  if (name == "chart.js") {
    return serve(context_.services.config.server.chartJsFile, "text/javascript; charset=utf-8");
  }
  for (const StaticFile& known : kFiles) {
    if (name == known.name) return serve(dashboardDir_ / known.name, known.contentType);
  }
  return errorResponse(notFound("dashboard file '" + name + "'"));
}

ApiResponse DashboardRoutes::serve(const fs::path& path, const char* contentType) const {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return errorResponse(ApiError{404, "not_found",
                                  "dashboard file " + path.string() +
                                      " is not installed (server.dashboardDir, "
                                      "server.chartJsFile)"});
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  ApiResponse response{200, contents.str()};
  response.contentType = contentType;
  // Files change only with an upgrade; a reload after one fetches them again.
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

ApiResponse DashboardRoutes::stats(const RouteContext& route) {
  auto counts = context_.services.queue.counts();
  if (!counts) return errorResponse(dependencyError(counts.error(), "queue counts"));
  const api::QueueCounts& queue = counts.value();
  return writeResponse(200, [&](JsonWriter& writer) {
    writer.beginObject();
    if (route.caller.admin) {
      writer.key("scope").string("all");
      writer.key("waiting").integer(queue.waiting);
      writer.key("delayed").integer(queue.delayed);
      writer.key("paused").integer(queue.paused);
      // A call holds its pacing slots from its claim to its final status: dialing or ringing.
      writer.key("inFlight").integer(queue.slotsHeld);
    } else {
      const auto waiting = queue.waitingByWorkspace.find(route.caller.workspaceId);
      writer.key("scope").string(route.caller.workspaceId);
      writer.key("waiting").integer(waiting == queue.waitingByWorkspace.end() ? 0
                                                                              : waiting->second);
    }
    writer.endObject();
  });
}

}  // namespace vo::core::http
