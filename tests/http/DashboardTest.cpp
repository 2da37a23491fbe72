// The dashboard's routes: its static files (open, only the known names), Chart.js from its own
// path, and GET /stats scoped to the caller's workspace.
#include <fstream>

#include "ApiFixture.h"

namespace vo::core::http::testing {
namespace {

class DashboardTest : public ApiFixture {
 protected:
  DashboardTest() {
    write("dashboard/index.html", "<html>dashboard</html>");
    write("dashboard/app.js", "console.log(1);");
    write("dashboard/notes.txt", "not served");
    write("chart.min.js", "/* chart */");
    config_.server.dashboardDir = dir_.file("dashboard");
    config_.server.chartJsFile = dir_.file("chart.min.js");
    rebuildApi();
  }

  void write(const std::string& name, const std::string& contents) {
    std::filesystem::create_directories(std::filesystem::path(dir_.file(name)).parent_path());
    std::ofstream(dir_.file(name)) << contents;
  }

  static std::string contentTypeOf(const ApiResponse& response) { return response.contentType; }
};

TEST_F(DashboardTest, ThePageAndItsFilesNeedNoKey) {
  const auto page = get("/dashboard", "");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<html>dashboard</html>");
  EXPECT_EQ(contentTypeOf(page), "text/html; charset=utf-8");
  const auto script = get("/dashboard/app.js", "");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(contentTypeOf(script), "text/javascript; charset=utf-8");
  const auto chart = get("/dashboard/chart.js", "");
  EXPECT_EQ(chart.status, 200);
  EXPECT_EQ(chart.body, "/* chart */");
}

TEST_F(DashboardTest, OnlyTheDashboardsOwnFilesAreServed) {
  EXPECT_EQ(get("/dashboard/notes.txt", "").status, 404);
  EXPECT_EQ(get("/dashboard/..", "").status, 404);
  EXPECT_EQ(get("/dashboard/chart.min.js", "").status, 404);
  // A known file that is missing names the setting that says where it is looked for.
  const auto missing = get("/dashboard/style.css", "");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("server.dashboardDir"), std::string::npos) << missing.body;
}

TEST_F(DashboardTest, StatsAreTheQueuesFiguresScopedToTheCallersWorkspace) {
  const std::string acme = seedWorkspace("acme");
  seedWorkspace("beta");
  std::vector<api::QueueJob> jobs;
  for (const auto& [id, workspace] :
       {std::pair{"c1", "acme"}, std::pair{"c2", "acme"}, std::pair{"c3", "beta"}}) {
    api::QueueJob job;
    job.callId = id;
    job.workspaceId = workspace;
    jobs.push_back(job);
  }
  ASSERT_TRUE(queue_->enqueue(jobs).ok());

  const JsonValue all = json(get("/stats"));
  EXPECT_EQ(all.find("scope")->text, "all");
  EXPECT_EQ(all.find("waiting")->text, "3");
  EXPECT_EQ(all.find("inFlight")->text, "0");
  const JsonValue mine = json(get("/stats", acme));
  EXPECT_EQ(mine.find("scope")->text, "acme");
  EXPECT_EQ(mine.find("waiting")->text, "2");
  EXPECT_EQ(mine.find("inFlight"), nullptr) << "the queue's in-flight figure is every workspace's";
  EXPECT_EQ(get("/stats", "").status, 401);
}

}  // namespace
}  // namespace vo::core::http::testing
