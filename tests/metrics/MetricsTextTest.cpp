// The exposition text of /metrics: histogram bounds in their shortest exact form, and the
// counters by workspace and agent with their bounded label sets. Exact text, not substrings.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "vo/core/AgentCounters.h"
#include "vo/core/Metrics.h"

namespace vo::core {
namespace {

using api::CallStatus;
using api::DialOutcome;

// The text of the family `name` (from its # HELP line to the next family's).
std::string familyText(const std::string& all, const std::string& name) {
  const std::size_t begin = all.find("# HELP " + name + " ");
  if (begin == std::string::npos) return "";
  const std::size_t end = all.find("# HELP ", begin + 1);
  return all.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

TEST(MetricsText, HistogramBoundsArePrintedInTheirShortestExactForm) {
  Metrics metrics;
  Histogram& latency =
      metrics.histogram("vo_test_seconds", "A test histogram", {0.001, 0.0025, 0.1, 1, 2.5, 60});
  latency.observe(0.002);
  latency.observe(0.5);
  latency.observe(90);
  EXPECT_EQ(familyText(metrics.render(), "vo_test_seconds"),
            "# HELP vo_test_seconds A test histogram\n"
            "# TYPE vo_test_seconds histogram\n"
            "vo_test_seconds_bucket{le=\"0.001\"} 0\n"
            "vo_test_seconds_bucket{le=\"0.0025\"} 1\n"
            "vo_test_seconds_bucket{le=\"0.1\"} 1\n"
            "vo_test_seconds_bucket{le=\"1\"} 2\n"
            "vo_test_seconds_bucket{le=\"2.5\"} 2\n"
            "vo_test_seconds_bucket{le=\"60\"} 2\n"
            "vo_test_seconds_bucket{le=\"+Inf\"} 3\n"
            "vo_test_seconds_sum 90.502\n"
            "vo_test_seconds_count 3\n");
}

TEST(MetricsText, LabeledHistogramKeepsItsLabelsBeforeTheBound) {
  Metrics metrics;
  metrics.histogram("vo_test_seconds", "help", {0.25}, "lane=\"bulk\"").observe(0.1);
  const std::string text = familyText(metrics.render(), "vo_test_seconds");
  EXPECT_NE(text.find("vo_test_seconds_bucket{lane=\"bulk\",le=\"0.25\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("vo_test_seconds_sum{lane=\"bulk\"} 0.1\n"), std::string::npos) << text;
}

TEST(MetricsText, CallsAndDialsAreCountedByWorkspaceAndAgent) {
  Metrics metrics;
  AgentRow& acme = metrics.perAgent().row("acme", "agent_1");
  acme.finished(CallStatus::kCompleted);
  acme.finished(CallStatus::kCompleted);
  acme.finished(CallStatus::kBusy);
  acme.finished(CallStatus::kInitiated);  // not final: not counted
  acme.finished(CallStatus::kUnknown);    // may still be reconciled: not counted
  acme.dialed(DialOutcome::kAccepted);
  acme.dialed(DialOutcome::kAmbiguous);
  metrics.perAgent().row("beta", "agent_2").dialed(DialOutcome::kRejected);
  EXPECT_EQ(&metrics.perAgent().row("acme", "agent_1"), &acme);  // found again, not added
  const std::string text = metrics.render();
  EXPECT_EQ(
      familyText(text, "vo_calls_finished_total"),
      "# HELP vo_calls_finished_total Calls that reached a final status (unknown is not "
      "one: it may still be reconciled)\n"
      "# TYPE vo_calls_finished_total counter\n"
      "vo_calls_finished_total{workspace=\"acme\",agent=\"agent_1\",status=\"completed\"} 2\n"
      "vo_calls_finished_total{workspace=\"acme\",agent=\"agent_1\",status=\"no_answer\"} 0\n"
      "vo_calls_finished_total{workspace=\"acme\",agent=\"agent_1\",status=\"busy\"} 1\n"
      "vo_calls_finished_total{workspace=\"acme\",agent=\"agent_1\",status=\"failed\"} 0\n"
      "vo_calls_finished_total{workspace=\"acme\",agent=\"agent_1\",status=\"canceled\"} 0\n"
      "vo_calls_finished_total{workspace=\"acme\",agent=\"agent_1\",status=\"suppressed\"} 0\n"
      "vo_calls_finished_total{workspace=\"beta\",agent=\"agent_2\",status=\"completed\"} 0\n"
      "vo_calls_finished_total{workspace=\"beta\",agent=\"agent_2\",status=\"no_answer\"} 0\n"
      "vo_calls_finished_total{workspace=\"beta\",agent=\"agent_2\",status=\"busy\"} 0\n"
      "vo_calls_finished_total{workspace=\"beta\",agent=\"agent_2\",status=\"failed\"} 0\n"
      "vo_calls_finished_total{workspace=\"beta\",agent=\"agent_2\",status=\"canceled\"} 0\n"
      "vo_calls_finished_total{workspace=\"beta\",agent=\"agent_2\",status=\"suppressed\"} "
      "0\n");
  EXPECT_EQ(
      familyText(text, "vo_dial_outcomes_total"),
      "# HELP vo_dial_outcomes_total Dial attempts by the provider's answer\n"
      "# TYPE vo_dial_outcomes_total counter\n"
      "vo_dial_outcomes_total{workspace=\"acme\",agent=\"agent_1\",outcome=\"accepted\"} 1\n"
      "vo_dial_outcomes_total{workspace=\"acme\",agent=\"agent_1\",outcome=\"not_placed\"} 0\n"
      "vo_dial_outcomes_total{workspace=\"acme\",agent=\"agent_1\",outcome=\"rejected\"} 0\n"
      "vo_dial_outcomes_total{workspace=\"acme\",agent=\"agent_1\",outcome=\"ambiguous\"} 1\n"
      "vo_dial_outcomes_total{workspace=\"beta\",agent=\"agent_2\",outcome=\"accepted\"} 0\n"
      "vo_dial_outcomes_total{workspace=\"beta\",agent=\"agent_2\",outcome=\"not_placed\"} 0\n"
      "vo_dial_outcomes_total{workspace=\"beta\",agent=\"agent_2\",outcome=\"rejected\"} 1\n"
      "vo_dial_outcomes_total{workspace=\"beta\",agent=\"agent_2\",outcome=\"ambiguous\"} "
      "0\n");
}

TEST(MetricsText, PairsBeyondTheLimitAreCountedAsOther) {
  Metrics metrics(2);
  AgentCounters& counters = metrics.perAgent();
  counters.row("ws1", "a").finished(CallStatus::kCompleted);
  counters.row("ws1", "b").finished(CallStatus::kCompleted);
  counters.row("ws2", "a").finished(CallStatus::kCompleted);  // a third pair: "other"
  counters.row("ws3", "c").finished(CallStatus::kFailed);     // and a fourth
  counters.row("ws1", "a").finished(CallStatus::kCompleted);  // a known pair keeps its row
  EXPECT_EQ(counters.labelSets(), 2u);
  EXPECT_EQ(&counters.row("ws9", "z"), &counters.other());
  const std::string text = familyText(metrics.render(), "vo_calls_finished_total");
  const auto line = [](const std::string& ws, const std::string& agent, const std::string& status,
                       int n) {
    return "vo_calls_finished_total{workspace=\"" + ws + "\",agent=\"" + agent + "\",status=\"" +
           status + "\"} " + std::to_string(n) + "\n";
  };
  EXPECT_NE(text.find(line("ws1", "a", "completed", 2)), std::string::npos) << text;
  EXPECT_NE(text.find(line("ws1", "b", "completed", 1)), std::string::npos) << text;
  EXPECT_NE(text.find(line("other", "other", "completed", 1)), std::string::npos) << text;
  EXPECT_NE(text.find(line("other", "other", "failed", 1)), std::string::npos) << text;
  EXPECT_EQ(text.find("ws2"), std::string::npos) << text;
  EXPECT_EQ(text.find("ws3"), std::string::npos) << text;
  // Three pairs of six statuses each: the two kept and "other", nothing else.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2 + 3 * 6) << text;
}

TEST(MetricsText, OtherIsNotShownUntilItCountsSomething) {
  Metrics metrics(2);
  metrics.perAgent().row("ws1", "a").dialed(DialOutcome::kAccepted);
  EXPECT_EQ(metrics.render().find("\"other\""), std::string::npos);
}

TEST(MetricsText, LabelValuesAreEscaped) {
  Metrics metrics;
  metrics.perAgent().row("a\"b\\c", "line\nbreak").dialed(DialOutcome::kAccepted);
  EXPECT_NE(metrics.render().find("vo_dial_outcomes_total{workspace=\"a\\\"b\\\\c\",agent="
                                  "\"line\\nbreak\",outcome=\"accepted\"} 1\n"),
            std::string::npos);
}

}  // namespace
}  // namespace vo::core
