#include "dispatch/TransitionWriter.h"

namespace vo::core::dispatch {

TransitionWriter::TransitionWriter(api::CallStore& store, std::size_t maxBatch)
    : commit_(
          [&store](std::span<const api::CallTransition> changes) {
            return store.transitionMany(changes);
          },
          maxBatch, 1, "vo-transitions") {}

TransitionWriter::~TransitionWriter() = default;

api::Result<bool> TransitionWriter::apply(api::CallTransition change) {
  std::vector<api::CallTransition> one;
  one.push_back(std::move(change));
  auto applied = commit_.submit(std::move(one));
  if (!applied) return applied.error();
  return bool(applied->front());
}

api::Result<std::vector<bool>> TransitionWriter::applyAll(
    std::vector<api::CallTransition> changes) {
  return commit_.submit(std::move(changes));
}

std::size_t TransitionWriter::flushes() {
  return commit_.flushes();
}

}  // namespace vo::core::dispatch
