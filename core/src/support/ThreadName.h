#pragma once

#include <pthread.h>

namespace vo::core {

// Names the calling thread as `top -H`, `perf` and `/proc/<pid>/task/*/comm` show it. Linux keeps
// the first 15 characters.
inline void nameThisThread(const char* name) {
  pthread_setname_np(pthread_self(), name);
}

}  // namespace vo::core
