#include <gtest/gtest.h>

#include "http/KnownReferences.h"

namespace vo::core::http {
namespace {

TEST(KnownReferences, RemembersExactlyTheTriplesAdded) {
  KnownReferences known;
  EXPECT_FALSE(known.contains("ws1", "ag1", "ph1"));
  known.add("ws1", "ag1", "ph1");
  EXPECT_TRUE(known.contains("ws1", "ag1", "ph1"));
  // Another workspace's agent of the same name is not known: tenants stay apart.
  EXPECT_FALSE(known.contains("ws2", "ag1", "ph1"));
  EXPECT_FALSE(known.contains("ws1", "ag1", "ph2"));
  // The parts are kept apart: "ws1" + "ag" is not "ws" + "1ag".
  known.add("ws", "1ag", "ph1");
  EXPECT_FALSE(known.contains("ws1a", "g", "ph1"));
}

TEST(KnownReferences, StartsOverPastItsCapacity) {
  KnownReferences known(2);
  known.add("ws", "a1", "p");
  known.add("ws", "a2", "p");
  known.add("ws", "a3", "p");
  EXPECT_FALSE(known.contains("ws", "a1", "p"));
  EXPECT_TRUE(known.contains("ws", "a3", "p"));
}

}  // namespace
}  // namespace vo::core::http
