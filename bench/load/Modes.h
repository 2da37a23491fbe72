#pragma once

#include "LoadOptions.h"

namespace vo::bench {

// Each mode prints its figures (and appends them to --figures); returns the exit code.
int runBulk(const LoadOptions& options);         // accept rate through /calls/bulk
int runDispatch(const LoadOptions& options);     // one bulk, then the rate its calls are dialed
int runPriority(const LoadOptions& options);     // /calls/priority at a steady rate
int runDrain(const LoadOptions& options);        // waits until every call is final
int runFakeStats(const LoadOptions& options);    // the fake's webhook figures
int runConnections(const LoadOptions& options);  // new requests while many connections are open

}  // namespace vo::bench
