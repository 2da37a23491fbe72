// The tenant registry, API keys, idempotency records and campaigns.
#include "vo/sql/CallColumns.h"
#include "vo/sql/SqlCallStore.h"

namespace vo::sql {

using vo::api::ErrorCode;
using vo::api::makeError;
using vo::api::Result;

namespace {

constexpr std::string_view kAgentColumns =
    "workspace_id, id, name, max_concurrent_calls, calls_per_second, created_at_ms, "
    "shared_across_workspaces";
constexpr std::string_view kPhoneColumns =
    "workspace_id, id, number, provider, max_concurrent_calls, calls_per_second, created_at_ms, "
    "shared_across_workspaces";

constexpr std::string_view kApiKeyColumns =
    "id, workspace_id, key_hash, created_at_ms, prefix, expires_at_ms, revoked_at_ms";

vo::api::PacingSettings pacingOf(const SqlRow& row, std::size_t first) {
  return {static_cast<int>(intOf(row[first])), doubleOf(row[first + 1])};
}

vo::api::Workspace rowToWorkspace(const SqlRow& row) {
  return {textOf(row[0]), textOf(row[1]), textOf(row[2]), pacingOf(row, 3),
          intOf(row[5]),  textOf(row[6]), textOf(row[7])};
}

vo::api::Agent rowToAgent(const SqlRow& row) {
  return {textOf(row[1]),   textOf(row[0]), textOf(row[2]),
          pacingOf(row, 3), intOf(row[5]),  intOf(row[6]) != 0};
}

vo::api::PhoneNumber rowToPhoneNumber(const SqlRow& row) {
  return {textOf(row[1]),   textOf(row[0]), textOf(row[2]),    textOf(row[3]),
          pacingOf(row, 4), intOf(row[6]),  intOf(row[7]) != 0};
}

// The row of a provider's agent or phone number, in one statement that refuses its id when
// another workspace has it, unless the new row is shared on purpose. A concurrent unshared
// registration elsewhere cannot slip past: the partial unique index on unshared ids refuses it.
// `typedValues` is the VALUES list with each parameter cast, so the SELECT form types them.
Result<void> insertProviderId(SqlRunner& sql, std::string_view table, std::string_view columns,
                              std::string_view typedValues, SqlParams values,
                              const std::string& workspaceId, const std::string& id, bool shared,
                              const std::string& what) {
  const std::string statement = "INSERT INTO " + std::string(table) + " (" + std::string(columns) +
                                ") SELECT " + std::string(typedValues) +
                                " WHERE CAST(? AS INTEGER) = 1 OR NOT EXISTS (SELECT 1 FROM " +
                                std::string(table) + " WHERE id = ? AND workspace_id <> ?)";
  const int64_t flag = shared ? 1 : 0;
  values.insert(values.end(), {flag, flag, id, workspaceId});
  if (sql.execute(statement, values) == 0) {
    return makeError(ErrorCode::kConflict, what + " belongs to another workspace");
  }
  return Result<void>::success();
}

vo::api::ApiKeyRecord rowToApiKey(const SqlRow& row) {
  return {textOf(row[0]), textOf(row[1]), textOf(row[2]), intOf(row[3]),
          textOf(row[4]), intOf(row[5]),  intOf(row[6])};
}

template <typename T, typename Convert>
std::vector<T> convertAll(const std::vector<SqlRow>& rows, Convert convert) {
  std::vector<T> items;
  items.reserve(rows.size());
  for (const SqlRow& row : rows) items.push_back(convert(row));
  return items;
}

// A workspace's rows of `table`, in `orderBy` order: the registry's and campaigns' lists.
template <typename T, typename Convert>
std::vector<T> rowsOfWorkspace(SqlRunner& sql, std::string_view columns, std::string_view table,
                               std::string_view orderBy, std::string_view workspaceId,
                               Convert convert) {
  return convertAll<T>(sql.query("SELECT " + std::string(columns) + " FROM " + std::string(table) +
                                     " WHERE workspace_id = ? ORDER BY " + std::string(orderBy),
                                 {std::string(workspaceId)}),
                       convert);
}

// The single row a lookup found, or kNotFound naming what was asked for.
template <typename T, typename Convert>
Result<T> single(const std::vector<SqlRow>& rows, Convert convert, const std::string& what) {
  if (rows.empty()) return makeError(ErrorCode::kNotFound, what + " not found");
  return convert(rows.front());
}

std::string str(std::string_view text) {
  return std::string(text);
}

}  // namespace

Result<void> SqlCallStore::createWorkspace(const vo::api::Workspace& workspace) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    sql.execute(
        "INSERT INTO workspaces (id, name, provider_api_key, max_concurrent_calls, "
        "calls_per_second, created_at_ms, provider_webhook_secret, timezone) VALUES (?, ?, ?, ?, "
        "?, ?, ?, ?)",
        {workspace.id, workspace.name, workspace.providerApiKey,
         int64_t{workspace.pacing.maxConcurrentCalls}, workspace.pacing.callsPerSecond,
         workspace.createdAtMs, workspace.providerWebhookSecret, workspace.timezone});
    return Result<void>::success();
  });
}

Result<vo::api::Workspace> SqlCallStore::getWorkspace(std::string_view id) {
  return read<vo::api::Workspace>([&](SqlRunner& sql) {
    return single<vo::api::Workspace>(
        sql.prepared().query("SELECT id, name, provider_api_key, max_concurrent_calls, "
                             "calls_per_second, created_at_ms, provider_webhook_secret, "
                             "timezone FROM workspaces WHERE id = ?",
                             {str(id)}),
        rowToWorkspace, "workspace " + str(id));
  });
}

Result<std::vector<vo::api::Workspace>> SqlCallStore::listWorkspaces() {
  return read<std::vector<vo::api::Workspace>>([&](SqlRunner& sql) {
    return convertAll<vo::api::Workspace>(
        sql.query("SELECT id, name, provider_api_key, max_concurrent_calls, calls_per_second, "
                  "created_at_ms, provider_webhook_secret, timezone FROM workspaces ORDER BY id"),
        rowToWorkspace);
  });
}

Result<void> SqlCallStore::createAgent(const vo::api::Agent& agent) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    return insertProviderId(
        sql, "agents", kAgentColumns,
        "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS "
        "DOUBLE PRECISION), CAST(? AS BIGINT), CAST(? AS INTEGER)",
        {agent.workspaceId, agent.id, agent.name, int64_t{agent.pacing.maxConcurrentCalls},
         agent.pacing.callsPerSecond, agent.createdAtMs},
        agent.workspaceId, agent.id, agent.sharedAcrossWorkspaces, "agent '" + agent.id + "'");
  });
}

Result<vo::api::Agent> SqlCallStore::getAgent(std::string_view workspaceId,
                                              std::string_view agentId) {
  return read<vo::api::Agent>([&](SqlRunner& sql) {
    return single<vo::api::Agent>(
        sql.prepared().query(
            "SELECT " + str(kAgentColumns) + " FROM agents WHERE workspace_id = ? AND id = ?",
            {str(workspaceId), str(agentId)}),
        rowToAgent, "agent " + str(agentId) + " of workspace " + str(workspaceId));
  });
}

Result<std::vector<vo::api::Agent>> SqlCallStore::listAgents(std::string_view workspaceId) {
  return read<std::vector<vo::api::Agent>>([&](SqlRunner& sql) {
    return rowsOfWorkspace<vo::api::Agent>(sql, kAgentColumns, "agents", "id", workspaceId,
                                           rowToAgent);
  });
}

Result<void> SqlCallStore::createPhoneNumber(const vo::api::PhoneNumber& phone) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    return insertProviderId(
        sql, "phone_numbers", kPhoneColumns,
        "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), "
        "CAST(? AS DOUBLE PRECISION), CAST(? AS BIGINT), CAST(? AS INTEGER)",
        {phone.workspaceId, phone.id, phone.number, phone.provider,
         int64_t{phone.pacing.maxConcurrentCalls}, phone.pacing.callsPerSecond, phone.createdAtMs},
        phone.workspaceId, phone.id, phone.sharedAcrossWorkspaces,
        "phone number '" + phone.id + "'");
  });
}

Result<vo::api::PhoneNumber> SqlCallStore::getPhoneNumber(std::string_view workspaceId,
                                                          std::string_view phoneNumberId) {
  return read<vo::api::PhoneNumber>([&](SqlRunner& sql) {
    return single<vo::api::PhoneNumber>(
        sql.prepared().query("SELECT " + str(kPhoneColumns) +
                                 " FROM phone_numbers WHERE workspace_id = ? AND id = ?",
                             {str(workspaceId), str(phoneNumberId)}),
        rowToPhoneNumber,
        "phone number " + str(phoneNumberId) + " of workspace " + str(workspaceId));
  });
}

Result<std::vector<vo::api::PhoneNumber>> SqlCallStore::listPhoneNumbers(
    std::string_view workspaceId) {
  return read<std::vector<vo::api::PhoneNumber>>([&](SqlRunner& sql) {
    return rowsOfWorkspace<vo::api::PhoneNumber>(sql, kPhoneColumns, "phone_numbers", "id",
                                                 workspaceId, rowToPhoneNumber);
  });
}

Result<void> SqlCallStore::createApiKey(const vo::api::ApiKeyRecord& key) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    sql.execute("INSERT INTO api_keys (" + str(kApiKeyColumns) + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                {key.id, key.workspaceId, key.keyHash, key.createdAtMs, key.prefix, key.expiresAtMs,
                 key.revokedAtMs});
    return Result<void>::success();
  });
}

Result<vo::api::ApiKeyRecord> SqlCallStore::findApiKeyByHash(std::string_view keyHash) {
  return read<vo::api::ApiKeyRecord>([&](SqlRunner& sql) {
    return single<vo::api::ApiKeyRecord>(
        sql.prepared().query("SELECT " + str(kApiKeyColumns) + " FROM api_keys WHERE key_hash = ?",
                             {str(keyHash)}),
        rowToApiKey, "api key");
  });
}

Result<std::vector<vo::api::ApiKeyRecord>> SqlCallStore::listApiKeys(std::string_view workspaceId) {
  return read<std::vector<vo::api::ApiKeyRecord>>([&](SqlRunner& sql) {
    return rowsOfWorkspace<vo::api::ApiKeyRecord>(sql, kApiKeyColumns, "api_keys",
                                                  "created_at_ms, id", workspaceId, rowToApiKey);
  });
}

Result<vo::api::ApiKeyRecord> SqlCallStore::revokeApiKey(std::string_view workspaceId,
                                                         std::string_view keyId, int64_t atMs) {
  return write<vo::api::ApiKeyRecord>([&](SqlRunner& sql) -> Result<vo::api::ApiKeyRecord> {
    sql.execute(
        "UPDATE api_keys SET revoked_at_ms = ? WHERE workspace_id = ? AND id = ? AND "
        "revoked_at_ms = 0",
        {atMs, str(workspaceId), str(keyId)});
    return single<vo::api::ApiKeyRecord>(
        sql.query("SELECT " + str(kApiKeyColumns) +
                      " FROM api_keys WHERE workspace_id = ? AND "
                      "id = ?",
                  {str(workspaceId), str(keyId)}),
        rowToApiKey, "api key " + str(keyId) + " of workspace " + str(workspaceId));
  });
}

Result<bool> SqlCallStore::reserveIdempotency(const vo::api::IdempotencyRecord& record,
                                              int64_t replacePendingBeforeMs) {
  return writeOne<bool>([&](SqlRunner& sql) -> Result<bool> {
    // A record still in progress long after its request began belongs to a request that died:
    // it is taken over in the same statement, so two repeats cannot both take it.
    const auto inserted = sql.query(
        "INSERT INTO idempotency_records (scope, idem_key, request_hash, http_status, "
        "response_body, created_at_ms) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (scope, idem_key) DO UPDATE SET request_hash = excluded.request_hash, "
        "http_status = excluded.http_status, response_body = excluded.response_body, "
        "created_at_ms = excluded.created_at_ms "
        "WHERE idempotency_records.http_status = 0 AND idempotency_records.created_at_ms < ? "
        "RETURNING scope",
        {record.scope, record.key, record.requestHash, int64_t{record.httpStatus},
         record.responseBody, record.createdAtMs, replacePendingBeforeMs});
    return !inserted.empty();
  });
}

Result<void> SqlCallStore::insertAnswer(SqlRunner& sql, const vo::api::IdempotencyRecord& answer) {
  const auto inserted = sql.prepared().query(
      "INSERT INTO idempotency_records (scope, idem_key, request_hash, http_status, "
      "response_body, created_at_ms) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (scope, idem_key) DO NOTHING RETURNING scope",
      {answer.scope, answer.key, answer.requestHash, int64_t{answer.httpStatus},
       answer.responseBody, answer.createdAtMs});
  if (inserted.empty()) {
    return makeError(ErrorCode::kConflict, "idempotency key " + answer.key + " already used");
  }
  return Result<void>::success();
}

Result<int64_t> SqlCallStore::purgeIdempotency(int64_t createdBeforeMs, int limit) {
  return writeOne<int64_t>([&](SqlRunner& sql) -> Result<int64_t> {
    // Bounded by the primary key's rows, so one pass never holds a long lock.
    return sql.execute(
        "DELETE FROM idempotency_records WHERE (scope, idem_key) IN (SELECT scope, idem_key "
        "FROM idempotency_records WHERE created_at_ms < ? LIMIT ?)",
        {createdBeforeMs, int64_t{limit}});
  });
}

Result<vo::api::IdempotencyRecord> SqlCallStore::findIdempotency(std::string_view scope,
                                                                 std::string_view key) {
  return read<vo::api::IdempotencyRecord>([&](SqlRunner& sql) {
    return single<vo::api::IdempotencyRecord>(
        sql.query("SELECT scope, idem_key, request_hash, http_status, response_body, "
                  "created_at_ms FROM idempotency_records WHERE scope = ? AND idem_key = ?",
                  {str(scope), str(key)}),
        [](const SqlRow& row) {
          return vo::api::IdempotencyRecord{textOf(row[0]), textOf(row[1]),
                                            textOf(row[2]), static_cast<int>(intOf(row[3])),
                                            textOf(row[4]), intOf(row[5])};
        },
        "idempotency key " + str(key));
  });
}

Result<void> SqlCallStore::completeIdempotency(std::string_view scope, std::string_view key,
                                               int httpStatus, std::string_view responseBody) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    const int64_t changed = sql.execute(
        "UPDATE idempotency_records SET http_status = ?, response_body = ? "
        "WHERE scope = ? AND idem_key = ?",
        {int64_t{httpStatus}, str(responseBody), str(scope), str(key)});
    if (changed == 0)
      return makeError(ErrorCode::kNotFound, "idempotency key " + str(key) + " not found");
    return Result<void>::success();
  });
}

Result<void> SqlCallStore::deleteIdempotency(std::string_view scope, std::string_view key) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    sql.execute("DELETE FROM idempotency_records WHERE scope = ? AND idem_key = ?",
                {str(scope), str(key)});
    return Result<void>::success();
  });
}

void SqlCallStore::insertCampaign(SqlRunner& sql, const vo::api::Campaign& campaign) {
  static const std::string insert =
      "INSERT INTO campaigns (" + str(kCampaignColumns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  sql.prepared().query(
      insert, {campaign.id, campaign.workspaceId, campaign.agentId, campaign.agentPhoneNumberId,
               campaign.name, str(toString(campaign.status)), campaign.totalCalls,
               campaign.createdAtMs, campaign.updatedAtMs});
}

Result<void> SqlCallStore::createCampaign(const vo::api::Campaign& campaign) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    insertCampaign(sql, campaign);
    return Result<void>::success();
  });
}

Result<vo::api::Campaign> SqlCallStore::getCampaign(std::string_view id) {
  return read<vo::api::Campaign>([&](SqlRunner& sql) {
    return single<vo::api::Campaign>(
        sql.query("SELECT " + str(kCampaignColumns) + " FROM campaigns WHERE id = ?", {str(id)}),
        rowToCampaign, "campaign " + str(id));
  });
}

Result<std::vector<vo::api::Campaign>> SqlCallStore::listCampaigns(std::string_view workspaceId) {
  return read<std::vector<vo::api::Campaign>>([&](SqlRunner& sql) {
    return rowsOfWorkspace<vo::api::Campaign>(sql, kCampaignColumns, "campaigns", "id", workspaceId,
                                              rowToCampaign);
  });
}

Result<void> SqlCallStore::setCampaignStatus(std::string_view id, vo::api::CampaignStatus status,
                                             int64_t atMs) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    const int64_t changed =
        sql.execute("UPDATE campaigns SET status = ?, updated_at_ms = ? WHERE id = ?",
                    {str(toString(status)), atMs, str(id)});
    if (changed == 0) return makeError(ErrorCode::kNotFound, "campaign " + str(id) + " not found");
    return Result<void>::success();
  });
}

Result<vo::api::StatusCounts> SqlCallStore::campaignProgress(std::string_view id) {
  return read<vo::api::StatusCounts>([&](SqlRunner& sql) -> Result<vo::api::StatusCounts> {
    if (sql.query("SELECT id FROM campaigns WHERE id = ?", {str(id)}).empty()) {
      return makeError(ErrorCode::kNotFound, "campaign " + str(id) + " not found");
    }
    vo::api::StatusCounts counts;
    for (const SqlRow& row : sql.query(
             "SELECT status, COUNT(*) FROM calls_with_state WHERE campaign_id = ? GROUP BY status",
             {str(id)})) {
      counts[statusOf(row[0])] += intOf(row[1]);
    }
    return counts;
  });
}

}  // namespace vo::sql
