#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <stdlib.h>

#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <vector>

#include "ApiClient.h"
#include "RawServer.h"
#include "vo/api/ConfigReader.h"
#include "vo/fake_elevenlabs/FakeElevenLabs.h"

namespace vo::elevenlabs::testing {
namespace {

constexpr const char* kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

ElevenLabsSettings settingsFor(const std::string& baseUrl) {
  ElevenLabsSettings settings;
  settings.baseUrl = baseUrl;
  settings.connectTimeoutMs = 2000;
  settings.readTimeoutMs = 5000;
  settings.maxConnections = 8;
  return settings;
}

// Exchanges handed to Done callbacks, for a test to wait on.
class Answers {
 public:
  ApiClient::Done collector() {
    return [this](Exchange exchange) {
      std::lock_guard lock(mutex_);
      answers_.push_back(std::move(exchange));
      changed_.notify_all();
    };
  }
  std::vector<Exchange> waitFor(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return answers_.size() >= count; });
    return answers_;
  }
  size_t count() {
    std::lock_guard lock(mutex_);
    return answers_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Exchange> answers_;
};

// Reads one request and never answers, until the client closes the connection.
RawServer::Handler readAndStaySilent() {
  return [](RawServer& server, RawConnection& connection) {
    if (!connection.readRequest().empty()) server.countRequest();
    connection.readUntilClosed();
  };
}

// Answers each request on a connection with `answer`, keeping the connection open.
RawServer::Handler answerEach(std::string answer) {
  return [answer](RawServer& server, RawConnection& connection) {
    while (!connection.readRequest().empty()) {
      server.countRequest();
      connection.write(answer);
    }
  };
}

TEST(ApiClientTest, ManyConcurrentRequestsShareAtMostMaxConnections) {
  fake_elevenlabs::FakeOptions options;
  options.apiKeys = {"xi-test-key"};
  fake_elevenlabs::FakeElevenLabs fake(options);
  RawServer relay(relayTo(fake.port()));
  ApiClient client(settingsFor(relay.baseUrl()));

  constexpr int kRequests = 200;
  Answers answers;
  for (int i = 0; i < kRequests; ++i) {
    const std::string body = R"({"agent_id":"agent_abc","agent_phone_number_id":"phnum_123",)"
                             R"("to_number":"+3460000)" +
                             std::to_string(1000 + i) + R"("})";
    client.sendAsync("POST", "/v1/convai/twilio/outbound-call", "xi-test-key", body,
                     answers.collector());
  }
  for (const Exchange& exchange : answers.waitFor(kRequests)) {
    EXPECT_EQ(exchange.stage, ExchangeStage::kAnswered) << exchange.error;
    EXPECT_EQ(exchange.status, 200) << exchange.body;
  }
  EXPECT_EQ(fake.acceptedCalls().size(), static_cast<size_t>(kRequests));
  EXPECT_LE(relay.peakOpen(), 8);
  EXPECT_GE(relay.connections(), 1);
}

TEST(ApiClientTest, RefusedConnectionIsNotSent) {
  int port = 0;
  {
    RawServer closedSoon(answerEach(kOk));
    port = closedSoon.port();
  }
  ApiClient client(settingsFor("http://127.0.0.1:" + std::to_string(port)));
  const Exchange exchange = client.send("POST", "/v1/x", "key", "{}");
  EXPECT_EQ(exchange.stage, ExchangeStage::kNotSent);
  EXPECT_NE(exchange.error.find("refused"), std::string::npos) << exchange.error;
}

TEST(ApiClientTest, HostNameIsLookedUpAndEachAddressTried) {
  RawServer server(answerEach(kOk));  // 127.0.0.1 only: localhost's ::1, if first, refuses
  ApiClient client(settingsFor("http://localhost:" + std::to_string(server.port())));
  const Exchange exchange = client.send("GET", "/v1/a", "key", "");
  EXPECT_EQ(exchange.stage, ExchangeStage::kAnswered) << exchange.error;
  EXPECT_EQ(exchange.body, "ok");
}

TEST(ApiClientTest, CloseAfterTheRequestIsNoAnswerAndNeverRetried) {
  RawServer server([](RawServer& server, RawConnection& connection) {
    if (!connection.readRequest().empty()) server.countRequest();
  });
  ApiClient client(settingsFor(server.baseUrl()));
  const Exchange exchange = client.send("POST", "/v1/x", "key", R"({"a":1})");
  EXPECT_EQ(exchange.stage, ExchangeStage::kNoAnswer) << exchange.error;
  server.waitForClosed(1);
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(server.connections(), 1);
}

TEST(ApiClientTest, SilenceAfterTheRequestIsNoAnswerAfterTheReadTimeout) {
  RawServer server(readAndStaySilent());
  ElevenLabsSettings settings = settingsFor(server.baseUrl());
  settings.readTimeoutMs = 300;
  ApiClient client(settings);
  const Exchange exchange = client.send("POST", "/v1/x", "key", "{}");
  EXPECT_EQ(exchange.stage, ExchangeStage::kNoAnswer);
  EXPECT_NE(exchange.error.find("no answer"), std::string::npos) << exchange.error;
  server.waitForClosed(1);  // the client gave up and closed it
  EXPECT_EQ(server.requests(), 1);
}

TEST(ApiClientTest, IdleConnectionClosedByTheServerIsNotUsedAgain) {
  RawServer server([](RawServer& server, RawConnection& connection) {
    if (connection.readRequest().empty()) return;
    server.countRequest();
    connection.write(kOk);  // keep-alive by default, and then closed all the same
  });
  ApiClient client(settingsFor(server.baseUrl()));
  const Exchange first = client.send("GET", "/v1/a", "key", "");
  ASSERT_EQ(first.stage, ExchangeStage::kAnswered) << first.error;
  server.waitForClosed(1);
  const Exchange second = client.send("GET", "/v1/b", "key", "");
  EXPECT_EQ(second.stage, ExchangeStage::kAnswered) << second.error;
  EXPECT_EQ(second.body, "ok");
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(server.connections(), 2);
}

TEST(ApiClientTest, KeptAliveConnectionCarriesTheNextRequest) {
  RawServer server(answerEach(kOk));
  ApiClient client(settingsFor(server.baseUrl()));
  for (int i = 0; i < 3; ++i) {
    const Exchange exchange = client.send("GET", "/v1/a", "key", "");
    EXPECT_EQ(exchange.stage, ExchangeStage::kAnswered) << exchange.error;
  }
  EXPECT_EQ(server.connections(), 1);
}

TEST(ApiClientTest, ChunkedBodyIsReadWhole) {
  RawServer server(
      answerEach("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"));
  ApiClient client(settingsFor(server.baseUrl()));
  const Exchange exchange = client.send("GET", "/v1/a", "key", "");
  EXPECT_EQ(exchange.stage, ExchangeStage::kAnswered) << exchange.error;
  EXPECT_EQ(exchange.body, "hello, world");
  EXPECT_EQ(client.send("GET", "/v1/a", "key", "").body, "hello, world");
  EXPECT_EQ(server.connections(), 1);  // a chunked answer leaves the connection usable
}

TEST(ApiClientTest, BodyEndingWithTheConnectionIsReadWhole) {
  const std::string body(100000, 'x');
  RawServer server([body](RawServer& server, RawConnection& connection) {
    if (connection.readRequest().empty()) return;
    server.countRequest();
    connection.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body);
  });
  ApiClient client(settingsFor(server.baseUrl()));
  const Exchange exchange = client.send("GET", "/v1/a", "key", "");
  EXPECT_EQ(exchange.stage, ExchangeStage::kAnswered) << exchange.error;
  EXPECT_EQ(exchange.error, "");
  EXPECT_EQ(exchange.body, body);
}

TEST(ApiClientTest, RetryAfterIsCapturedOnA429) {
  RawServer server(answerEach(
      "HTTP/1.1 429 Too Many Requests\r\nretry-after: 7\r\nContent-Length: 2\r\n\r\n{}"));
  ApiClient client(settingsFor(server.baseUrl()));
  const Exchange exchange = client.send("POST", "/v1/x", "key", "{}");
  EXPECT_EQ(exchange.stage, ExchangeStage::kAnswered);
  EXPECT_EQ(exchange.status, 429);
  EXPECT_EQ(exchange.retryAfter, "7");
  EXPECT_EQ(exchange.body, "{}");
}

TEST(ApiClientTest, BodyOverOneMebibyteIsAnAnswerWithAnError) {
  RawServer server([](RawServer& server, RawConnection& connection) {
    if (connection.readRequest().empty()) return;
    server.countRequest();
    const size_t size = 2 * 1024 * 1024;
    connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n" +
                     std::string(size, 'x'));
  });
  ApiClient client(settingsFor(server.baseUrl()));
  const Exchange exchange = client.send("GET", "/v1/a", "key", "");
  EXPECT_EQ(exchange.stage, ExchangeStage::kAnswered);
  EXPECT_EQ(exchange.status, 200);
  EXPECT_NE(exchange.error.find("1 MiB"), std::string::npos) << exchange.error;
  EXPECT_EQ(exchange.body.size(), 1024u * 1024u);
}

TEST(ApiClientTest, RequestHasTheHeadersTheApiExpects) {
  std::mutex mutex;
  std::string seen;
  RawServer server([&](RawServer& server, RawConnection& connection) {
    std::string request = connection.readRequest();
    {
      std::lock_guard lock(mutex);
      seen = request;
    }
    server.countRequest();
    connection.write(kOk);
  });
  ApiClient client(settingsFor(server.baseUrl()));
  ASSERT_EQ(client.send("POST", "/v1/x", "the-key", R"({"a":1})").stage, ExchangeStage::kAnswered);
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.rfind("POST /v1/x HTTP/1.1\r\n", 0), 0u) << seen;
  EXPECT_NE(seen.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos);
  EXPECT_NE(seen.find("\r\nxi-api-key: the-key\r\n"), std::string::npos);
  EXPECT_NE(seen.find("\r\nAccept: application/json\r\n"), std::string::npos);
  EXPECT_NE(seen.find("\r\nUser-Agent: voice-orchestrator\r\n"), std::string::npos);
  EXPECT_NE(seen.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(seen.find("\r\nContent-Length: 7\r\n\r\n{\"a\":1}"), std::string::npos);
  EXPECT_EQ(client.hostLabel(), "127.0.0.1:" + std::to_string(server.port()));
}

TEST(ApiClientTest, DestroyingTheClientAnswersEveryPendingExchangeOnce) {
  RawServer server(readAndStaySilent());
  ElevenLabsSettings settings = settingsFor(server.baseUrl());
  settings.maxConnections = 1;
  Answers answers;
  {
    ApiClient client(settings);
    client.sendAsync("POST", "/v1/x", "key", "{}", answers.collector());  // written, unanswered
    client.sendAsync("POST", "/v1/y", "key", "{}", answers.collector());  // waits for it
    server.waitForRequests(1);
  }
  const std::vector<Exchange> all = answers.waitFor(2);
  ASSERT_EQ(all.size(), 2u);
  int notSent = 0;
  int noAnswer = 0;
  for (const Exchange& exchange : all) {
    EXPECT_EQ(exchange.error, "client stopped");
    notSent += exchange.stage == ExchangeStage::kNotSent;
    noAnswer += exchange.stage == ExchangeStage::kNoAnswer;
  }
  EXPECT_EQ(notSent, 1);
  EXPECT_EQ(noAnswer, 1);
  EXPECT_EQ(server.requests(), 1);
}

// A self-signed certificate for 127.0.0.1 and localhost, made for the test.
class ApiClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::signal(SIGPIPE, SIG_IGN);  // the test server writes with OpenSSL, which uses write()
    char pattern[] = "/tmp/vo-el-tls-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
        dir_ + "/key.pem -out " + dir_ + "/cert.pem 2>/dev/null";
    if (std::system(command.c_str()) != 0) GTEST_SKIP() << "the openssl command is not available";
    server_ = SSL_CTX_new(TLS_server_method());
    ASSERT_EQ(SSL_CTX_use_certificate_file(server_, certFile().c_str(), SSL_FILETYPE_PEM), 1);
    ASSERT_EQ(SSL_CTX_use_PrivateKey_file(server_, (dir_ + "/key.pem").c_str(), SSL_FILETYPE_PEM),
              1);
  }
  void TearDown() override {
    if (server_ != nullptr) SSL_CTX_free(server_);
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string certFile() const { return dir_ + "/cert.pem"; }

  SSL_CTX* server_ = nullptr;
  std::string dir_;
};

TEST_F(ApiClientTlsTest, VerifiedCertificateIsAnswered) {
  RawServer server(answerEach(kOk), server_);
  ElevenLabsSettings settings = settingsFor(server.baseUrl("https"));
  settings.caFile = certFile();
  settings.verifyCertificates = true;
  ApiClient client(settings);
  for (int i = 0; i < 2; ++i) {
    const Exchange exchange = client.send("POST", "/v1/x", "key", "{}");
    EXPECT_EQ(exchange.stage, ExchangeStage::kAnswered) << exchange.error;
    EXPECT_EQ(exchange.status, 200);
    EXPECT_EQ(exchange.body, "ok");
  }
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(ApiClientTlsTest, UnknownCertificateIsRefusedBeforeSending) {
  RawServer server(answerEach(kOk), server_);
  ElevenLabsSettings settings = settingsFor(server.baseUrl("https"));
  settings.verifyCertificates = true;
  ApiClient client(settings);
  const Exchange exchange = client.send("POST", "/v1/x", "key", "{}");
  EXPECT_EQ(exchange.stage, ExchangeStage::kNotSent);
  EXPECT_NE(exchange.error.find("certificate"), std::string::npos) << exchange.error;
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(ApiClientTlsTest, MissingCaFileIsAConfigError) {
  ElevenLabsSettings settings = settingsFor("https://127.0.0.1:1");
  settings.caFile = dir_ + "/missing.pem";
  EXPECT_THROW(ApiClient client(settings), vo::api::ConfigError);
}

}  // namespace
}  // namespace vo::elevenlabs::testing
