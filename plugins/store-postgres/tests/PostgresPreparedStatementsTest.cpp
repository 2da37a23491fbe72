// The PostgreSQL hot path's statement cache on a real server: statements are prepared once per
// connection, survive nothing they should not (a reconnected session prepares them again), and a
// pipelined batch is one transaction.
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Exception.h>
#include <gtest/gtest.h>

#include "PostgresTestDatabase.h"
#include "vo/sql/SqlQuery.h"
#include "vo/store_postgres/PostgresBackend.h"
#include "vo/store_postgres/PostgresPreparedStatements.h"

namespace {

namespace pg = vo::store_postgres::testing;
using vo::store_postgres::PostgresPreparedStatements;

class PostgresPreparedStatementsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg::postgresConfigured()) GTEST_SKIP() << "PGHOST is not set (run under pg_virtualenv)";
    backend_ = std::make_unique<vo::store_postgres::PostgresBackend>(
        vo::store_postgres::parsePostgresSettings(pg::configFor(""), "plugins.store.config"));
    session_ = std::make_unique<Poco::Data::Session>(backend_->openSession());
    prepared_ = std::make_unique<PostgresPreparedStatements>(
        *session_, PostgresPreparedStatements::kMaxPrepared);
  }

  // How many statements this session has prepared whose text contains `marker`.
  int64_t preparedWith(const std::string& marker) {
    const auto rows = prepared_->query(
        "SELECT count(*) FROM pg_prepared_statements WHERE strpos(statement, ?) > 0", {marker});
    return vo::sql::intOf(rows.at(0).at(0));
  }

  std::unique_ptr<vo::store_postgres::PostgresBackend> backend_;
  std::unique_ptr<Poco::Data::Session> session_;
  std::unique_ptr<PostgresPreparedStatements> prepared_;
};

TEST_F(PostgresPreparedStatementsTest, ATextIsPreparedOnceAndRunWithEachCallsParameters) {
  const std::string sql = "SELECT CAST(? AS TEXT) || '-once'";
  EXPECT_EQ(vo::sql::textOf(prepared_->query(sql, {std::string("a")}).at(0).at(0)), "a-once");
  EXPECT_EQ(vo::sql::textOf(prepared_->query(sql, {std::string("b")}).at(0).at(0)), "b-once");
  EXPECT_TRUE(prepared_->query(sql, {nullptr}).at(0).at(0).isEmpty());
  EXPECT_EQ(preparedWith("-once"), 1);
}

TEST_F(PostgresPreparedStatementsTest, FieldsReadAsTheTextPostgresAnswersWith) {
  const auto row = prepared_->query(
      "SELECT CAST(42 AS BIGINT), CAST(NULL AS BIGINT), CAST(2.5 AS DOUBLE PRECISION), "
      "CAST(7.5 AS NUMERIC), 'forty-two'",
      {});
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(vo::sql::intOf(row[0].at(0)), 42);
  EXPECT_EQ(vo::sql::textOf(row[0].at(0)), "42");
  EXPECT_EQ(vo::sql::intOf(row[0].at(1), -1), -1);  // NULL: the fallback
  EXPECT_EQ(vo::sql::textOf(row[0].at(1)), "");
  EXPECT_DOUBLE_EQ(vo::sql::doubleOf(row[0].at(2)), 2.5);
  EXPECT_THROW(vo::sql::intOf(row[0].at(3)), Poco::SyntaxException);  // a fraction is no integer
  EXPECT_THROW(vo::sql::intOf(row[0].at(4)), Poco::SyntaxException);
  EXPECT_THROW(vo::sql::doubleOf(row[0].at(4)), Poco::SyntaxException);
}

TEST_F(PostgresPreparedStatementsTest, WithoutPreparingNothingIsPreparedAndAllStillRuns) {
  prepared_ = std::make_unique<PostgresPreparedStatements>(*session_, 0);
  const std::string sql = "SELECT CAST(? AS TEXT) || '-unnamed'";
  EXPECT_EQ(vo::sql::textOf(prepared_->query(sql, {std::string("a")}).at(0).at(0)), "a-unnamed");
  const std::vector<vo::sql::SqlStatement> batch{{sql, {std::string("b")}}, {sql, {nullptr}}};
  const auto results = prepared_->queryInOneTransaction(batch);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(vo::sql::textOf(results[0].at(0).at(0)), "b-unnamed");
  EXPECT_EQ(preparedWith("-unnamed"), 0);
}

TEST_F(PostgresPreparedStatementsTest, AReconnectedSessionPreparesItsStatementsAgain) {
  const std::string sql = "SELECT CAST(? AS TEXT) || '-again'";
  EXPECT_EQ(vo::sql::textOf(prepared_->query(sql, {std::string("a")}).at(0).at(0)), "a-again");
  // A new server backend has none of the old one's statements.
  session_->reconnect();
  EXPECT_EQ(vo::sql::textOf(prepared_->query(sql, {std::string("b")}).at(0).at(0)), "b-again");
  EXPECT_EQ(preparedWith("-again"), 1);
}

TEST_F(PostgresPreparedStatementsTest, APipelinedBatchIsOneTransaction) {
  prepared_->query("CREATE TEMPORARY TABLE pipelined (n INTEGER PRIMARY KEY)", {});
  const std::string insert = "INSERT INTO pipelined (n) VALUES (CAST(? AS INTEGER)) RETURNING n";
  const std::vector<vo::sql::SqlStatement> good{{insert, {int64_t{1}}}, {insert, {int64_t{2}}}};
  const auto results = prepared_->queryInOneTransaction(good);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(vo::sql::intOf(results[1].at(0).at(0)), 2);
  // The second row collides: the first and third are rolled back or never run.
  const std::vector<vo::sql::SqlStatement> bad{
      {insert, {int64_t{3}}}, {insert, {int64_t{1}}}, {insert, {int64_t{4}}}};
  EXPECT_THROW(prepared_->queryInOneTransaction(bad), Poco::Data::PostgreSQL::StatementException);
  EXPECT_EQ(vo::sql::intOf(prepared_->query("SELECT count(*) FROM pipelined", {}).at(0).at(0)), 2);
  EXPECT_TRUE(backend_->isUsable(*session_));
}

}  // namespace
