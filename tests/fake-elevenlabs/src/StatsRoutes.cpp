#include "StatsRoutes.h"

#include <Poco/JSON/Object.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <sstream>

#include "WireShapes.h"

namespace vo::fake_elevenlabs {
namespace {

Poco::JSON::Object::Ptr durationObject(const DurationSummary& summary) {
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
  object->set("count", summary.count);
  object->set("p50Ms", summary.p50Ms);
  object->set("p99Ms", summary.p99Ms);
  object->set("maxMs", summary.maxMs);
  return object;
}

std::string statsJson(const FakeRegistry& registry, const ConversationClock& clock) {
  const WebhookStats webhooks = clock.webhookStats();
  Poco::JSON::Object::Ptr hooks = new Poco::JSON::Object;
  hooks->set("deliveries", webhooks.deliveries);
  hooks->set("attempts", webhooks.attempts);
  hooks->set("answered2xx", webhooks.answered2xx);
  hooks->set("answeredOther", webhooks.answeredOther);
  hooks->set("noAnswer", webhooks.noAnswer);
  hooks->set("connectionFailures", webhooks.connectionFailures);
  hooks->set("pending", webhooks.pending);
  hooks->set("answer", durationObject(webhooks.answer));
  hooks->set("lag", durationObject(webhooks.lag));
  Poco::JSON::Object stats;
  stats.set("acceptedCalls", static_cast<int64_t>(registry.acceptedCount()));
  stats.set("activeCalls", registry.active());
  stats.set("peakActiveCalls", registry.peak());
  stats.set("webhooks", hooks);
  return toJson(stats);
}

std::string acceptedLines(const FakeRegistry& registry, std::size_t from) {
  std::ostringstream lines;
  for (const AcceptedCall& call : registry.acceptedFrom(from)) {
    lines << call.toNumber << ' ' << call.receivedAtUs << '\n';
  }
  return lines.str();
}

void send(Poco::Net::HTTPServerResponse& response, const std::string& contentType,
          const std::string& body) {
  response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType(contentType);
  response.setContentLength64(static_cast<Poco::Int64>(body.size()));
  response.send() << body;
}

}  // namespace

bool answerStatsRoute(const std::string& path, Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response, const FakeRegistry& registry,
                      const ConversationClock& clock) {
  if (request.getMethod() != "GET") return false;
  if (path == "/fake/stats") {
    send(response, "application/json", statsJson(registry, clock));
    return true;
  }
  if (path == "/fake/accepted") {
    std::size_t from = 0;
    for (const auto& [name, value] : Poco::URI(request.getURI()).getQueryParameters()) {
      if (name == "from") from = std::strtoul(value.c_str(), nullptr, 10);
    }
    send(response, "text/plain", acceptedLines(registry, from));
    return true;
  }
  return false;
}

}  // namespace vo::fake_elevenlabs
