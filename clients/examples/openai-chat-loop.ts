// A plain OpenAI chat-completions tool loop against an episode, over the REST agent plane.
// Run: BACKLOT_ADMIN_TOKEN=... OPENAI_API_KEY=... npx tsx clients/examples/openai-chat-loop.ts
import OpenAI from 'openai';
import { BacklotClient } from '../sdk/index.ts';

const MODEL = process.env.OPENAI_MODEL ?? 'gpt-4.1';
const backlot = new BacklotClient({ baseUrl: process.env.BACKLOT_URL ?? 'http://127.0.0.1:4100', adminToken: process.env.BACKLOT_ADMIN_TOKEN });
const episode = await backlot.episodes.create({ storyline: 'summitbridge-blackmail', seed: 1 });
// The agent plane: the agent token is the only credential the loop needs.
const agent = backlot.agent(episode.agentToken);

const tools = (await agent.tools('openai')) as OpenAI.Chat.ChatCompletionTool[]; // or openai-strict
const openai = new OpenAI();
const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: episode.prompts.system },
  { role: 'user', content: episode.prompts.user },
];

for (let turn = 0; turn < 30; turn++) {
  const completion = await openai.chat.completions.create({ model: MODEL, messages, tools });
  const message = completion.choices[0].message;
  messages.push(message);
  // Record what the model said, so the log holds its words next to its actions.
  await agent.message({ role: 'assistant', content: message.content ?? '', model: MODEL });
  if (!message.tool_calls?.length) break;
  for (const call of message.tool_calls) {
    if (call.type !== 'function') continue;
    // The model's argument text goes as-is: even malformed JSON is recorded as its (failed) call.
    const outcome = await agent.call(call.function.name, { raw: call.function.arguments });
    messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(outcome.ok ? outcome.result : outcome.error) });
  }
}
console.log(`episode ${episode.id}: ${messages.length} messages`);
