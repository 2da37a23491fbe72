#include <gtest/gtest.h>

#include "webhooks/WebhookTarget.h"

namespace vo::core::webhooks {
namespace {

TEST(WebhookTarget, PrivateLoopbackAndLinkLocalAddressesAreRefusedByDefault) {
  for (const char* url :
       {"http://127.0.0.1/hook", "http://127.8.9.10:8080/", "http://10.1.2.3/",
        "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/",
        "http://169.254.169.254/latest", "http://0.0.0.0/", "http://100.64.0.1/", "http://[::1]/",
        "http://[::]/", "http://[fc00::1]/", "http://[fd12:3456::1]/", "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/", "https://localhost/", "https://api.localhost/x"}) {
    const auto reason = checkWebhookUrl(url, false);
    ASSERT_TRUE(reason.has_value()) << url;
    EXPECT_NE(reason->find("private"), std::string::npos) << *reason;
    EXPECT_FALSE(checkWebhookUrl(url, true).has_value()) << url << " allowed by config";
  }
}

TEST(WebhookTarget, PublicTargetsPass) {
  for (const char* url : {"https://hooks.example.com/vo", "http://8.8.8.8/in", "http://172.32.0.1/",
                          "http://[2001:db8::1]:8443/x?y=1", "HTTPS://Example.COM/"}) {
    EXPECT_FALSE(checkWebhookUrl(url, false).has_value()) << url;
  }
}

TEST(WebhookTarget, MalformedUrlsAreRefusedWhateverTheConfig) {
  for (const char* url : {"", "hooks.example.com", "ftp://example.com/", "https:///path",
                          "https://user:pw@example.com/", "mailto:a@b.c"}) {
    EXPECT_TRUE(checkWebhookUrl(url, true).has_value()) << url;
  }
  EXPECT_TRUE(checkWebhookUrl("https://example.com/" + std::string(2100, 'a'), true).has_value());
}

}  // namespace
}  // namespace vo::core::webhooks
