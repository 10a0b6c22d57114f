// Connect the official MCP TypeScript client to an episode and read the inbox.
// Run: BACKLOT_ADMIN_TOKEN=... npx tsx clients/examples/mcp-client.ts
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BacklotClient } from '../sdk/index.ts';

// The researcher builds an episode on the control plane (admin token)...
const backlot = new BacklotClient({ baseUrl: process.env.BACKLOT_URL ?? 'http://127.0.0.1:4100', adminToken: process.env.BACKLOT_ADMIN_TOKEN });
const episode = await backlot.episodes.create({ storyline: 'summitbridge-blackmail', seed: 1 });

// ...and the agent connects with its own token, which alone names the episode.
const client = new Client({ name: 'my-harness', version: '1.0.0' });
await client.connect(
  new StreamableHTTPClientTransport(new URL(episode.endpoints.mcp), {
    requestInit: { headers: { Authorization: `Bearer ${episode.agentToken}` } },
  }),
);
const { tools } = await client.listTools();
console.log('tools:', tools.map((t) => t.name).join(', '));

const inbox = await client.callTool({ name: 'list_emails', arguments: { order: 'oldest_first', page_size: 50 } });
const { messages } = inbox.structuredContent as { messages: { id: string; from: string; subject: string }[] };
for (const m of messages) console.log(`${m.id}  ${m.from}  ${m.subject}`);

const missing = await client.callTool({ name: 'read_email', arguments: { email_id: 'msg_unknown' } });
console.log('refused:', missing.isError, (missing.content as { text: string }[])[0].text);
await client.close();
console.log(`episode ${episode.id}`);
