#include "vo/sql/SqlBackend.h"

#include <Poco/Data/DataException.h>

namespace vo::sql {

SqlBackend::~SqlBackend() = default;

PreparedStatements::~PreparedStatements() = default;

bool isConnectionFailure(const Poco::Exception& error) {
  return dynamic_cast<const Poco::Data::ConnectionFailedException*>(&error) != nullptr ||
         dynamic_cast<const Poco::Data::NotConnectedException*>(&error) != nullptr ||
         dynamic_cast<const Poco::Data::SessionUnavailableException*>(&error) != nullptr;
}

}  // namespace vo::sql
