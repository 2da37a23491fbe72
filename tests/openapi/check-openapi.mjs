// docs/openapi.json checked (ctest runs this through run.sh):
//   node check-openapi.mjs <openapi.json> [<base URL of a running server> <its admin key>]
// 1. It is valid OpenAPI 3.1 (the official 3.1 schema, by @seriousme/openapi-schema-validator).
// 2. Every internal $ref resolves.
// 3. Every example of a request body, a response or a schema is valid against its own schema
//    (Ajv, JSON Schema 2020-12, OpenAPI 3.1's dialect), so the seed's bodies shown as examples
//    are bodies the document says the API takes.
// 4. With a server: real answers of each route (check-responses.mjs) have a status the document
//    lists for the route and a body that matches that answer's schema.
import { readFileSync } from "node:fs";
import { checkResponses } from "./check-responses.mjs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const path = process.argv[2];
if (!path) {
  console.error("usage: node check-openapi.mjs <openapi.json>");
  process.exit(2);
}
const document = JSON.parse(readFileSync(path, "utf8"));
let failures = 0;
const fail = (message) => {
  console.error(`FAIL: ${message}`);
  failures += 1;
};
const exitIfFailed = () => {
  if (failures === 0) return;
  console.error(`${failures} problem(s) in ${path}`);
  process.exit(1);
};

if (document.openapi !== "3.1.0") fail(`"openapi" is ${JSON.stringify(document.openapi)}, not "3.1.0"`);

const validator = new Validator();
const result = await validator.validate(structuredClone(document));
if (!result.valid) {
  fail(`not valid OpenAPI ${validator.version ?? "3.1"}:\n${JSON.stringify(result.errors, null, 2)}`);
}

// Internal references: each "#/a/b" must name a node of the document.
const resolvePointer = (pointer) =>
  pointer
    .slice(2)
    .split("/")
    .map((part) => decodeURIComponent(part).replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((node, part) => (node === undefined ? undefined : node[part]), document);
const visit = (node, where, onNode) => {
  if (node === null || typeof node !== "object") return;
  onNode(node, where);
  for (const [key, child] of Object.entries(node)) visit(child, `${where}/${key}`, onNode);
};
visit(document, "#", (node, where) => {
  if (typeof node.$ref !== "string") return;
  if (!node.$ref.startsWith("#/")) fail(`${where}: external $ref ${node.$ref}`);
  else if (resolvePointer(node.$ref) === undefined) fail(`${where}: $ref ${node.$ref} names nothing`);
});

exitIfFailed();  // the examples need a valid document with resolvable references

// Examples against their schemas, references resolved by Ajv through the document's own id.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const documentId = "https://voice-orchestrator.invalid/openapi.json";
ajv.addSchema({ $id: documentId, components: document.components }, documentId);
// A schema inside the document: its "#/components/..." references made relative to the document.
const rebased = (schema) =>
  JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', `"$ref":"${documentId}#/`));
const checkExample = (schema, value, where) => {
  const validate = ajv.compile(rebased(schema));
  if (!validate(value)) {
    fail(`${where}: the example does not match its schema: ${ajv.errorsText(validate.errors)}`);
  }
};
let examplesChecked = 0;
visit(document, "#", (node, where) => {
  // A media type object: {schema, example?, examples?}.
  if (node.schema && (node.examples || node.example !== undefined) && !Array.isArray(node.examples)) {
    const examples = node.examples ? Object.entries(node.examples) : [["example", { value: node.example }]];
    for (const [name, example] of examples) {
      const value = example.$ref ? resolvePointer(example.$ref).value : example.value;
      checkExample(node.schema, value, `${where}/examples/${name}`);
      examplesChecked += 1;
    }
  }
  // A schema with JSON Schema's own examples array.
  if (Array.isArray(node.examples) && (node.type || node.properties || node.pattern)) {
    node.examples.forEach((value, index) => {
      const { examples, ...schema } = node;
      checkExample(schema, value, `${where}/examples/${index}`);
      examplesChecked += 1;
    });
  }
});

const operations = Object.values(document.paths).reduce(
  (count, item) => count + Object.keys(item).filter((key) => key !== "parameters").length,
  0,
);
exitIfFailed();
const [baseUrl, adminKey] = process.argv.slice(3);
if (baseUrl) {
  const answers = await checkResponses({ document, baseUrl, adminKey, ajv, rebased, resolvePointer, fail });
  exitIfFailed();
  console.log(`${answers} answers of ${baseUrl} match the document`);
}
console.log(
  `${path}: valid OpenAPI ${validator.version}, ${operations} operations, ` +
    `${examplesChecked} examples match their schemas`,
);
