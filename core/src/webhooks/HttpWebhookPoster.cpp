#include "webhooks/HttpWebhookPoster.h"

#include <Poco/Exception.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <memory>

#include "webhooks/WebhookTarget.h"

namespace vo::core::webhooks {

WebhookPoster::~WebhookPoster() = default;

HttpWebhookPoster::HttpWebhookPoster(bool allowPrivateTargets)
    : allowPrivateTargets_(allowPrivateTargets),
      tls_(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                  Poco::Net::Context::VERIFY_RELAXED, 9, true)) {}

PostAnswer HttpWebhookPoster::post(const std::string& url,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   const std::string& body, int64_t timeoutMs) {
  try {
    const Poco::URI uri(url);
    std::string connectTo = uri.getHost();
    if (!allowPrivateTargets_) {
      const std::optional<Poco::Net::IPAddress> literal = addressLiteral(uri.getHost());
      const auto addresses = literal ? Poco::Net::HostEntry::AddressList{*literal}
                                     : Poco::Net::DNS::resolve(uri.getHost()).addresses();
      for (const Poco::Net::IPAddress& address : addresses) {
        if (isPrivateAddress(address)) {
          return {0, "refused: " + uri.getHost() + " resolves to a private address " +
                         address.toString()};
        }
      }
      if (addresses.empty()) return {0, "no address for " + uri.getHost()};
      // https needs the name for the certificate; plain http goes to the address checked.
      if (uri.getScheme() == "http") connectTo = addresses.front().toString();
    }
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https") {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(connectTo, uri.getPort(), tls_);
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(connectTo, uri.getPort());
    }
    session->setTimeout(Poco::Timespan(timeoutMs * 1000));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost(uri.getHost(), uri.getPort());
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("User-Agent", "voice-orchestrator-webhooks");
    for (const auto& [name, value] : headers) request.set(name, value);
    session->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& answer = session->receiveResponse(response);
    Poco::NullOutputStream discard;
    Poco::StreamCopier::copyStream(answer, discard);
    return {static_cast<int>(response.getStatus()), ""};
  } catch (const Poco::Exception& error) {
    return {0, error.displayText()};
  } catch (const std::exception& error) {
    return {0, error.what()};
  }
}

}  // namespace vo::core::webhooks
