#pragma once

#include <memory>

#include "vo/api/CallQueue.h"

namespace vo::queue_memory {

// The embedded queue: RAM only, rebuilt from the store's `queued` calls by the core's sweeper
// at start (see this plugin's README for why it keeps no file of its own).
std::unique_ptr<api::CallQueue> makeMemoryQueue();

}  // namespace vo::queue_memory
