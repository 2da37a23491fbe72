#include "vo/sql/Migrations.h"

namespace vo::sql {

namespace {

// Version 1: the seed's entities (Workspace, Agent, WorkspacePhoneNumber, Campaign, Call,
// CallDailyAggregate) plus attempts, API keys, idempotency records, day states and leases.
// Times are Unix milliseconds; created_day is the UTC date of created_at_ms, kept as a column so
// reports, roll-ups and purges group and seek by it without date functions.
Migration initialSchema() {
  return {1,
          "initial schema",
          {
              R"(CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  provider_api_key TEXT NOT NULL,
  max_concurrent_calls INTEGER NOT NULL,
  calls_per_second DOUBLE PRECISION NOT NULL,
  created_at_ms BIGINT NOT NULL))",
              R"(CREATE TABLE agents (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  max_concurrent_calls INTEGER NOT NULL,
  calls_per_second DOUBLE PRECISION NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, id)))",
              R"(CREATE TABLE phone_numbers (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  id TEXT NOT NULL,
  number TEXT NOT NULL,
  provider TEXT NOT NULL,
  max_concurrent_calls INTEGER NOT NULL,
  calls_per_second DOUBLE PRECISION NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, id)))",
              R"(CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  key_hash TEXT NOT NULL UNIQUE,
  created_at_ms BIGINT NOT NULL))",
              R"(CREATE TABLE idempotency_records (
  scope TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  response_body TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (scope, idem_key)))",
              R"(CREATE TABLE campaigns (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  agent_id TEXT NOT NULL,
  agent_phone_number_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  total_calls BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  FOREIGN KEY (workspace_id, agent_id) REFERENCES agents (workspace_id, id),
  FOREIGN KEY (workspace_id, agent_phone_number_id) REFERENCES phone_numbers (workspace_id, id)))",
              "CREATE INDEX campaigns_workspace ON campaigns (workspace_id, id)",
              // Calls name their workspace, agent, phone number and campaign without per-row
              // foreign keys: insertCalls checks each distinct parent once per batch instead
              // (measured: two FK triggers made a 100,000-row COPY five times slower), and
              // tenants are never deleted.
              R"(CREATE TABLE calls (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  agent_phone_number_id TEXT NOT NULL,
  campaign_id TEXT,
  to_number TEXT NOT NULL,
  from_number TEXT NOT NULL,
  variables_json TEXT NOT NULL,
  status TEXT NOT NULL,
  lane TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  provider_call_id TEXT,
  provider_data_json TEXT NOT NULL,
  last_error TEXT NOT NULL,
  duration_secs BIGINT,
  end_reason TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  created_day TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  next_attempt_at_ms BIGINT NOT NULL))",
              // GET /calls: the usual filters, each ending in id for keyset pagination.
              "CREATE INDEX calls_workspace ON calls (workspace_id, id)",
              "CREATE INDEX calls_workspace_status ON calls (workspace_id, status, id)",
              "CREATE INDEX calls_workspace_agent ON calls (workspace_id, agent_id, id)",
              // Keyset pages of a campaign, and its progress by status from the index alone.
              "CREATE INDEX calls_campaign ON calls (campaign_id, id, status)",
              "CREATE INDEX calls_to ON calls (to_number, id)",
              "CREATE INDEX calls_provider_call ON calls (provider_call_id) "
              "WHERE provider_call_id IS NOT NULL",
              // The sweeper and the reconciler scan by status and due time.
              "CREATE INDEX calls_status_due ON calls (status, next_attempt_at_ms, id)",
              // Reports, roll-ups and purges seek by day.
              // duration_secs too, so the live half of a report reads the index alone.
              "CREATE INDEX calls_day ON calls (created_day, workspace_id, agent_id, status, "
              "duration_secs)",
              R"(CREATE TABLE call_attempts (
  call_id TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  attempt_number INTEGER NOT NULL,
  started_at_ms BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  provider_call_id TEXT NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (call_id, attempt_number)))",
              R"(CREATE TABLE call_daily_aggregates (
  day TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  status TEXT NOT NULL,
  total BIGINT NOT NULL,
  duration_secs BIGINT NOT NULL,
  PRIMARY KEY (day, workspace_id, agent_id, status)))",
              // A day with rolled_up_at_ms is reported from call_daily_aggregates; a frozen one
              // never changes again, so its calls may be purged.
              R"(CREATE TABLE call_days (
  day TEXT PRIMARY KEY,
  rolled_up_at_ms BIGINT NOT NULL,
  calls_counted BIGINT NOT NULL,
  frozen_at_ms BIGINT))",
              R"(CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at_ms BIGINT NOT NULL))",
          },
          // PostgreSQL's planner assumes filter columns are independent; these statistics tell
          // it that, e.g., a workspace has no failed calls, so it seeks (workspace_id, status,
          // id) instead of walking the primary key through every call looking for them.
          {"CREATE STATISTICS calls_workspace_status_stats (mcv, ndistinct) ON workspace_id, "
           "status FROM calls",
           "CREATE STATISTICS calls_workspace_agent_stats (mcv, ndistinct) ON workspace_id, "
           "agent_id FROM calls",
           "CREATE STATISTICS calls_campaign_status_stats (mcv, ndistinct) ON campaign_id, status "
           "FROM calls"}};
}

// Version 2, tenants kept apart: a provider's agent or phone-number id belongs to one workspace
// (another tenant could otherwise dial with its voice and caller ID on the operator's key). Ids
// registered in several workspaces before this version stay, marked shared as an admin would
// have to mark them; the partial unique indexes keep two unshared registrations from racing
// past the check. API keys get a shown prefix, an expiry and a revocation time.
Migration tenantsKeptApart() {
  std::vector<std::string> statements;
  for (const char* table : {"agents", "phone_numbers"}) {
    const std::string name(table);
    statements.push_back("ALTER TABLE " + name +
                         " ADD COLUMN shared_across_workspaces INTEGER NOT NULL DEFAULT 0");
    statements.push_back("UPDATE " + name + " SET shared_across_workspaces = 1 WHERE id IN " +
                         "(SELECT id FROM " + name + " GROUP BY id HAVING COUNT(*) > 1)");
    statements.push_back("CREATE UNIQUE INDEX " + name + "_unshared_id ON " + name +
                         " (id) WHERE shared_across_workspaces = 0");
  }
  for (const char* column :
       {"prefix TEXT NOT NULL DEFAULT ''", "expires_at_ms BIGINT NOT NULL DEFAULT 0",
        "revoked_at_ms BIGINT NOT NULL DEFAULT 0"}) {
    statements.push_back(std::string("ALTER TABLE api_keys ADD COLUMN ") + column);
  }
  statements.push_back("CREATE INDEX api_keys_workspace ON api_keys (workspace_id, created_at_ms)");
  return {2, "tenants kept apart: provider ids, API key lifecycle", std::move(statements), {}};
}

// Version 3, scans in id order: the sweeper and the reconciler page through one status by id
// (keyset). On (status, next_attempt_at_ms, id) each page was a bitmap scan of every call in
// that status and a sort, 88-200 ms a page with 100,000 queued (auto_explain in the production
// benchmark); on (status, id) it is a range scan of the page's own entries. Same index count.
Migration scansInIdOrder() {
  return {3,
          "status scans in id order",
          {"DROP INDEX calls_status_due", "CREATE INDEX calls_status_id ON calls (status, id)"},
          {}};
}

// Version 4, a call's changing state in its own narrow table: every status change used to write
// a new version of the whole call row and an entry in each of the ten calls indexes (PostgreSQL
// updates in place only when no indexed column changes; five indexes held status). Measured in
// the production benchmark: 27 % of the machine in ExecInsertIndexTuples, 19-23 s of PostgreSQL
// per 100,000 calls for each of claim, dial result and outcome (bench/RESULTS.md). Now `calls`
// holds what never changes after acceptance, `call_states` what does, with two indexes of its
// own; a change writes a short row and two or three index entries. `calls_with_state` joins
// them under the old column names for every read.
Migration narrowCallStates() {
  std::vector<std::string> statements = {
      R"(CREATE TABLE call_states (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  provider_call_id TEXT,
  provider_data_json TEXT NOT NULL,
  last_error TEXT NOT NULL,
  duration_secs BIGINT,
  end_reason TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  next_attempt_at_ms BIGINT NOT NULL))",
      "INSERT INTO call_states (id, status, attempts, provider_call_id, provider_data_json, "
      "last_error, duration_secs, end_reason, updated_at_ms, next_attempt_at_ms) SELECT id, "
      "status, attempts, provider_call_id, provider_data_json, last_error, duration_secs, "
      "end_reason, updated_at_ms, next_attempt_at_ms FROM calls"};
  for (const char* index : {"calls_workspace_status", "calls_campaign", "calls_provider_call",
                            "calls_status_id", "calls_day"}) {
    statements.push_back(std::string("DROP INDEX ") + index);
  }
  // One column per statement: SQLite drops one at a time.
  for (const char* column :
       {"status", "attempts", "provider_call_id", "provider_data_json", "last_error",
        "duration_secs", "end_reason", "updated_at_ms", "next_attempt_at_ms"}) {
    statements.push_back(std::string("ALTER TABLE calls DROP COLUMN ") + column);
  }
  statements.insert(
      statements.end(),
      {"CREATE INDEX calls_campaign ON calls (campaign_id, id)",
       "CREATE INDEX calls_day ON calls (created_day, workspace_id, agent_id)",
       // The sweeper and the reconciler page through one status by id; /metrics counts by it.
       "CREATE INDEX call_states_status ON call_states (status, id)",
       "CREATE INDEX call_states_provider_call ON call_states (provider_call_id) "
       "WHERE provider_call_id IS NOT NULL",
       R"(CREATE VIEW calls_with_state AS SELECT c.id, c.workspace_id, c.agent_id,
  c.agent_phone_number_id, c.campaign_id, c.to_number, c.from_number, c.variables_json, s.status,
  c.lane, s.attempts, c.max_attempts, s.provider_call_id, s.provider_data_json, s.last_error,
  s.duration_secs, s.end_reason, c.created_at_ms, c.created_day, s.updated_at_ms,
  s.next_attempt_at_ms FROM calls c JOIN call_states s ON s.id = c.id)"});
  return {4, "a call's changing state in its own table", std::move(statements), {}};
}

// A call's attempts without a foreign key to its call: each attempt's insert had PostgreSQL
// check the call and lock its row (FOR KEY SHARE: a write to the wide `calls` page and to the
// WAL), the costliest part of recording a dial (bench/RESULTS.md). Attempts are only ever
// written by the conditional transition that moves their call, which exists, and the purge
// deletes them with their calls. Rebuilt rather than altered: SQLite cannot drop a constraint.
Migration attemptsWithoutForeignKey() {
  return {
      5,
      "a call's attempts without a foreign key",
      {R"(CREATE TABLE call_attempts_unchecked (
  call_id TEXT NOT NULL,
  attempt_number INTEGER NOT NULL,
  started_at_ms BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  provider_call_id TEXT NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (call_id, attempt_number)))",
       "INSERT INTO call_attempts_unchecked (call_id, attempt_number, started_at_ms, outcome, "
       "provider_call_id, error) SELECT call_id, attempt_number, started_at_ms, outcome, "
       "provider_call_id, error FROM call_attempts",
       "DROP TABLE call_attempts", "ALTER TABLE call_attempts_unchecked RENAME TO call_attempts"},
      {}};
}

// The provider's detail laid over a call's stored data inside the transition that records its
// outcome, so applying a webhook reads nothing first (CallTransition::providerDetailJson). SQLite
// gets the same function from each connection (overlaidProviderData, in C++). Whatever cannot
// be read as two JSON objects leaves the stored data as it is: a provider's malformed extras
// must not fail the batch of outcomes they came in.
Migration providerDataOverlaidInTheDatabase() {
  return {6,
          "a provider's detail laid over a call's data by the database",
          {},
          {R"(CREATE OR REPLACE FUNCTION vo_overlay_provider_data(stored TEXT, detail TEXT)
RETURNS TEXT LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  base jsonb;
  over jsonb;
BEGIN
  IF detail IS NULL OR detail IN ('', '{}') THEN
    RETURN stored;
  END IF;
  base := CASE WHEN stored IS NULL OR stored IN ('', '{}') THEN '{}'::jsonb ELSE stored::jsonb END;
  over := detail::jsonb;
  IF jsonb_typeof(base) <> 'object' OR jsonb_typeof(over) <> 'object' THEN
    RETURN stored;
  END IF;
  RETURN (base || over)::text;
EXCEPTION WHEN invalid_text_representation OR untranslatable_character THEN
  RETURN stored;
END
$$)"}};
}

// Version 7, a frozen day's roll-up counts its purged calls only (the purge adds each page it
// deletes, and the report reads the day's remaining calls live), so a day whose calls are not all
// final can be purged of the final ones and stay exact. A day frozen before counted every call it
// had; the calls it still has (a purge interrupted) are taken out of its roll-up here, as they
// are counted live from now on.
Migration frozenRollUpsCountPurgedCalls() {
  const std::string sameGroup =
      " FROM calls_with_state c WHERE c.created_day = call_daily_aggregates.day AND "
      "c.workspace_id = call_daily_aggregates.workspace_id AND c.agent_id = "
      "call_daily_aggregates.agent_id AND c.status = call_daily_aggregates.status)";
  const std::string frozenDays =
      "day IN (SELECT day FROM call_days WHERE frozen_at_ms IS NOT NULL)";
  return {7,
          "a frozen day's roll-up counts its purged calls",
          {"UPDATE call_daily_aggregates SET total = total - (SELECT COUNT(*)" + sameGroup +
               ", duration_secs = duration_secs - (SELECT CAST(COALESCE(SUM(c.duration_secs), 0) "
               "AS BIGINT)" +
               sameGroup + " WHERE " + frozenDays,
           "DELETE FROM call_daily_aggregates WHERE total <= 0 AND " + frozenDays,
           "UPDATE call_days SET calls_counted = (SELECT CAST(COALESCE(SUM(a.total), 0) AS BIGINT) "
           "FROM call_daily_aggregates a WHERE a.day = call_days.day) WHERE frozen_at_ms IS NOT "
           "NULL"},
          {}};
}

// Version 8, idempotency records are purged by age (CallStore::purgeIdempotency), a page at a
// time: the oldest are found by their creation time.
Migration idempotencyRecordsByAge() {
  return {8,
          "idempotency records found by age",
          {"CREATE INDEX IF NOT EXISTS idempotency_records_by_age ON idempotency_records "
           "(created_at_ms)"},
          {}};
}

// Version 9, a workspace with its own provider account keeps that account's webhook secret, so
// every instance verifies the webhooks its account signs.
Migration workspaceWebhookSecrets() {
  return {9,
          "a workspace's own provider webhook secret",
          {"ALTER TABLE workspaces ADD COLUMN provider_webhook_secret TEXT NOT NULL DEFAULT ''"},
          {}};
}

// Version 10, a call keeps its recipient's time zone (an IANA name, "" when not known), fixed
// when it is accepted; the view reads it too. A workspace may name its recipients' default.
Migration recipientTimeZones() {
  return {10,
          "a call's recipient time zone",
          {"ALTER TABLE calls ADD COLUMN timezone TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE workspaces ADD COLUMN timezone TEXT NOT NULL DEFAULT ''",
           "DROP VIEW calls_with_state",
           R"(CREATE VIEW calls_with_state AS SELECT c.id, c.workspace_id, c.agent_id,
  c.agent_phone_number_id, c.campaign_id, c.to_number, c.from_number, c.variables_json, s.status,
  c.lane, s.attempts, c.max_attempts, s.provider_call_id, s.provider_data_json, s.last_error,
  s.duration_secs, s.end_reason, c.created_at_ms, c.created_day, s.updated_at_ms,
  s.next_attempt_at_ms, c.timezone FROM calls c JOIN call_states s ON s.id = c.id)"},
          {}};
}

// Version 11, webhooks to the operator from an outbox: endpoints, their deliveries (one row per
// event and endpoint) and each delivery's attempts. A trigger on a call's status change writes
// the deliveries in the transaction of the change, so the hot path's statements stay as they
// are and a crash loses no event. It returns at once when no endpoint is enabled anywhere (one
// probe of a small table); otherwise it reads the call's workspace by primary key and inserts
// a row per subscribed endpoint. `events` is kept as ",type,type," so a subscription is one
// substring test. Deliveries are found by due time (the worker), by endpoint newest first (the
// API) and by age (the purge).
Migration webhookOutbox() {
  const std::string outboxColumns =
      "INSERT INTO webhook_deliveries (id, endpoint_id, workspace_id, event_type, subject_id, "
      "created_at_ms, state, attempts, next_attempt_at_ms) ";
  const std::string firingStatuses = "NEW.status NOT IN ('queued', 'dispatching')";
  return {
      11,
      "webhooks to the operator from an outbox",
      {R"(CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL))",
       "CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints (workspace_id, enabled)",
       R"(CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  endpoint_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at_ms BIGINT NOT NULL))",
       "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at_ms) WHERE "
       "state = 'pending'",
       "CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, "
       "created_at_ms, id)",
       "CREATE INDEX webhook_deliveries_age ON webhook_deliveries (created_at_ms)",
       R"(CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL,
  attempt_number INTEGER NOT NULL,
  at_ms BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  http_status INTEGER NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (delivery_id, attempt_number)))"},
      {R"(CREATE OR REPLACE FUNCTION vo_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event TEXT;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled = 1) THEN
    RETURN NULL;
  END IF;
  event := 'call.' || NEW.status;
  )" + outboxColumns +
           R"(SELECT 'evt_' || replace(gen_random_uuid()::text, '-', ''), e.id,
    e.workspace_id, event, NEW.id, NEW.updated_at_ms, 'pending', 0, NEW.updated_at_ms
  FROM calls c JOIN webhook_endpoints e ON e.workspace_id = c.workspace_id
  WHERE c.id = NEW.id AND e.enabled = 1 AND strpos(e.events, ',' || event || ',') > 0;
  RETURN NULL;
END
$$)",
       "CREATE TRIGGER call_states_webhook_outbox AFTER UPDATE OF status ON call_states FOR EACH "
       "ROW WHEN (NEW.status IS DISTINCT FROM OLD.status AND " +
           firingStatuses + ") EXECUTE FUNCTION vo_webhook_outbox()"},
      {"CREATE TRIGGER call_states_webhook_outbox AFTER UPDATE OF status ON call_states WHEN "
       "NEW.status <> OLD.status AND " +
       firingStatuses + " AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled = 1) BEGIN " +
       outboxColumns +
       "SELECT 'evt_' || lower(hex(randomblob(16))), e.id, e.workspace_id, 'call.' || "
       "NEW.status, NEW.id, NEW.updated_at_ms, 'pending', 0, NEW.updated_at_ms FROM calls c JOIN "
       "webhook_endpoints e ON e.workspace_id = c.workspace_id WHERE c.id = NEW.id AND e.enabled "
       "= 1 AND instr(e.events, ',call.' || NEW.status || ',') > 0; END"}};
}

// Version 12, do-not-call lists: a workspace's (list_id = its id) and the global one (list_id
// ''). The primary key serves both the listing (a list by number) and the check a claim makes
// for each call (two index probes: its workspace's list and the global one).
Migration doNotCallLists() {
  return {12,
          "do-not-call lists",
          {R"(CREATE TABLE dnc_numbers (
  list_id TEXT NOT NULL,
  number TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (list_id, number)))"},
          {}};
}

}  // namespace

std::string withTextType(const std::string& ddl, const std::string& textType) {
  if (textType == "TEXT") return ddl;
  std::string adapted;
  std::size_t from = 0;
  for (std::size_t at = ddl.find(" TEXT", from); at != std::string::npos;
       at = ddl.find(" TEXT", from)) {
    const std::size_t end = at + 5;
    const bool word = end == ddl.size() || ddl[end] == ' ' || ddl[end] == ',' || ddl[end] == ')' ||
                      ddl[end] == '\n';
    adapted.append(ddl, from, at - from);
    adapted += word ? " " + textType : std::string(" TEXT");
    from = end;
  }
  adapted.append(ddl, from, std::string::npos);
  return adapted;
}

const std::vector<Migration>& schemaMigrations() {
  static const std::vector<Migration> migrations{initialSchema(),
                                                 tenantsKeptApart(),
                                                 scansInIdOrder(),
                                                 narrowCallStates(),
                                                 attemptsWithoutForeignKey(),
                                                 providerDataOverlaidInTheDatabase(),
                                                 frozenRollUpsCountPurgedCalls(),
                                                 idempotencyRecordsByAge(),
                                                 workspaceWebhookSecrets(),
                                                 recipientTimeZones(),
                                                 webhookOutbox(),
                                                 doNotCallLists()};
  return migrations;
}

}  // namespace vo::sql
