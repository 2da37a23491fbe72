#pragma once

#include <string>

#include "LoadOptions.h"

namespace vo::bench {

// Distinct E.164 numbers, so "each number dialed once" stays checkable and the provider's
// record can be matched with the request that placed the call.
std::string numberFor(long index);
std::string bulkBody(const LoadOptions& options, long first, long count);
std::string priorityBody(const LoadOptions& options, long index);

}  // namespace vo::bench
