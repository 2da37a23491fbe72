#include "ForwardingCallStore.h"

namespace vo::retention::testing {

// The key function: the class's vtable and type info live here, for the tests and the bench.
ForwardingCallStore::~ForwardingCallStore() = default;

}  // namespace vo::retention::testing
