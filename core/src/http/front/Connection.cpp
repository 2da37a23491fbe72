#include "http/front/Connection.h"

#include <unistd.h>

namespace vo::core::http {

Connection::~Connection() {
  ::close(fd);
}

}  // namespace vo::core::http
