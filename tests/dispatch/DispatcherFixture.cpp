#include "DispatcherFixture.h"

#include "vo/testing/Wait.h"

namespace vo::testing {

ScriptedProvider::~ScriptedProvider() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(asyncDials_);
  }
  for (auto& thread : threads) thread.join();
}

void ScriptedProvider::onDial(DialScript script) {
  std::lock_guard lock(mutex_);
  dialScript_ = std::move(script);
}

void ScriptedProvider::onDialAsyncStart(std::function<void(const api::DialRequest&)> hook) {
  std::lock_guard lock(mutex_);
  dialAsyncStart_ = std::move(hook);
}

void ScriptedProvider::onLookup(LookupScript script) {
  std::lock_guard lock(mutex_);
  lookupScript_ = std::move(script);
}

int ScriptedProvider::dials(const std::string& callId) {
  std::lock_guard lock(mutex_);
  auto found = dials_.find(callId);
  return found == dials_.end() ? 0 : found->second;
}

int ScriptedProvider::totalDials() {
  std::lock_guard lock(mutex_);
  return static_cast<int>(requests_.size());
}

std::vector<api::DialRequest> ScriptedProvider::requests() {
  std::lock_guard lock(mutex_);
  return requests_;
}

api::DialResult ScriptedProvider::dial(const api::DialRequest& request) {
  DialScript script;
  {
    std::lock_guard lock(mutex_);
    ++dials_[request.call.id];
    requests_.push_back(request);
    script = dialScript_;
  }
  if (!script) return acceptedAs("prov_" + request.call.id);
  return script(request);
}

void ScriptedProvider::dialAsync(const api::DialRequest& request, api::DialDone done) {
  std::function<void(const api::DialRequest&)> start;
  {
    std::lock_guard lock(mutex_);
    start = dialAsyncStart_;
  }
  if (start) start(request);
  std::thread thread([this, request, done = std::move(done)] { done(dial(request)); });
  std::lock_guard lock(mutex_);
  asyncDials_.push_back(std::move(thread));
}

api::WebhookResponse ScriptedProvider::handleWebhook(const api::WebhookRequest&) {
  return {404, "{}", {}};
}

api::LookupResult ScriptedProvider::lookup(const api::LookupRequest& request) {
  LookupScript script;
  {
    std::lock_guard lock(mutex_);
    script = lookupScript_;
  }
  if (!script) return {};
  return script(request.call);
}

void Gate::pass() {
  std::unique_lock lock(mutex_);
  reached_ = true;
  opened_.wait(lock, [&] { return open_; });
}

bool Gate::reached() {
  std::lock_guard lock(mutex_);
  return reached_;
}

void Gate::open() {
  {
    std::lock_guard lock(mutex_);
    open_ = true;
  }
  opened_.notify_all();
}

api::DialResult acceptedAs(const std::string& providerCallId) {
  api::DialResult result;
  result.outcome = api::DialOutcome::kAccepted;
  result.providerCallId = providerCallId;
  result.providerDataJson = R"({"callSid":"CA1"})";
  result.httpStatus = 200;
  return result;
}

api::DialResult answered(api::DialOutcome outcome, std::string message) {
  api::DialResult result;
  result.outcome = outcome;
  result.message = std::move(message);
  return result;
}

api::CallEvent finalEvent(const std::string& providerCallId, api::CallStatus status) {
  api::CallEvent event;
  event.providerCallId = providerCallId;
  event.status = status;
  event.durationSecs = 42;
  event.endReason = "hung up";
  event.detailJson = R"({"analysis":"ok"})";
  return event;
}

DispatcherTest::DispatcherTest()
    : logger_(std::make_shared<spdlog::logger>("dispatch-test",
                                               std::make_shared<spdlog::sinks::null_sink_mt>())) {
  config_.concurrency = 4;
  config_.workerId = "test-worker";
  config_.retryBaseMs = 1;
  config_.retryMaxMs = 5;
  config_.sweepIntervalMs = 50;
  config_.reconcileIntervalMs = 50;
  config_.shutdownGraceMs = 5000;
  api::Workspace workspace;
  workspace.id = "ws1";
  workspace.name = "Workspace one";
  EXPECT_TRUE(store_.createWorkspace(workspace).ok());
  api::Agent agent;
  agent.id = "agent1";
  agent.workspaceId = "ws1";
  EXPECT_TRUE(store_.createAgent(agent).ok());
  api::PhoneNumber phone;
  phone.id = "phone1";
  phone.workspaceId = "ws1";
  phone.number = "+34600000000";
  phone.provider = "twilio";
  EXPECT_TRUE(store_.createPhoneNumber(phone).ok());
}

DispatcherTest::~DispatcherTest() {
  if (dispatcher_) dispatcher_->stop();
}

core::Dispatcher& DispatcherTest::dispatcher() {
  if (!dispatcher_) {
    dispatcher_ = std::make_unique<core::Dispatcher>(config_, pacing_, store_, *queue_, provider_,
                                                     "scripted", metrics(), *logger_, clock_);
  }
  return *dispatcher_;
}

api::Call DispatcherTest::makeCall(const std::string& id, api::Lane lane,
                                   const std::string& campaignId) {
  api::Call call;
  call.id = id;
  call.workspaceId = "ws1";
  call.agentId = "agent1";
  call.agentPhoneNumberId = "phone1";
  call.campaignId = campaignId;
  call.to = "+3461000" + id;
  call.lane = lane;
  call.maxAttempts = config_.maxAttempts;
  call.createdAtMs = clock_.nowMs();
  call.updatedAtMs = call.createdAtMs;
  return call;
}

void DispatcherTest::submit(const std::vector<api::Call>& calls) {
  ASSERT_TRUE(store_.insertCalls(calls, nullptr).ok());
  auto enqueued = dispatcher().enqueue(calls);
  ASSERT_TRUE(enqueued.ok()) << enqueued.error().message;
}

api::Call DispatcherTest::stored(const std::string& id) {
  auto call = store_.getCall(id);
  EXPECT_TRUE(call.ok()) << id;
  return call.ok() ? call.value() : api::Call{};
}

bool DispatcherTest::waitForStatus(const std::string& id, api::CallStatus status) {
  return waitUntil([&] { return stored(id).status == status; });
}

bool DispatcherTest::waitUntilAll(const std::function<bool(const api::Call&)>& done) {
  return waitUntil([&] {
    for (const auto& call : store_.allCalls()) {
      if (!done(call)) return false;
    }
    return true;
  });
}

uint64_t DispatcherTest::counter(const std::string& name, const std::string& labels) {
  return metrics().counter(name, "", labels).value();
}

api::QueueCounts DispatcherTest::queueCounts() {
  auto counts = queue_->counts();
  EXPECT_TRUE(counts.ok());
  return counts.ok() ? counts.value() : api::QueueCounts{};
}

}  // namespace vo::testing
