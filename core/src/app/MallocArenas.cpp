#include "app/MallocArenas.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace vo::core {

int limitMallocArenas() {
  if (std::getenv("MALLOC_ARENA_MAX") != nullptr) return 0;  // glibc read it at start-up
  const int arenas = static_cast<int>(std::max(2U, std::thread::hardware_concurrency()));
  mallopt(M_ARENA_MAX, arenas);
  return arenas;
}

}  // namespace vo::core
