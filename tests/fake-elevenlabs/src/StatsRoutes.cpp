#include "StatsRoutes.h"

#include <Poco/URI.h>

#include <cstdlib>
#include <sstream>

#include "JsonText.h"

namespace vo::fake_elevenlabs {
namespace {

// Every object's keys in name order, as /fake/stats has always listed them.
void writeDuration(JsonWriter& writer, const char* name, const DurationSummary& summary) {
  writer.Key(name);
  writer.StartObject();
  writer.Key("count");
  writer.Int64(summary.count);
  writer.Key("maxMs");
  writer.Double(summary.maxMs);
  writer.Key("p50Ms");
  writer.Double(summary.p50Ms);
  writer.Key("p99Ms");
  writer.Double(summary.p99Ms);
  writer.EndObject();
}

void writeCount(JsonWriter& writer, const char* name, int64_t count) {
  writer.Key(name);
  writer.Int64(count);
}

std::string statsJson(const FakeRegistry& registry, const ConversationClock& clock) {
  const WebhookStats webhooks = clock.webhookStats();
  JsonText json;
  JsonWriter& writer = json.writer();
  writer.StartObject();
  writeCount(writer, "acceptedCalls", static_cast<int64_t>(registry.acceptedCount()));
  writeCount(writer, "activeCalls", registry.active());
  writeCount(writer, "peakActiveCalls", registry.peak());
  writer.Key("webhooks");
  writer.StartObject();
  writeDuration(writer, "answer", webhooks.answer);
  writeCount(writer, "answered2xx", webhooks.answered2xx);
  writeCount(writer, "answeredOther", webhooks.answeredOther);
  writeCount(writer, "attempts", webhooks.attempts);
  writeCount(writer, "connectionFailures", webhooks.connectionFailures);
  writeCount(writer, "deliveries", webhooks.deliveries);
  writeDuration(writer, "lag", webhooks.lag);
  writeCount(writer, "noAnswer", webhooks.noAnswer);
  writeCount(writer, "pending", webhooks.pending);
  writer.EndObject();
  writer.EndObject();
  return json.str();
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
