#include "vo/core/AgentCounters.h"

#include <functional>

namespace vo::core {

namespace {

constexpr const char* kFinished = "vo_calls_finished_total";
constexpr const char* kOutcomes = "vo_dial_outcomes_total";
constexpr api::DialOutcome kAllOutcomes[] = {
    api::DialOutcome::kAccepted, api::DialOutcome::kNotPlaced, api::DialOutcome::kRejected,
    api::DialOutcome::kAmbiguous};

// A label value as the text format wants it: backslash, double quote and newline escaped.
void appendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void appendHeader(std::string& out, const char* name, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " counter\n";
}

void appendLine(std::string& out, const char* name, std::string_view workspace,
                std::string_view agent, const char* label, std::string_view value, uint64_t count) {
  out += name;
  out += "{workspace=\"";
  appendLabelValue(out, workspace);
  out += "\",agent=\"";
  appendLabelValue(out, agent);
  out += "\",";
  out += label;
  out += "=\"";
  out += value;
  out += "\"} ";
  out += std::to_string(count);
  out += '\n';
}

}  // namespace

void AgentRow::finished(api::CallStatus status, uint64_t by) {
  if (!AgentRow::counts(status)) return;
  finished_[static_cast<std::size_t>(status)].fetch_add(by, std::memory_order_relaxed);
}

void AgentRow::dialed(api::DialOutcome outcome) {
  dialed_[static_cast<std::size_t>(outcome)].fetch_add(1, std::memory_order_relaxed);
}

uint64_t AgentRow::finishedCount(api::CallStatus status) const {
  return finished_[static_cast<std::size_t>(status)].load(std::memory_order_relaxed);
}

uint64_t AgentRow::dialedCount(api::DialOutcome outcome) const {
  return dialed_[static_cast<std::size_t>(outcome)].load(std::memory_order_relaxed);
}

std::size_t AgentCounters::KeyHash::operator()(const Key& key) const {
  const std::size_t first = std::hash<std::string_view>()(key.first);
  return first ^ (std::hash<std::string_view>()(key.second) + 0x9e3779b97f4a7c15ULL + (first << 6) +
                  (first >> 2));
}

AgentCounters::AgentCounters(std::size_t maxLabelSets) : maxLabelSets_(maxLabelSets) {}

AgentRow& AgentCounters::row(std::string_view workspace, std::string_view agent) {
  std::lock_guard lock(mutex_);
  if (auto found = rows_.find(Key(workspace, agent)); found != rows_.end()) return *found->second;
  if (entries_.size() >= maxLabelSets_) {
    otherUsed_ = true;
    return other_;
  }
  Entry& entry = entries_.emplace_back();
  entry.workspace = workspace;
  entry.agent = agent;
  rows_.emplace(Key(entry.workspace, entry.agent), &entry.row);
  return entry.row;
}

AgentRow& AgentCounters::other() {
  std::lock_guard lock(mutex_);
  otherUsed_ = true;
  return other_;
}

std::size_t AgentCounters::labelSets() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void AgentCounters::render(std::string& out) const {
  // The rows are read under the lock: a scrape holds it while it formats, a counting thread
  // that meets a new pair meanwhile waits that long (a pair already met never takes it twice
  // per call).
  std::lock_guard lock(mutex_);
  const auto eachRow = [&](const auto& visit) {
    for (const Entry& entry : entries_) visit(entry.workspace, entry.agent, entry.row);
    if (otherUsed_) visit(kOther, kOther, other_);
  };
  appendHeader(
      out, kFinished,
      "Calls that reached a final status (unknown is not one: it may still be reconciled)");
  eachRow([&](std::string_view workspace, std::string_view agent, const AgentRow& row) {
    for (api::CallStatus status : api::kAllCallStatuses) {
      if (!AgentRow::counts(status)) continue;
      appendLine(out, kFinished, workspace, agent, "status", api::toString(status),
                 row.finishedCount(status));
    }
  });
  appendHeader(out, kOutcomes, "Dial attempts by the provider's answer");
  eachRow([&](std::string_view workspace, std::string_view agent, const AgentRow& row) {
    for (api::DialOutcome outcome : kAllOutcomes) {
      appendLine(out, kOutcomes, workspace, agent, "outcome", api::toString(outcome),
                 row.dialedCount(outcome));
    }
  });
}

}  // namespace vo::core
