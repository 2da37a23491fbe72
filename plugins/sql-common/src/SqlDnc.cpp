// Do-not-call lists (table dnc_numbers, schema version 12). beginDispatch (SqlTransitions.cpp)
// reads them in the claim's own statement.
#include "vo/sql/CallColumns.h"
#include "vo/sql/SqlCallStore.h"

namespace vo::sql {

using vo::api::Result;

Result<int64_t> SqlCallStore::addDncNumbers(std::string_view listId,
                                            std::span<const std::string> numbers,
                                            std::string_view reason, int64_t atMs) {
  if (numbers.empty()) return int64_t{0};
  // One statement whatever the count, the numbers as ONE JSON array parameter: the database
  // expands it and skips those already listed (ON CONFLICT), which COPY cannot do without a
  // staging table. WHERE true: SQLite's parser needs it before ON CONFLICT after a SELECT.
  const std::string sql =
      "INSERT INTO dnc_numbers (list_id, number, reason, created_at_ms) SELECT CAST(? AS TEXT), "
      "n.value, CAST(? AS TEXT), CAST(? AS BIGINT) FROM (" +
      backend_->jsonTextArrayElements() +
      ") AS n WHERE true ON CONFLICT (list_id, number) DO NOTHING";
  const SqlParams params{std::string(listId), std::string(reason), atMs, jsonArrayOf(numbers)};
  return writeOne<int64_t>(
      [&](SqlRunner& runner) -> Result<int64_t> { return runner.execute(sql, params); });
}

Result<bool> SqlCallStore::removeDncNumber(std::string_view listId, std::string_view number) {
  return writeOne<bool>([&](SqlRunner& runner) -> Result<bool> {
    return runner.execute("DELETE FROM dnc_numbers WHERE list_id = ? AND number = ?",
                          {std::string(listId), std::string(number)}) > 0;
  });
}

Result<vo::api::DncPage> SqlCallStore::listDncNumbers(std::string_view listId, int limit,
                                                      std::string_view afterNumber) {
  return read<vo::api::DncPage>([&](SqlRunner& runner) -> Result<vo::api::DncPage> {
    // One more than the page: whether another page follows, without a count.
    auto rows = runner.query(
        "SELECT list_id, number, reason, created_at_ms FROM dnc_numbers WHERE list_id = ? AND "
        "number > ? ORDER BY number LIMIT ?",
        {std::string(listId), std::string(afterNumber), static_cast<int64_t>(limit) + 1});
    vo::api::DncPage page;
    for (SqlRow& row : rows) {
      if (page.entries.size() == static_cast<std::size_t>(limit)) {
        page.nextCursor = page.entries.back().number;
        break;
      }
      page.entries.push_back({textOf(std::move(row[0])), textOf(std::move(row[1])),
                              textOf(std::move(row[2])), intOf(row[3])});
    }
    return page;
  });
}

Result<std::vector<std::string>> SqlCallStore::dncNumbersAmong(
    std::string_view workspaceId, std::span<const std::string> numbers) {
  if (numbers.empty()) return std::vector<std::string>();
  const std::string sql = "SELECT DISTINCT number FROM dnc_numbers WHERE list_id IN (?, ?) AND " +
                          backend_->inJsonTextArray("number");
  return read<std::vector<std::string>>([&](SqlRunner& runner) -> Result<std::vector<std::string>> {
    std::vector<std::string> listed;
    for (SqlRow& row : runner.prepared().query(
             sql, {std::string(workspaceId), std::string(vo::api::kGlobalDncList),
                   jsonArrayOf(numbers)})) {
      listed.push_back(textOf(std::move(row[0])));
    }
    return listed;
  });
}

}  // namespace vo::sql
