#include "dispatch/UnrecordedOutcomes.h"

#include <iterator>
#include <utility>

namespace vo::core::dispatch {

std::size_t UnrecordedOutcomes::keep(std::vector<api::CallTransition> changes) {
  std::lock_guard lock(mutex_);
  changes_.insert(changes_.end(), std::make_move_iterator(changes.begin()),
                  std::make_move_iterator(changes.end()));
  if (changes_.size() <= kMax) return 0;
  const std::size_t dropped = changes_.size() - kMax;
  changes_.erase(changes_.begin(), changes_.begin() + static_cast<std::ptrdiff_t>(dropped));
  return dropped;
}

std::vector<api::CallTransition> UnrecordedOutcomes::takeAll() {
  std::lock_guard lock(mutex_);
  return std::exchange(changes_, {});
}

}  // namespace vo::core::dispatch
