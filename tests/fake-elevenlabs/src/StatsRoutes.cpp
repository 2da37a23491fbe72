#include "StatsRoutes.h"

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

// N of "from=N" in the target's query; 0 without one.
std::size_t fromParameter(const std::string& target) {
  const auto query = target.find('?');
  if (query == std::string::npos) return 0;
  const auto from = target.find("from=", query);
  if (from == std::string::npos) return 0;
  return std::strtoul(target.c_str() + from + 5, nullptr, 10);
}

}  // namespace

std::optional<Reply> answerStatsRoute(const Request& request, const std::string& path,
                                      const FakeRegistry& registry,
                                      const ConversationClock& clock) {
  if (request.method != "GET") return std::nullopt;
  if (path == "/fake/stats") return Reply::answer(200, statsJson(registry, clock));
  if (path == "/fake/accepted") {
    return Reply::answer(200, acceptedLines(registry, fromParameter(request.target)), "text/plain");
  }
  return std::nullopt;
}

}  // namespace vo::fake_elevenlabs
