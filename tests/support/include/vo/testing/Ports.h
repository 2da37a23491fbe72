#pragma once

namespace vo::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice of an ephemeral port).
int freePort();

}  // namespace vo::testing
