// The tenant and pacing sections of the config.
#include <cctype>
#include <set>

#include "config/Sections.h"
#include "phone/PhoneNumbers.h"
#include "schedule/TimeZones.h"
#include "vo/core/ReservedIds.h"

namespace vo::core::config {

namespace {

constexpr int64_t kMaxConcurrent = 1000000;
constexpr double kMaxPerSecond = 1000000;

std::string requireIdentifier(api::ConfigReader& reader, const std::string& key) {
  const std::string value = reader.requireString(key);
  if (!isIdentifier(value)) {
    reader.fail(key, "expected 1 to 128 of letters, digits and . _ : -, got '" + value + "'");
  }
  return value;
}

// Remembers ids seen in one list and refuses a repeat.
void requireUnique(std::set<std::string>& seen, api::ConfigReader& item, const std::string& id) {
  if (!seen.insert(id).second) item.fail("id", "duplicate id '" + id + "'");
}

api::Agent readAgent(api::ConfigReader& item, const std::string& workspaceId) {
  api::Agent agent;
  agent.id = requireIdentifier(item, "id");
  agent.workspaceId = workspaceId;
  agent.name = item.getString("name", agent.id);
  agent.pacing = readPacingSettings(item);
  agent.sharedAcrossWorkspaces = item.getBool("sharedAcrossWorkspaces", false);
  item.rejectUnknownKeys();
  return agent;
}

api::PhoneNumber readPhoneNumber(api::ConfigReader& item, const std::string& workspaceId) {
  api::PhoneNumber phone;
  phone.id = requireIdentifier(item, "id");
  phone.workspaceId = workspaceId;
  const std::string number = item.requireString("number");
  phone::NormalizedNumber normalized;
  if (auto reason = phone::normalizePhoneNumber(number, normalized)) {
    item.fail("number",
              "expected a phone number like +34601893170, got '" + number + "': " + *reason);
  }
  phone.number = normalized.e164;
  phone.provider = item.getString("provider", "twilio");
  if (phone.provider != "twilio" && phone.provider != "sip_trunk") {
    item.fail("provider", "expected twilio or sip_trunk, got '" + phone.provider + "'");
  }
  phone.pacing = readPacingSettings(item);
  phone.sharedAcrossWorkspaces = item.getBool("sharedAcrossWorkspaces", false);
  item.rejectUnknownKeys();
  return phone;
}

TenantSeed readWorkspace(api::ConfigReader& item) {
  TenantSeed seed;
  seed.workspace.id = requireIdentifier(item, "id");
  if (isReservedWorkspaceId(seed.workspace.id)) {
    item.fail("id", "'" + seed.workspace.id + "' is reserved; choose another workspace id");
  }
  seed.workspace.name = item.getString("name", seed.workspace.id);
  seed.workspace.providerApiKey = item.getString("providerApiKey", "");
  seed.workspace.providerWebhookSecret = item.getString("providerWebhookSecret", "");
  seed.workspace.timezone = item.getString("timezone", "");
  if (!seed.workspace.timezone.empty() && !schedule::isKnownTimeZone(seed.workspace.timezone)) {
    item.fail("timezone", "not a time zone tzdata knows: '" + seed.workspace.timezone + "'");
  }
  seed.workspace.pacing = readPacingSettings(item);
  std::set<std::string> agentIds;
  for (auto& agentItem : item.childList("agents")) {
    seed.agents.push_back(readAgent(agentItem, seed.workspace.id));
    requireUnique(agentIds, agentItem, seed.agents.back().id);
  }
  std::set<std::string> phoneIds;
  for (auto& phoneItem : item.childList("phoneNumbers")) {
    seed.phoneNumbers.push_back(readPhoneNumber(phoneItem, seed.workspace.id));
    requireUnique(phoneIds, phoneItem, seed.phoneNumbers.back().id);
  }
  item.rejectUnknownKeys();
  return seed;
}

}  // namespace

bool isIdentifier(const std::string& text) {
  if (text.empty() || text.size() > 128) return false;
  for (unsigned char c : text) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  }
  return true;
}

api::PacingSettings readPacingSettings(api::ConfigReader& reader) {
  api::PacingSettings pacing;
  pacing.maxConcurrentCalls =
      static_cast<int>(reader.getInt("maxConcurrentCalls", 0, 0, kMaxConcurrent));
  pacing.callsPerSecond = reader.getDouble("callsPerSecond", 0, 0, kMaxPerSecond);
  return pacing;
}

PacingConfig readPacing(api::ConfigReader reader) {
  PacingConfig pacing;
  const auto section = [&](const std::string& key) {
    api::ConfigReader child = reader.child(key);
    api::PacingSettings settings = readPacingSettings(child);
    child.rejectUnknownKeys();
    return settings;
  };
  pacing.phoneNumber = section("phoneNumber");
  pacing.agent = section("agent");
  pacing.workspace = section("workspace");
  pacing.providerAccount = section("providerAccount");
  reader.rejectUnknownKeys();
  return pacing;
}

std::vector<TenantSeed> readTenants(api::ConfigReader reader) {
  std::vector<TenantSeed> tenants;
  std::set<std::string> workspaceIds;
  for (auto& item : reader.childList("workspaces")) {
    tenants.push_back(readWorkspace(item));
    requireUnique(workspaceIds, item, tenants.back().workspace.id);
  }
  reader.rejectUnknownKeys();
  return tenants;
}

}  // namespace vo::core::config
