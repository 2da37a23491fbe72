#pragma once

#include <cstdint>
#include <string>

namespace vo::api {

// Pacing limits a tenant object may carry; 0 means "no limit of its own".
struct PacingSettings {
  int maxConcurrentCalls = 0;
  double callsPerSecond = 0;
};

struct Workspace {
  std::string id;
  std::string name;
  std::string providerApiKey;  // the workspace's own provider key; empty: the global one
  PacingSettings pacing;
  int64_t createdAtMs = 0;
  // The webhook secret of the workspace's own provider account (with providerApiKey): its
  // account signs the webhooks of its calls with it. Empty: the operator's secret only.
  std::string providerWebhookSecret;
  // Its recipients' zone when neither a call nor its number's region names one ("" : none).
  std::string timezone;
};

struct Agent {
  std::string id;  // the provider's own agent id
  std::string workspaceId;
  std::string name;
  PacingSettings pacing;
  int64_t createdAtMs = 0;
  // A provider id belongs to one workspace: the store refuses it in a second one (kConflict)
  // unless this is set, which only an admin may do, on purpose.
  bool sharedAcrossWorkspaces = false;
};

struct PhoneNumber {
  std::string id;  // the provider's own phone-number id
  std::string workspaceId;
  std::string number;    // E.164
  std::string provider;  // "twilio" | "sip_trunk"
  PacingSettings pacing;
  int64_t createdAtMs = 0;
  bool sharedAcrossWorkspaces = false;  // as Agent's
};

// A per-workspace API key. Only its SHA-256 hash is stored; the key is shown once.
struct ApiKeyRecord {
  std::string id;
  std::string workspaceId;
  std::string keyHash;  // lowercase hex SHA-256 of the key
  int64_t createdAtMs = 0;
  std::string prefix;       // the key's first characters, to recognize it in a list
  int64_t expiresAtMs = 0;  // 0: never
  int64_t revokedAtMs = 0;  // 0: in force

  bool validAt(int64_t nowMs) const {
    return revokedAtMs == 0 && (expiresAtMs == 0 || nowMs < expiresAtMs);
  }
};

// The first answer to a POST with an Idempotency-Key, replayed on repeats.
struct IdempotencyRecord {
  std::string scope;  // who asked: "admin" or the workspace id
  std::string key;
  std::string requestHash;  // a repeat with another body is refused
  int httpStatus = 0;
  std::string responseBody;
  int64_t createdAtMs = 0;
};

}  // namespace vo::api
