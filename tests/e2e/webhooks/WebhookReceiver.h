#pragma once

#include <Poco/Net/HTTPServer.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace vo::testing {

// An operator's endpoint on 127.0.0.1: checks each POST's VO-Signature (HMAC-SHA256 with
// OpenSSL, the timestamp within five minutes) and VO-Event-Id, answers 200 and keeps what it
// got; a POST failing the check answers 400 and is counted. Stopped and started again on the
// same port, it is an endpoint that was down.
class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();

  void setSecret(const std::string& secret);
  void start();
  void stop();
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks"; }

  // (call id, event type) of every verified event, and how often each event id came.
  std::set<std::pair<std::string, std::string>> events();
  std::map<std::string, int> timesById();
  int refused();

  // The check of one request (public so the handler can call it).
  void receive(const std::string& signature, const std::string& eventId, const std::string& body);

 private:
  std::mutex mutex_;
  std::string secret_;
  std::set<std::pair<std::string, std::string>> events_;
  std::map<std::string, int> timesById_;
  int refused_ = 0;
  int port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace vo::testing
