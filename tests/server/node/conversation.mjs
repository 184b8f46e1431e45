// A conversation through the official openai Node SDK against the fake's HTTP server:
// create an assistant, a thread and a message, stream a run, list the messages.
// Prints one JSON line the Python test checks. Usage: node conversation.mjs URL
import { AzureOpenAI } from "openai";

const client = new AzureOpenAI({
  endpoint: process.argv[2],
  apiKey: "any",
  apiVersion: "2025-04-01-preview",
  maxRetries: 0,
  timeout: 10000,
});

const assistant = await client.beta.assistants.create({ model: "gpt-4o", name: "node" });
const thread = await client.beta.threads.create();
await client.beta.threads.messages.create(thread.id, { role: "user", content: "Hi from Node" });
const events = [];
const deltas = [];
const stream = client.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id });
stream.on("event", (event) => events.push(event.event));
stream.on("textDelta", (delta) => deltas.push(delta.value));
const run = await stream.finalRun();
const messages = await client.beta.threads.messages.list(thread.id, { order: "asc" });
console.log(
  JSON.stringify({
    assistant: assistant.id,
    status: run.status,
    events,
    deltas,
    texts: messages.data.map((m) => m.content[0].text.value),
  }),
);
