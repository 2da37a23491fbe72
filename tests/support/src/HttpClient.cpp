#include "vo/testing/HttpClient.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace vo::testing {

namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool hasHeader(const HttpHeaders& headers, const std::string& name) {
  const std::string wanted = lowercase(name);
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& entry) { return lowercase(entry.first) == wanted; });
}

}  // namespace

Json HttpResponse::json() const {
  return Json::parse(body);
}

std::string HttpResponse::header(const std::string& name) const {
  auto found = headers.find(lowercase(name));
  return found == headers.end() ? "" : found->second;
}

struct HttpClient::State {
  int port = 0;
  std::chrono::milliseconds timeout{0};
  HttpHeaders defaults;
  std::unique_ptr<Poco::Net::HTTPClientSession> session;

  Poco::Net::HTTPClientSession& connection() {
    if (!session) {
      session = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1",
                                                               static_cast<Poco::UInt16>(port));
      session->setKeepAlive(true);
      session->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) *
                                         Poco::Timespan::MILLISECONDS));
    }
    return *session;
  }
};

HttpClient::HttpClient(int port, std::chrono::milliseconds timeout)
    : state_(std::make_unique<State>()) {
  state_->port = port;
  state_->timeout = timeout;
}

HttpClient::~HttpClient() = default;

void HttpClient::setDefaultHeader(const std::string& name, const std::string& value) {
  state_->defaults[name] = value;
}

int HttpClient::port() const {
  return state_->port;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& path,
                                 const std::string& body, const HttpHeaders& headers) {
  HttpResponse response;
  try {
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    for (const auto& [name, value] : state_->defaults) {
      if (!hasHeader(headers, name)) request.set(name, value);
    }
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      if (!hasHeader(headers, "Content-Type")) request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    auto& session = state_->connection();
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse answer;
    std::istream& in = session.receiveResponse(answer);
    std::ostringstream text;
    Poco::StreamCopier::copyStream(in, text);
    response.status = static_cast<int>(answer.getStatus());
    response.body = text.str();
    for (const auto& [name, value] : answer) response.headers[lowercase(name)] = value;
    if (!answer.getKeepAlive()) state_->session.reset();
  } catch (const Poco::Exception& e) {
    state_->session.reset();
    response = HttpResponse{0, e.displayText(), {}};
  } catch (const std::exception& e) {
    state_->session.reset();
    response = HttpResponse{0, e.what(), {}};
  }
  return response;
}

HttpResponse HttpClient::get(const std::string& path, const HttpHeaders& headers) {
  return request("GET", path, "", headers);
}

HttpResponse HttpClient::post(const std::string& path, const std::string& body,
                              const HttpHeaders& headers) {
  return request("POST", path, body, headers);
}

}  // namespace vo::testing
