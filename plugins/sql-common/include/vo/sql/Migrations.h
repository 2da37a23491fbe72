#pragma once

#include <string>
#include <vector>

namespace vo::sql {

// One schema version: statements run in order inside the migration transaction. SQL shared by
// SQLite and PostgreSQL (one statement each, since PostgreSQL prepares them one at a time).
struct Migration {
  int version = 0;
  std::string description;
  std::vector<std::string> statements;
  // Run after `statements` on PostgreSQL only (planner statistics SQLite has no syntax for).
  std::vector<std::string> postgresStatements;
  // Run after `statements` on SQLite only (what it spells differently, as triggers).
  std::vector<std::string> sqliteStatements = {};
};

// Every version this binary knows, oldest first. Append new versions; never edit old ones.
const std::vector<Migration>& schemaMigrations();

// Gives every TEXT column of a DDL statement the backend's text type (SqlBackend::textType()).
std::string withTextType(const std::string& ddl, const std::string& textType);

}  // namespace vo::sql
