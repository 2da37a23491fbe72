// Drives the fake ElevenLabs server with ElevenLabs' official JavaScript SDK, so the fake is
// checked by a client nobody here wrote: outbound calls over Twilio and a SIP trunk, GET
// conversation, the conversation list with its filters and cursor, and the post-call webhooks
// the fake really sent, verified with the SDK's webhooks.constructEvent.
//
// The SDK validates every answer against its schemas, leniently (unknown keys and enum values
// pass). Every raw answer is parsed again here with the same schemas made strict: no unknown
// key, no unknown enum value or union member, nothing skipped. Started by run.sh with:
//   FAKE_BASE_URL, FAKE_API_KEY, WEBHOOK_PORT, WEBHOOK_SECRET, BUSY_SUFFIX, NO_ANSWER_SUFFIX
import { createRequire } from "node:module";
import http from "node:http";
import assert from "node:assert/strict";
import { ElevenLabsClient, ElevenLabs } from "@elevenlabs/elevenlabs-js";

const require = createRequire(import.meta.url);
const schemas = require("@elevenlabs/elevenlabs-js/serialization");

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run this through run.sh)`);
  return value;
};
const baseUrl = env("FAKE_BASE_URL");
const apiKey = env("FAKE_API_KEY");
const webhookPort = Number(env("WEBHOOK_PORT"));
const webhookSecret = env("WEBHOOK_SECRET");
const busySuffix = env("BUSY_SUFFIX");
const noAnswerSuffix = env("NO_ANSWER_SUFFIX");
const deadlineMs = 60_000;

let checks = 0;
const check = (condition, message) => {
  assert.ok(condition, message);
  ++checks;
};

// Every answer's raw text, as the SDK's own fetch received it.
const answers = [];
async function recordingFetch(url, init) {
  const response = await fetch(url, init);
  answers.push({ url: String(url), status: response.status, text: await response.clone().text() });
  return response;
}

const strictOptions = {
  unrecognizedObjectKeys: "fail",
  allowUnrecognizedUnionMembers: false,
  allowUnrecognizedEnumValues: false,
  skipValidation: false,
};
function parseStrictly(schemaName, raw, where) {
  schemas[schemaName].parseOrThrow(raw, { ...strictOptions, breadcrumbsPrefix: [where] });
  ++checks;
}

// Runs one SDK call and parses the answer it got again, strictly, with `schemaName`.
async function viaSdk(schemaName, where, call) {
  const before = answers.length;
  const result = await call();
  check(answers.length > before, `${where}: no answer was recorded`);
  const answer = answers[answers.length - 1];
  parseStrictly(schemaName, JSON.parse(answer.text), where);
  return result;
}

const client = new ElevenLabsClient({ apiKey, baseUrl, maxRetries: 0, fetch: recordingFetch });

// The post-call webhooks the fake sends, as they arrived.
const webhooks = [];
const receiver = http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    webhooks.push({
      body: Buffer.concat(chunks).toString("utf8"),
      signature: request.headers["elevenlabs-signature"],
    });
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"status":"ok"}');
  });
});
await new Promise((resolve) => receiver.listen(webhookPort, "127.0.0.1", resolve));

const agentA = "agent_sdk_check_a";
const agentB = "agent_sdk_check_b";
const dials = [];  // {telephony, agentId, toNumber, expected, variables, conversationId, callId}

async function dial(telephony, agentId, toNumber, expected) {
  const variables = { customer_name: `Callee ${toNumber}`, vo_call_id: `call_${dials.length}`,
                      attempt: 2, vip: dials.length % 2 === 0 };
  const request = { agentId, agentPhoneNumberId: `phnum_${telephony}`, toNumber,
                    conversationInitiationClientData: { dynamicVariables: variables } };
  const where = `${telephony} outbound call to ${toNumber}`;
  let answer;
  if (telephony === "twilio") {
    answer = await viaSdk("TwilioOutboundCallResponse", where,
                          () => client.conversationalAi.twilio.outboundCall(request));
    check(/^CA[0-9a-f]{32}$/.test(answer.callSid), `${where}: callSid ${answer.callSid}`);
  } else {
    answer = await viaSdk("SipTrunkOutboundCallResponse", where,
                          () => client.conversationalAi.sipTrunk.outboundCall(request));
    check(typeof answer.sipCallId === "string" && answer.sipCallId.length > 0, `${where}: sip_call_id`);
  }
  check(answer.success === true && answer.conversationId, `${where}: not accepted`);
  const placed = { telephony, agentId, toNumber, expected, variables,
                   conversationId: answer.conversationId,
                   callId: telephony === "twilio" ? answer.callSid : answer.sipCallId };
  dials.push(placed);
  return placed;
}

async function getConversation(placed) {
  const where = `GET conversation ${placed.conversationId}`;
  const conversation = await viaSdk("GetConversationResponseModel", where,
      () => client.conversationalAi.conversations.get(placed.conversationId));
  checkConversation(conversation, placed, where);
  return conversation;
}

// What a conversation (GET, or a transcription webhook's data) must say about its dial.
function checkConversation(conversation, placed, where) {
  check(conversation.conversationId === placed.conversationId, `${where}: conversation_id`);
  check(conversation.agentId === placed.agentId, `${where}: agent_id`);
  check(typeof conversation.hasAuxiliaryAudio === "boolean", `${where}: has_auxiliary_audio`);
  assert.deepEqual(conversation.conversationInitiationClientData?.dynamicVariables,
                   placed.variables, `${where}: dynamic_variables`);
  const phoneCall = conversation.metadata.phoneCall;
  check(phoneCall, `${where}: metadata.phone_call missing`);
  check(phoneCall.direction === "outbound", `${where}: direction`);
  check(phoneCall.externalNumber === placed.toNumber, `${where}: external_number`);
  check(phoneCall.phoneNumberId === `phnum_${placed.telephony}`, `${where}: phone_number_id`);
  check(phoneCall.agentNumber?.startsWith("+"), `${where}: agent_number`);
  check(phoneCall.callSid === placed.callId, `${where}: call_sid ${phoneCall.callSid}`);
  if (placed.telephony === "twilio") {
    check(phoneCall.type === "twilio" && /^MZ[0-9a-f]{32}$/.test(phoneCall.streamSid),
          `${where}: twilio stream_sid`);
  } else {
    check(phoneCall.type === "sip_trunking", `${where}: type ${phoneCall.type}`);
  }
}

// Every page of the list for `filter`, the pages strictly checked; conversation ids in order.
async function listAll(filter, pageSize, onFirstPage = async () => {}) {
  const ids = [];
  let cursor;
  for (let page = 0; ; ++page) {
    check(page < 1000, "the list never ends");
    const where = `list ${JSON.stringify(filter)} page ${page}`;
    const answer = await viaSdk("GetConversationsPageResponseModel", where,
        () => client.conversationalAi.conversations.list({ ...filter, pageSize, cursor }));
    check(answer.conversations.length <= pageSize, `${where}: more than page_size`);
    for (const summary of answer.conversations) ids.push(summary.conversationId);
    if (page === 0) await onFirstPage();
    if (!answer.hasMore) {
      check(answer.nextCursor === undefined, `${where}: next_cursor on the last page`);
      return ids;
    }
    check(typeof answer.nextCursor === "string" && answer.conversations.length === pageSize,
          `${where}: has_more without a full page and a cursor`);
    cursor = answer.nextCursor;
  }
}

async function expect422(filter, where) {
  try {
    await client.conversationalAi.conversations.list(filter);
  } catch (error) {
    check(error instanceof ElevenLabs.UnprocessableEntityError && error.statusCode === 422,
          `${where}: ${error}`);
    const detail = error.body?.detail;
    check(Array.isArray(detail) && detail[0]?.loc?.[0] === "query", `${where}: 422 detail`);
    return;
  }
  assert.fail(`${where}: accepted`);
}

async function waitUntil(what, condition) {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

try {
  const startedAfter = Math.floor(Date.now() / 1000) - 1;
  await dial("twilio", agentA, "+15550001001", "done");
  await dial("twilio", agentA, `+1555000${busySuffix}`, "busy");
  await dial("twilio", agentA, `+1555001${noAnswerSuffix}`, "no_answer");
  await dial("sip_trunk", agentA, "+15550002001", "done");
  await dial("sip_trunk", agentA, `+1555002${busySuffix}`, "busy");
  await dial("sip_trunk", agentA, `+1555003${noAnswerSuffix}`, "no_answer");
  await dial("twilio", agentB, "+15550003001", "done");
  await dial("sip_trunk", agentB, "+15550003002", "done");

  // Just placed: every one parses; those still ringing say `initiated` (a busy or unanswered
  // call rings until it ends).
  const firstStatuses = [];
  for (const placed of dials) firstStatuses.push((await getConversation(placed)).status);
  check(firstStatuses.includes("initiated"), `no conversation was initiated: ${firstStatuses}`);

  // The list: agent A's conversations newest first, two per page; a call placed while paging
  // moves nothing (it is newer than the cursor), and the next listing has it first.
  const agentAIds = dials.filter((d) => d.agentId === agentA).map((d) => d.conversationId);
  const filterA = { agentId: agentA, callStartAfterUnix: startedAfter,
                    callStartBeforeUnix: Math.ceil(Date.now() / 1000) + 1 };
  let placedWhilePaging;
  const pagedA = await listAll(filterA, 2, async () => {
    placedWhilePaging = await dial("twilio", agentA, "+15550001002", "done");
  });
  assert.deepEqual(pagedA, [...agentAIds].reverse(), "agent A's list, newest first");
  ++checks;
  filterA.callStartBeforeUnix = Math.ceil(Date.now() / 1000) + 1;
  const pagedAgain = await listAll(filterA, 3);
  check(pagedAgain[0] === placedWhilePaging.conversationId && pagedAgain.length === 7,
        "the call placed while paging comes first next time");
  const pagedB = await listAll({ agentId: agentB }, 30);
  assert.deepEqual(pagedB, dials.filter((d) => d.agentId === agentB).map((d) => d.conversationId)
                               .reverse(), "agent B's list");
  ++checks;
  const everyone = await listAll({}, 100);
  check(everyone.length >= dials.length, "the unfiltered list holds every call");
  check((await listAll({ agentId: agentA, callStartAfterUnix: startedAfter + 3600 }, 5)).length === 0,
        "a window in the future is empty");
  await expect422({ pageSize: 101 }, "page_size 101");
  await expect422({ pageSize: 0 }, "page_size 0");
  await expect422({ cursor: "not-a-cursor" }, "a cursor the fake never gave");

  // Over: done, or failed with the telephony's result; the list says the same.
  await waitUntil("every conversation to end", async () => {
    const answer = await client.conversationalAi.conversations.list({ pageSize: 100 });
    return answer.conversations.every((c) => c.status === "done" || c.status === "failed");
  });
  for (const placed of dials) {
    const conversation = await getConversation(placed);
    const where = `ended ${placed.telephony} call to ${placed.toNumber}`;
    const answered = placed.expected === "done";
    check(conversation.status === (answered ? "done" : "failed"), `${where}: ${conversation.status}`);
    check(conversation.metadata.phoneCall.callResult === (answered ? "answered" : placed.expected),
          `${where}: call_result ${conversation.metadata.phoneCall.callResult}`);
    check(answered === conversation.transcript.length > 0, `${where}: transcript`);
  }

  // The webhooks the fake sent, each verified and read by the SDK.
  await waitUntil("a webhook per call", () => webhooks.length >= dials.length);
  check(webhooks.length === dials.length, `${webhooks.length} webhooks for ${dials.length} calls`);
  for (const webhook of webhooks) {
    const event = await client.webhooks.constructEvent(webhook.body, webhook.signature,
                                                       webhookSecret);
    ++checks;
    const placed = dials.find((d) => d.conversationId === event.data?.conversation_id);
    check(placed, `a webhook for a conversation nobody placed: ${webhook.body}`);
    const where = `${event.type} webhook of ${placed.toNumber}`;
    check(Number.isInteger(event.event_timestamp), `${where}: event_timestamp`);
    if (placed.expected === "done") {
      check(event.type === "post_call_transcription", `${where}: type`);
      // Its data is GET's answer: read it as the SDK reads GET's.
      parseStrictly("GetConversationResponseModel", event.data, where);
      const data = schemas.GetConversationResponseModel.parseOrThrow(event.data, strictOptions);
      checkConversation(data, placed, where);
      check(data.status === "done", `${where}: status`);
    } else {
      check(event.type === "call_initiation_failure", `${where}: type`);
      check(event.data.agent_id === placed.agentId, `${where}: agent_id`);
      check(event.data.failure_reason === placed.expected.replace("_", "-"),
            `${where}: failure_reason ${event.data.failure_reason}`);
      check(event.data.metadata?.type === (placed.telephony === "twilio" ? "twilio" : "sip"),
            `${where}: metadata.type`);
    }
    await assert.rejects(client.webhooks.constructEvent(webhook.body, webhook.signature,
                                                        `${webhookSecret}-wrong`),
                         `${where}: verified with the wrong secret`);
    ++checks;
  }
  console.log(`sdk-check: OK, ${checks} checks, ${dials.length} calls, ${answers.length} answers ` +
              `read by @elevenlabs/elevenlabs-js`);
} catch (error) {
  console.error(`sdk-check: FAILED: ${error?.stack ?? error}`);
  const last = answers[answers.length - 1];
  if (last) console.error(`last answer (${last.status} ${last.url}): ${last.text}`);
  process.exitCode = 1;
} finally {
  receiver.close();
}
