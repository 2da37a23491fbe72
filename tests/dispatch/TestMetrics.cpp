// Metrics.h declares neither constructor nor destructor while Metrics::Family is incomplete
// there, so a Metrics can only be made where Family is defined: this file builds Metrics.cpp
// itself and makes the tests' one instance. (Reported to the header's owner; once Metrics gets
// out-of-line special members this becomes a plain `static Metrics`.)
#include "../../core/src/metrics/Metrics.cpp"  // NOLINT: see above
#include "DispatcherFixture.h"

namespace vo::testing {

core::Metrics& DispatcherTest::metrics() {
  static core::Metrics* shared = new core::Metrics();  // reachable until exit: not a leak
  return *shared;
}

}  // namespace vo::testing
