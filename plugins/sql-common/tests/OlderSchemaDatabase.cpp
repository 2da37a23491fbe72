#include "OlderSchemaDatabase.h"

#include <gtest/gtest.h>

#include "vo/sql/Migrations.h"

namespace vo::sql::testing {

std::vector<std::string> version3DatabaseWithCalls(const std::string& textType) {
  std::vector<std::string> statements = {withTextType(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
      "applied_at_ms BIGINT NOT NULL)",
      textType)};
  for (const Migration& migration : schemaMigrations()) {
    if (migration.version > 3) break;
    for (const std::string& statement : migration.statements) {
      statements.push_back(withTextType(statement, textType));
    }
    statements.push_back("INSERT INTO schema_migrations VALUES (" +
                         std::to_string(migration.version) + ", 'v', 0)");
  }
  const std::string columns =
      "INSERT INTO calls (id, workspace_id, agent_id, agent_phone_number_id, campaign_id, "
      "to_number, from_number, variables_json, status, lane, attempts, max_attempts, "
      "provider_call_id, provider_data_json, last_error, duration_secs, end_reason, "
      "created_at_ms, created_day, updated_at_ms, next_attempt_at_ms) VALUES ";
  statements.insert(
      statements.end(),
      {"INSERT INTO workspaces (id, name, provider_api_key, max_concurrent_calls, "
       "calls_per_second, created_at_ms) VALUES ('ws', 'W', '', 5, 1, 0)",
       "INSERT INTO agents (workspace_id, id, name, max_concurrent_calls, calls_per_second, "
       "created_at_ms) VALUES ('ws', 'ag', 'A', 5, 1, 0)",
       "INSERT INTO phone_numbers (workspace_id, id, number, provider, max_concurrent_calls, "
       "calls_per_second, created_at_ms) VALUES ('ws', 'ph', '+15550001', 'twilio', 5, 1, 0)",
       columns +
           "('c1', 'ws', 'ag', 'ph', NULL, '+15550002', '+15550001', '{\"name\":\"Ana\"}', "
           "'queued', 'bulk', 0, 3, NULL, '{}', '', NULL, '', 1000, '1970-01-01', 1000, 1500)",
       columns +
           "('c2', 'ws', 'ag', 'ph', NULL, '+15550003', '', '{}', 'completed', 'priority', 2, "
           "3, 'conv_2', '{\"callSid\":\"CA2\"}', 'busy', 42, 'hangup', 2000, '1970-01-01', "
           "9000, 0)",
       "INSERT INTO call_attempts (call_id, attempt_number, started_at_ms, outcome, "
       "provider_call_id, error) VALUES ('c2', 2, 3000, 'accepted', 'conv_2', '')"});
  return statements;
}

void expectVersion3CallsKept(vo::api::CallStore& store) {
  using vo::api::CallStatus;
  const auto queued = store.getCall("c1");
  ASSERT_TRUE(queued.ok()) << queued.error().message;
  EXPECT_EQ(queued->workspaceId, "ws");
  EXPECT_EQ(queued->agentPhoneNumberId, "ph");
  EXPECT_EQ(queued->campaignId, "");
  EXPECT_EQ(queued->to, "+15550002");
  EXPECT_EQ(queued->from, "+15550001");
  EXPECT_EQ(queued->timezone, "");  // calls from before version 10 carry no zone
  EXPECT_EQ(queued->variablesJson, "{\"name\":\"Ana\"}");
  EXPECT_EQ(queued->status, CallStatus::kQueued);
  EXPECT_EQ(queued->lane, vo::api::Lane::kBulk);
  EXPECT_EQ(queued->attempts, 0);
  EXPECT_EQ(queued->maxAttempts, 3);
  EXPECT_FALSE(queued->durationSecs.has_value());
  EXPECT_EQ(queued->createdAtMs, 1000);
  EXPECT_EQ(queued->nextAttemptAtMs, 1500);

  const auto completed = store.findByProviderCallId("conv_2");
  ASSERT_TRUE(completed.ok()) << completed.error().message;
  EXPECT_EQ(completed->id, "c2");
  EXPECT_EQ(completed->status, CallStatus::kCompleted);
  EXPECT_EQ(completed->lane, vo::api::Lane::kPriority);
  EXPECT_EQ(completed->attempts, 2);
  EXPECT_EQ(completed->providerDataJson, "{\"callSid\":\"CA2\"}");
  EXPECT_EQ(completed->lastError, "busy");
  EXPECT_EQ(completed->durationSecs, 42);
  EXPECT_EQ(completed->endReason, "hangup");
  EXPECT_EQ(completed->updatedAtMs, 9000);
  const auto attempts = store.getAttempts("c2");
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ(attempts->front().providerCallId, "conv_2");

  const auto counts = store.countByStatus();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at(CallStatus::kQueued), 1);
  EXPECT_EQ(counts->at(CallStatus::kCompleted), 1);
  vo::api::CallFilter completedOnly;
  completedOnly.status = CallStatus::kCompleted;
  const auto page = store.listCalls(completedOnly, 10, "");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->calls.size(), 1u);
  EXPECT_EQ(page->calls.front().id, "c2");

  const std::string ids[] = {"c1", "c2"};
  const auto claimed = store.beginDispatch(ids, 5000);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().id, "c1");
  EXPECT_EQ(claimed->front().attempts, 1);
  EXPECT_EQ(claimed->front().variablesJson, "{\"name\":\"Ana\"}");
}

}  // namespace vo::sql::testing
