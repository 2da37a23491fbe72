#pragma once

namespace vo::core {

// glibc gives a thread that finds the arenas busy an arena of its own, up to 8 per core, and an
// arena keeps what its threads freed for their next allocations. With ~180 threads (dialing
// workers, HTTP workers) on 2 cores that kept ~18 MB of RSS holding nothing through a
// 100,000-call bulk (bench/RESULTS.md). One arena per core keeps malloc's lock contention low
// and lets every thread reuse what any freed. Call before starting threads. MALLOC_ARENA_MAX,
// when set, wins: returns 0 then, else the limit set.
int limitMallocArenas();

}  // namespace vo::core
