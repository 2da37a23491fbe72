// Real answers against docs/openapi.json: drives a running voice-orchestrator (run.sh starts one
// with the simulator, and workspace_id / agent_id / phnum_xxx in its config, as the seed's bodies
// name them) through each route, and checks every answer's status is one the document lists for
// its operation and its body matches that answer's schema. Returns how many answers it checked.
const seedPriority = {
  workspaceId: "workspace_id",
  agentId: "agent_id",
  agentPhoneNumberId: "phnum_xxx",
  to: "+34631021622",
  from: "+34601893170",
  variables: { businessName: "Restaurante Andres", customerName: "Juan Pérez" },
};
const seedBulk = {
  workspaceId: "workspace_id",
  agentId: "agent_id",
  agentPhoneNumberId: "phnum_xxx",
  from: "+34601893170",
  calls: [
    { to: "+34631021622", variables: { businessName: "Restaurante Andres", customerName: "Juan Pérez" } },
    { to: "not a number" },
  ],
};

export async function checkResponses({ document, baseUrl, adminKey, ajv, rebased, resolvePointer, fail }) {
  let checked = 0;
  // `route` is the operation's path as the document writes it; `path` the one asked.
  const ask = async (method, route, path, { body, key = adminKey, expect } = {}) => {
    const headers = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const where = `${method} ${path} -> ${response.status}`;
    checked += 1;
    if (expect !== undefined && response.status !== expect) fail(`${where}, expected ${expect}: ${text}`);
    const operation = document.paths[route]?.[method.toLowerCase()];
    if (!operation) return fail(`${where}: no operation ${method} ${route} in the document`);
    let answer = operation.responses[String(response.status)] ?? operation.responses.default;
    if (!answer) return fail(`${where}: the document lists no ${response.status} for ${method} ${route}`);
    if (answer.$ref) answer = resolvePointer(answer.$ref);
    const mediaType = (response.headers.get("content-type") ?? "").split(";")[0].trim();
    const media = Object.entries(answer.content ?? {}).find(([type]) => type.split(";")[0].trim() === mediaType);
    if (!media) return fail(`${where}: the document lists no ${mediaType} body for it`);
    if (mediaType !== "application/json") return text;
    const parsed = JSON.parse(text);
    const validate = ajv.compile(rebased(media[1].schema));
    if (!validate(parsed)) fail(`${where}: the body does not match its schema: ${ajv.errorsText(validate.errors)}\n${text}`);
    return parsed;
  };

  await ask("GET", "/openapi.json", "/openapi.json", { key: "", expect: 200 });
  await ask("GET", "/health", "/health", { key: "", expect: 200 });
  await ask("GET", "/health", "/health", { expect: 200 });
  await ask("GET", "/metrics", "/metrics", { key: "", expect: 200 });
  await ask("GET", "/dashboard", "/dashboard", { key: "", expect: 200 });
  await ask("GET", "/dashboard/{file}", "/dashboard/app.js", { key: "", expect: 200 });
  await ask("GET", "/dashboard/{file}", "/dashboard/secrets.txt", { key: "", expect: 404 });
  await ask("GET", "/stats", "/stats", { expect: 200 });
  await ask("GET", "/stats", "/stats", { key: "", expect: 401 });
  await ask("GET", "/calls", "/calls", { key: "", expect: 401 });

  await ask("POST", "/workspaces", "/workspaces", { body: { id: "acme", name: "Acme" }, expect: 201 });
  await ask("POST", "/workspaces", "/workspaces", { body: { id: "acme", name: "Acme" }, expect: 409 });
  await ask("GET", "/workspaces", "/workspaces", { expect: 200 });
  await ask("GET", "/workspaces/{id}", "/workspaces/acme", { expect: 200 });
  await ask("GET", "/workspaces/{id}", "/workspaces/nobody", { expect: 404 });
  await ask("POST", "/workspaces/{id}/agents", "/workspaces/acme/agents", {
    body: { id: "agent_acme", name: "Reservations", maxConcurrentCalls: 2, callsPerSecond: 1.5 },
    expect: 201,
  });
  await ask("GET", "/workspaces/{id}/agents", "/workspaces/acme/agents", { expect: 200 });
  await ask("POST", "/workspaces/{id}/phone-numbers", "/workspaces/acme/phone-numbers", {
    body: { id: "phnum_acme", number: "+34601893171", provider: "sip_trunk" },
    expect: 201,
  });
  await ask("GET", "/workspaces/{id}/phone-numbers", "/workspaces/acme/phone-numbers", { expect: 200 });
  const key = await ask("POST", "/workspaces/{id}/api-keys", "/workspaces/acme/api-keys", {
    body: { expiresAt: "2999-01-31T00:00:00Z" },
    expect: 201,
  });
  await ask("GET", "/workspaces/{id}/api-keys", "/workspaces/acme/api-keys", { expect: 200 });
  await ask("GET", "/workspaces", "/workspaces", { key: key?.key, expect: 200 });
  await ask("GET", "/stats", "/stats", { key: key?.key, expect: 200 });
  await ask("DELETE", "/workspaces/{id}/api-keys/{keyId}", `/workspaces/acme/api-keys/${key?.id}`, { expect: 200 });

  // Disabled: nothing is sent to the example host while the check runs.
  const hookBody = { url: "https://hooks.example.com/voice", events: ["call.completed"], enabled: false };
  const hook = await ask("POST", "/workspaces/{id}/webhooks", "/workspaces/acme/webhooks", { body: hookBody, expect: 201 });
  await ask("POST", "/workspaces/{id}/webhooks", "/workspaces/acme/webhooks", {
    body: { ...hookBody, events: ["call.bogus"] },
    expect: 400,
  });
  await ask("GET", "/workspaces/{id}/webhooks", "/workspaces/acme/webhooks", { expect: 200 });
  const hookPath = `/workspaces/acme/webhooks/${hook?.id}`;
  await ask("GET", "/workspaces/{id}/webhooks/{webhookId}", hookPath, { expect: 200 });
  await ask("PATCH", "/workspaces/{id}/webhooks/{webhookId}", hookPath, { body: { events: ["call.failed"] }, expect: 200 });
  await ask("GET", "/workspaces/{id}/webhooks/{webhookId}/deliveries", `${hookPath}/deliveries?limit=5`, { expect: 200 });
  await ask("POST", "/workspaces/{id}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
    `${hookPath}/deliveries/evt_none/redeliver`, { expect: 404 });
  await ask("DELETE", "/workspaces/{id}/webhooks/{webhookId}", hookPath, { expect: 200 });
  await ask("GET", "/workspaces/{id}/webhooks/{webhookId}", hookPath, { expect: 404 });

  const call = await ask("POST", "/calls/priority", "/calls/priority", { body: seedPriority });
  await ask("POST", "/calls/priority", "/calls/priority", { body: { ...seedPriority, to: "0034" }, expect: 400 });
  await ask("POST", "/calls/priority", "/calls/priority", { body: { ...seedPriority, agentId: "nobody" }, expect: 422 });
  const bulk = await ask("POST", "/calls/bulk", "/calls/bulk", { body: seedBulk, expect: 202 });
  await ask("POST", "/calls/bulk", "/calls/bulk", { body: { ...seedBulk, calls: [{ to: "x" }] }, expect: 422 });

  await ask("GET", "/calls", "/calls?workspaceId=workspace_id&limit=10", { expect: 200 });
  await ask("GET", "/calls", "/calls?limit=0", { expect: 400 });
  await ask("GET", "/calls/{id}", `/calls/${call?.id}`, { expect: 200 });
  await ask("GET", "/calls/{id}", "/calls/nope", { expect: 404 });
  await ask("GET", "/calls/report", "/calls/report?workspaceId=workspace_id", { expect: 200 });

  const campaign = bulk?.campaignId;
  await ask("GET", "/campaigns", "/campaigns", { expect: 200 });
  await ask("GET", "/campaigns/{id}", `/campaigns/${campaign}`, { expect: 200 });
  await ask("POST", "/campaigns/{id}/pause", `/campaigns/${campaign}/pause`, { expect: 200 });
  await ask("POST", "/campaigns/{id}/resume", `/campaigns/${campaign}/resume`, { expect: 200 });
  await ask("POST", "/campaigns/{id}/cancel", `/campaigns/${campaign}/cancel`, { expect: 200 });
  await ask("POST", "/campaigns/{id}/resume", `/campaigns/${campaign}/resume`, { expect: 409 });

  await ask("POST", "/webhooks/{provider}", "/webhooks/elevenlabs", { key: "", body: {}, expect: 404 });
  return checked;
}
