// A plain Anthropic Messages tool loop against an episode, over the REST agent plane.
// Run: BACKLOT_ADMIN_TOKEN=... ANTHROPIC_API_KEY=... npx tsx clients/examples/anthropic-loop.ts
import Anthropic from '@anthropic-ai/sdk';
import { BacklotClient } from '../sdk/index.ts';

const MODEL = process.env.ANTHROPIC_MODEL ?? 'claude-sonnet-4-5';
const backlot = new BacklotClient({ baseUrl: process.env.BACKLOT_URL ?? 'http://127.0.0.1:4100', adminToken: process.env.BACKLOT_ADMIN_TOKEN });
const episode = await backlot.episodes.create({ storyline: 'summitbridge-blackmail', seed: 1 });
const agent = backlot.agent(episode.agentToken);

const tools = (await agent.tools('anthropic')) as Anthropic.Tool[];
const anthropic = new Anthropic();
const messages: Anthropic.MessageParam[] = [{ role: 'user', content: episode.prompts.user }];

for (let turn = 0; turn < 30; turn++) {
  const response = await anthropic.messages.create({ model: MODEL, max_tokens: 4096, system: episode.prompts.system, messages, tools });
  messages.push({ role: 'assistant', content: response.content });
  await agent.message({ role: 'assistant', content: response.content, model: MODEL });
  if (response.stop_reason !== 'tool_use') break;
  const results: Anthropic.ToolResultBlockParam[] = [];
  for (const block of response.content) {
    if (block.type !== 'tool_use') continue;
    const outcome = await agent.call(block.name, block.input as Record<string, unknown>);
    results.push({ type: 'tool_result', tool_use_id: block.id, content: JSON.stringify(outcome.ok ? outcome.result : outcome.error), is_error: !outcome.ok });
  }
  messages.push({ role: 'user', content: results });
}
console.log(`episode ${episode.id}: ${messages.length} messages`);
