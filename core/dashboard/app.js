// The dashboard: plain JavaScript against the service's own API, with the API key the user
// signs in with (kept in this tab's sessionStorage only). A workspace key sees its workspace:
// the API scopes every answer to it.
"use strict";

const state = { key: sessionStorage.getItem("vo.apiKey") || "", samples: [], chart: null };
const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const response = await fetch(path, {
    method: options.method || "GET",
    headers: { Authorization: "Bearer " + state.key, "Content-Type": "application/json" },
    body: options.body,
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const message = body.error ? body.error.message : response.statusText;
    throw Object.assign(new Error(message), { status: response.status });
  }
  return body;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
  return td;
}

async function signIn(event) {
  event.preventDefault();
  state.key = $("api-key").value.trim();
  try {
    const stats = await api("/stats");
    sessionStorage.setItem("vo.apiKey", state.key);
    start(stats);
  } catch (error) {
    $("sign-in-error").textContent =
      error.status === 401 ? "That key is not valid." : "Sign-in failed: " + error.message;
  }
}

function signOut() {
  sessionStorage.removeItem("vo.apiKey");
  location.reload();
}

function start(stats) {
  $("sign-in").hidden = true;
  $("board").hidden = false;
  $("sign-out").hidden = false;
  $("scope").textContent = stats.scope === "all" ? "admin: every workspace" : "workspace " + stats.scope;
  refresh();
  setInterval(refresh, 2000);
  loadCalls();
  loadReport();
}

async function refresh() {
  try {
    const [stats, campaigns] = await Promise.all([api("/stats"), api("/campaigns")]);
    showLive(stats, campaigns.data);
    showCampaigns(campaigns.data);
  } catch (error) {
    if (error.status === 401) signOut();
  }
}

function showLive(stats, campaigns) {
  // Every call in line: due, not yet due, and in paused campaigns (the admin's figure).
  $("live-waiting").textContent = stats.waiting + (stats.delayed || 0) + (stats.paused || 0);
  // The admin's figure comes from the queue; a workspace's from its campaigns.
  const inFlight = stats.inFlight !== undefined ? stats.inFlight
    : campaigns.reduce((sum, c) => sum + (c.byStatus.dispatching || 0) + (c.byStatus.initiated || 0), 0);
  $("live-in-flight").textContent = inFlight;
  const left = campaigns.reduce((sum, c) => sum + c.total - (c.byStatus.queued || 0), 0);
  const now = Date.now();
  state.samples.push({ at: now, left });
  state.samples = state.samples.filter((s) => now - s.at <= 10000);
  const first = state.samples[0];
  if (state.samples.length > 1 && now > first.at) {
    $("live-rate").textContent = (((left - first.left) * 1000) / (now - first.at)).toFixed(1) + "/s";
  }
}

// Rows are updated in place, not rebuilt: a button being pressed is never swapped under the
// pointer by the next refresh.
function showCampaigns(campaigns) {
  const rows = $("campaign-rows");
  const seen = new Set();
  for (const campaign of campaigns) {
    seen.add(campaign.id);
    let row = rows.querySelector(`tr[data-campaign="${CSS.escape(campaign.id)}"]`);
    if (!row) row = rows.appendChild(campaignRow(campaign));
    row.querySelector(".status").textContent = campaign.status;
    const progress = row.querySelector("progress");
    progress.max = Math.max(1, campaign.total);
    progress.value = campaign.finished;
    row.querySelector(".count").textContent = " " + campaign.finished + " / " + campaign.total;
    const over = campaign.status === "canceled" || campaign.status === "completed";
    for (const button of row.querySelectorAll("button")) {
      const action = button.dataset.action;
      button.disabled = over || (action === "pause" && campaign.status === "paused") ||
        (action === "resume" && campaign.status !== "paused");
    }
  }
  for (const row of [...rows.children]) {
    if (!seen.has(row.dataset.campaign)) row.remove();
  }
}

function campaignRow(campaign) {
  const row = document.createElement("tr");
  row.dataset.campaign = campaign.id;
  cell(row, campaign.name || campaign.id);
  cell(row, campaign.workspaceId);
  cell(row, "").className = "status";
  const td = cell(row, "");
  const count = document.createElement("span");
  count.className = "count";
  td.append(document.createElement("progress"), count);
  const actions = cell(row, "");
  for (const action of ["pause", "resume", "cancel"]) {
    const button = document.createElement("button");
    button.textContent = action;
    button.dataset.action = action;
    button.addEventListener("click", () => control(campaign.id, action));
    actions.appendChild(button);
  }
  return row;
}

async function control(campaignId, action) {
  if (action === "cancel" && !confirm("Cancel campaign " + campaignId + "? Its queued calls end.")) return;
  try {
    await api("/campaigns/" + encodeURIComponent(campaignId) + "/" + action, { method: "POST", body: "{}" });
  } catch (error) {
    alert(action + " failed: " + error.message);
  }
  refresh();
}

async function loadCalls(event) {
  if (event) event.preventDefault();
  const query = new URLSearchParams({ limit: "20" });
  if ($("filter-status").value) query.set("status", $("filter-status").value);
  if ($("filter-campaign").value.trim()) query.set("campaignId", $("filter-campaign").value.trim());
  if ($("filter-to").value.trim()) query.set("to", $("filter-to").value.trim());
  const rows = $("call-rows");
  try {
    const page = await api("/calls?" + query);
    rows.replaceChildren();
    for (const call of page.data) {
      const row = document.createElement("tr");
      row.className = "clickable";
      cell(row, call.id);
      cell(row, call.to);
      cell(row, call.status);
      cell(row, call.attempts);
      cell(row, call.updatedAt);
      row.addEventListener("click", () => showCall(call.id));
      rows.appendChild(row);
    }
  } catch (error) {
    rows.replaceChildren();
    const row = document.createElement("tr");
    cell(row, "Calls not loaded: " + error.message).className = "error";
    rows.appendChild(row);
  }
}

async function showCall(callId) {
  const detail = $("call-detail");
  try {
    const call = await api("/calls/" + encodeURIComponent(callId));
    detail.textContent = JSON.stringify(call.attemptHistory, null, 2);
  } catch (error) {
    detail.textContent = "Call not loaded: " + error.message;
  }
  detail.hidden = false;
}

async function loadReport() {
  const day = (offset) => new Date(Date.now() - offset * 86400000).toISOString().slice(0, 10);
  let report;
  try {
    report = await api("/calls/report?from=" + day(13) + "&to=" + day(0));
  } catch (error) {
    $("report").append("Report not loaded: " + error.message);
    return;
  }
  const byDay = new Map();
  const byStatus = new Map();  // status -> day -> calls
  for (const row of report.rows) {
    byDay.set(row.day, (byDay.get(row.day) || 0) + row.total);
    for (const [status, count] of Object.entries(row.byStatus)) {
      if (!byStatus.has(status)) byStatus.set(status, new Map());
      const days = byStatus.get(status);
      days.set(row.day, (days.get(row.day) || 0) + count);
    }
  }
  const days = [...byDay.keys()].sort();
  if (window.chartUnavailable || typeof Chart === "undefined") {
    // No Chart.js installed (server.chartJsFile): the same figures as a table.
    $("report-chart").hidden = true;
    const body = $("report-table").tBodies[0];
    for (const d of days) {
      const row = document.createElement("tr");
      cell(row, d);
      cell(row, byDay.get(d));
      body.appendChild(row);
    }
    $("report-table").hidden = false;
    return;
  }
  const colors = { completed: "#2e7d32", no_answer: "#f9a825", busy: "#ef6c00", failed: "#c62828",
    unknown: "#6d4c41", canceled: "#78909c", suppressed: "#b0bec5", queued: "#90caf9", dispatching: "#42a5f5",
    initiated: "#1e88e5" };
  state.chart = new Chart($("report-chart"), {
    type: "bar",
    data: {
      labels: days,
      datasets: [...byStatus.entries()].map(([status, counts]) => ({
        label: status, backgroundColor: colors[status] || "#9e9e9e",
        data: days.map((d) => counts.get(d) || 0),
      })),
    },
    options: { animation: false, aspectRatio: 4,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
}

$("sign-in").addEventListener("submit", signIn);
$("sign-out").addEventListener("click", signOut);
$("call-filters").addEventListener("submit", loadCalls);
if (state.key) {
  api("/stats").then(start, () => sessionStorage.removeItem("vo.apiKey"));
}
