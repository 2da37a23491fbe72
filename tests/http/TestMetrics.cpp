// Metrics.h declares no destructor while Metrics::Family is complete only in Metrics.cpp, so a
// Metrics can be destroyed only where Family is defined: this file builds Metrics.cpp itself.
// (Reported to the header's owner; with an out-of-line destructor this becomes a plain member.)
#include "../../core/src/metrics/Metrics.cpp"  // NOLINT(bugprone-suspicious-include)
#include "ApiFixture.h"

namespace vo::core::http::testing {

MetricsPtr makeTestMetrics() {
  return MetricsPtr(new Metrics(), [](Metrics* metrics) { delete metrics; });
}

}  // namespace vo::core::http::testing
