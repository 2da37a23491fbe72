#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vo::core::webhooks {

// What one POST got: the answer's status, or 0 and why there was none.
struct PostAnswer {
  int httpStatus = 0;
  std::string error;
};

// Sends one webhook POST (the worker's only way out, so its tests answer from a script).
class WebhookPoster {
 public:
  virtual ~WebhookPoster();
  virtual PostAnswer post(const std::string& url,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          const std::string& body, int64_t timeoutMs) = 0;
};

}  // namespace vo::core::webhooks
