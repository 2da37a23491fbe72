// The CallQueue contract against the embedded in-memory queue.
#include "CallQueueContract.h"
#include "vo/queue_memory/MemoryQueue.h"

namespace vo::contract {

INSTANTIATE_TEST_SUITE_P(Memory, CallQueueContract,
                         testing::Values(QueueTarget{
                             "memory", [] { return queue_memory::makeMemoryQueue(); }}),
                         queueTargetName);

}  // namespace vo::contract
