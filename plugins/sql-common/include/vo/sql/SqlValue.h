#pragma once

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace vo::sql {

// A statement parameter; nullptr binds SQL NULL.
using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string>;
using SqlParams = std::vector<SqlValue>;
// One result row; an empty Var is SQL NULL.
using SqlRow = std::vector<Poco::Dynamic::Var>;

}  // namespace vo::sql
