// The official JavaScript SDKs as clients of the FlexiAI emulator — a check outside the .NET suite.
// Usage: start the emulator (dotnet run --project src/FlexiAI.Emulator -- --port 5611), then
//        npm install && EMULATOR=http://127.0.0.1:5611 node check.mjs
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';

const base = process.env.EMULATOR ?? 'http://127.0.0.1:5611';
const fault = (name, body) => fetch(`${base}/_emulator/${name}/faults`, { method: 'POST', body: JSON.stringify(body) });
const reply = (name, said) => `Hello from ${name}. You said: "${said}". This is a deterministic reply from the FlexiAI emulator.`;
const weather = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

// OpenAI
const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${base}/openai/v1`, maxRetries: 0 });
const o = await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hi' }] });
assert.equal(o.choices[0].message.content, reply('openai', 'Hi'));
let text = ''; let usage;
for await (const c of await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } })) {
  text += c.choices[0]?.delta?.content ?? ''; usage = c.usage ?? usage;
}
assert.equal(text, reply('openai', 'Hi')); assert.ok(usage.total_tokens > 0);
let args = '';
for await (const c of await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'weather' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: weather } }], tool_choice: 'required', stream: true })) {
  args += c.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '';
}
assert.deepEqual(JSON.parse(args), { city: 'Paris' });
await fault('openai', { kind: 'status', status: 429, retry_after: 2 });
await assert.rejects(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }), e => e.status === 429 && e.constructor.name === 'RateLimitError');
console.log('openai: ok');

// Anthropic
const anthropic = new Anthropic({ apiKey: 'k', baseURL: `${base}/anthropic`, maxRetries: 0 });
const a = await anthropic.messages.create({ model: 'claude-opus-4-1', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
assert.equal(a.content[0].text, reply('anthropic', 'Hi')); assert.equal(a.stop_reason, 'end_turn');
const s = anthropic.messages.stream({ model: 'claude-opus-4-1', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
let at = ''; s.on('text', t => at += t);
assert.equal((await s.finalMessage()).stop_reason, 'end_turn'); assert.equal(at, reply('anthropic', 'Hi'));
const ts = anthropic.messages.stream({ model: 'claude-opus-4-1', max_tokens: 100, tool_choice: { type: 'any' }, tools: [{ name: 'get_weather', input_schema: weather }], messages: [{ role: 'user', content: 'weather' }] });
assert.deepEqual((await ts.finalMessage()).content[0].input, { city: 'Paris' });
await fault('anthropic', { kind: 'status', status: 529 });
await assert.rejects(anthropic.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] }), e => e.status === 529);
await fault('anthropic', { kind: 'stream_error', after_chunks: 2, status: 529 });
await assert.rejects(anthropic.messages.stream({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage(), /overloaded_error/);
console.log('anthropic: ok');

// Vertex AI through @google/genai: project mode with an access token, and API-key express mode
const token = new OAuth2Client(); token.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3600e3 });
for (const genai of [
  new GoogleGenAI({ vertexai: true, project: 'p', location: 'us-central1', httpOptions: { baseUrl: `${base}/vertexai` }, googleAuthOptions: { authClient: token } }),
  new GoogleGenAI({ vertexai: true, apiKey: 'AIza-test', httpOptions: { baseUrl: `${base}/vertexai` } }),
]) {
  const g = await genai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hi' });
  assert.equal(g.text, reply('vertexai', 'Hi')); assert.equal(g.candidates[0].finishReason, 'STOP');
  let gt = ''; let last;
  for await (const c of await genai.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'Hi' })) { gt += c.text ?? ''; last = c; }
  assert.equal(gt, reply('vertexai', 'Hi')); assert.ok(last.usageMetadata.totalTokenCount > 0);
  const f = await genai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'weather', config: { tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: weather }] }], toolConfig: { functionCallingConfig: { mode: 'ANY' } } } });
  assert.deepEqual(f.functionCalls[0].args, { city: 'Paris' });
}
await fault('vertexai', { kind: 'stream_error', status: 503, after_chunks: 2 });
await assert.rejects((async () => { for await (const _ of await new GoogleGenAI({ vertexai: true, apiKey: 'k', httpOptions: { baseUrl: `${base}/vertexai` } }).models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'x' })) { } })(), /UNAVAILABLE/);
console.log('vertexai (@google/genai): ok');
