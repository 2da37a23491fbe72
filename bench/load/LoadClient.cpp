#include "LoadClient.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <istream>
#include <ostream>

namespace vo::bench {

LoadClient::LoadClient(const std::string& host, int port, std::string apiKey)
    : session_(host, static_cast<Poco::UInt16>(port)), apiKey_(std::move(apiKey)) {
  session_.setKeepAlive(true);
  session_.setTimeout(Poco::Timespan(60, 0));
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
  std::ostream& out = session_.sendRequest(request);
  out << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session_.receiveResponse(response);
  HttpAnswer answer;
  answer.status = response.getStatus();
  Poco::StreamCopier::copyToString(in, answer.body);
  return answer;
}

}  // namespace vo::bench
