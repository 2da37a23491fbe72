// The test helpers themselves: they must fail loudly when something is wrong, or every test
// built on them could pass for the wrong reason.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <sstream>

#include "vo/testing/HttpClient.h"
#include "vo/testing/Ports.h"
#include "vo/testing/Process.h"
#include "vo/testing/TempDir.h"
#include "vo/testing/Wait.h"

namespace vo::testing {
namespace {

TEST(TempDir, CreatesAFreshDirectoryAndRemovesItWithItsFiles) {
  std::string path;
  {
    TempDir dir;
    path = dir.path();
    ASSERT_TRUE(std::filesystem::is_directory(path));
    const std::string file = dir.write("a.txt", "hello");
    EXPECT_EQ(readFile(file), "hello");
    TempDir other;
    EXPECT_NE(other.path(), path);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(FreePort, GivesABindableLoopbackPort) {
  const int port = freePort();
  EXPECT_GT(port, 0);
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  EXPECT_EQ(socket.address().port(), port);
}

TEST(WaitUntil, ReturnsTrueOnceThePredicateHoldsAndFalseWhenItNeverDoes) {
  int calls = 0;
  EXPECT_TRUE(waitUntil([&] { return ++calls == 3; }, std::chrono::seconds(10),
                        std::chrono::milliseconds(1)));
  EXPECT_EQ(calls, 3);
  EXPECT_FALSE(
      waitUntil([] { return false; }, std::chrono::milliseconds(30), std::chrono::milliseconds(5)));
}

TEST(RunProcess, ReportsExitCodeOutputAndEnvironmentChanges) {
  ::setenv("VO_SUPPORT_TEST_UNSET_ME", "present", 1);
  auto result =
      runProcess({"/bin/sh", "-c",
                  "echo out; echo err >&2; echo \"$VO_A-${VO_SUPPORT_TEST_UNSET_ME:-gone}\";"
                  " pwd; exit 3"},
                 {{"VO_A", "set"}, {"VO_SUPPORT_TEST_UNSET_ME", std::nullopt}}, "/tmp");
  EXPECT_EQ(result.exitCode, 3);
  EXPECT_NE(result.output.find("out\n"), std::string::npos);
  EXPECT_NE(result.output.find("err\n"), std::string::npos);
  EXPECT_NE(result.output.find("set-gone\n"), std::string::npos);
  EXPECT_NE(result.output.find("/tmp\n"), std::string::npos);
}

TEST(ChildProcess, ReportsDeathBySignal) {
  TempDir dir;
  ChildProcess child;
  child.spawn({"/bin/sleep", "600"}, {}, "", dir.file("log"));
  EXPECT_TRUE(child.running());
  child.signal(SIGKILL);
  EXPECT_EQ(child.wait(std::chrono::seconds(30)), 128 + SIGKILL);
  EXPECT_FALSE(child.running());
}

TEST(ChildProcess, RefusesAMissingExecutable) {
  TempDir dir;
  ChildProcess child;
  EXPECT_THROW(child.spawn({"/nonexistent/program"}, {}, "", dir.file("log")), std::runtime_error);
}

// Echoes the request back: method, path, one header and the body, with a custom status.
class EchoHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::ostringstream body;
    Poco::StreamCopier::copyStream(request.stream(), body);
    response.setStatus(Poco::Net::HTTPResponse::HTTP_ACCEPTED);
    response.set("X-Echo-Auth", request.get("Authorization", "none"));
    response.setContentType("application/json");
    const std::string text = "{\"method\":\"" + request.getMethod() + "\",\"uri\":\"" +
                             request.getURI() +
                             "\",\"body\":" + (body.str().empty() ? "null" : body.str()) +
                             ",\"type\":\"" + request.getContentType() + "\"}";
    response.sendBuffer(text.data(), text.size());
  }
};

class EchoFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new EchoHandler;
  }
};

TEST(HttpClient, SendsMethodPathHeadersAndBodyAndReadsTheAnswer) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const int port = socket.address().port();
  Poco::Net::HTTPServer server(new EchoFactory, socket, new Poco::Net::HTTPServerParams);
  server.start();

  HttpClient client(port);
  client.setDefaultHeader("Authorization", "Bearer default");
  auto posted = client.post("/calls/bulk?x=1", R"({"a":1})");
  ASSERT_EQ(posted.status, 202) << posted.body;
  const Json json = posted.json();
  EXPECT_EQ(json["method"].string(), "POST");
  EXPECT_EQ(json["uri"].string(), "/calls/bulk?x=1");
  EXPECT_EQ(json["body"]["a"].int64(), 1);
  EXPECT_EQ(json["type"].string(), "application/json");
  EXPECT_EQ(posted.header("x-echo-auth"), "Bearer default");
  EXPECT_EQ(posted.header("X-Echo-Auth"), "Bearer default");

  auto fetched = client.get("/health", {{"authorization", "Bearer mine"}});
  ASSERT_EQ(fetched.status, 202);
  EXPECT_EQ(fetched.header("x-echo-auth"), "Bearer mine");
  EXPECT_EQ(fetched.json()["method"].string(), "GET");
  server.stop();
}

TEST(HttpClient, AnswersStatusZeroWhenNothingListens) {
  HttpClient client(freePort(), std::chrono::seconds(5));
  auto response = client.get("/health");
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.body.empty());
}

}  // namespace
}  // namespace vo::testing
