#pragma once

#include <Poco/Net/Context.h>

#include "webhooks/WebhookPoster.h"

namespace vo::core::webhooks {

// Posts with Poco's HTTP(S) client, one connection per POST (deliveries are few and their
// endpoints many). Unless private targets are allowed, the host is resolved first and refused
// when any of its addresses is private (DNS may have changed since the endpoint was registered);
// a plain http POST then connects to the address it checked.
class HttpWebhookPoster final : public WebhookPoster {
 public:
  explicit HttpWebhookPoster(bool allowPrivateTargets);
  PostAnswer post(const std::string& url,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::string& body, int64_t timeoutMs) override;

 private:
  bool allowPrivateTargets_;
  // TLS with the system's CAs, the peer's certificate verified (one for every https POST).
  Poco::Net::Context::Ptr tls_;
};

}  // namespace vo::core::webhooks
