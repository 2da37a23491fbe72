#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <string>

namespace vo::bench {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// One kept-alive connection to the server under test. Not thread-safe: one per thread.
// send() throws Poco::Exception when no answer comes (Poco::TimeoutException after `timeoutSecs`);
// the next send() opens a new connection.
class LoadClient {
 public:
  LoadClient(const std::string& host, int port, std::string apiKey, int timeoutSecs = 60);
  HttpAnswer send(const std::string& method, const std::string& path, const std::string& body = "");

 private:
  Poco::Net::HTTPClientSession session_;
  std::string apiKey_;
};

}  // namespace vo::bench
