#include "DispatcherFixture.h"
#include "vo/core/Metrics.h"

namespace vo::testing {

core::Metrics& DispatcherTest::metrics() {
  static core::Metrics shared;
  return shared;
}

}  // namespace vo::testing
