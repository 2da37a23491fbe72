#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "vo/testing/Json.h"

namespace vo::testing {

struct HttpResponse {
  int status = 0;  // 0: no answer came (connection refused, timeout); `body` says why
  std::string body;
  std::map<std::string, std::string> headers;  // names in lowercase

  // The body parsed; throws std::runtime_error when it is not JSON.
  Json json() const;
  // A header's value, "" when absent. `name` in any case.
  std::string header(const std::string& name) const;
};

using HttpHeaders = std::map<std::string, std::string>;

// Blocking HTTP/1.1 requests to 127.0.0.1:port over one kept-alive connection. One client per
// thread. Never throws on network failures: the response's status is 0 instead. Never retries
// (a repeated POST would hide the bugs the tests look for).
class HttpClient {
 public:
  explicit HttpClient(int port, std::chrono::milliseconds timeout = std::chrono::seconds(60));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sent with every request unless the request names the header itself, e.g. Authorization.
  void setDefaultHeader(const std::string& name, const std::string& value);

  // A JSON body gets Content-Type: application/json unless `headers` sets another.
  HttpResponse request(const std::string& method, const std::string& path,
                       const std::string& body = "", const HttpHeaders& headers = {});
  HttpResponse get(const std::string& path, const HttpHeaders& headers = {});
  HttpResponse post(const std::string& path, const std::string& body,
                    const HttpHeaders& headers = {});

  int port() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vo::testing
