#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <string>

namespace vo::bench {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// One kept-alive connection to the server under test. Not thread-safe: one per thread.
class LoadClient {
 public:
  LoadClient(const std::string& host, int port, std::string apiKey);
  HttpAnswer send(const std::string& method, const std::string& path, const std::string& body = "");

 private:
  Poco::Net::HTTPClientSession session_;
  std::string apiKey_;
};

}  // namespace vo::bench
