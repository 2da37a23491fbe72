#include "ApiFixture.h"
#include "vo/core/Metrics.h"

namespace vo::core::http::testing {

MetricsPtr makeTestMetrics() {
  return MetricsPtr(new Metrics(), [](Metrics* metrics) { delete metrics; });
}

}  // namespace vo::core::http::testing
