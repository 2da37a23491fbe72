#include "LoadClient.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <istream>
#include <ostream>

namespace vo::bench {

LoadClient::LoadClient(const std::string& host, int port, std::string apiKey, int timeoutSecs)
    : session_(host, static_cast<Poco::UInt16>(port)), apiKey_(std::move(apiKey)) {
  session_.setKeepAlive(true);
  session_.setTimeout(Poco::Timespan(timeoutSecs, 0));
}

HttpAnswer LoadClient::send(const std::string& method, const std::string& path,
                            const std::string& body) {
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  request.set("Authorization", "Bearer " + apiKey_);
  if (!body.empty() || method == "POST") {
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  try {
    std::ostream& out = session_.sendRequest(request);
    out << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session_.receiveResponse(response);
    HttpAnswer answer;
    answer.status = response.getStatus();
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
  } catch (const Poco::Exception&) {
    session_.reset();  // a half-read answer must not be taken for the next request's
    throw;
  }
}

}  // namespace vo::bench
