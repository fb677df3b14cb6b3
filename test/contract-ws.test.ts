// The chat contract suite against the WebSocket door (bare Fastify + wsPlugin, SQLite history, port 0).
import { chatContract, type ContractHarness, type HarnessOptions } from './contract/chat-contract.js';
import { wsChatClient } from './contract/chat-ws.js';
import { startWsRig } from './helpers/ws.js';

async function harness(options: HarnessOptions): Promise<ContractHarness> {
  const rig = await startWsRig({ flood: options.flood, history: true });
  return {
    async client() {
      // The adapter may miss `hello` (it can arrive with the upgrade); it needs only later messages.
      return wsChatClient(await rig.client());
    },
    announceFromServer: (text) => rig.chat.announce(text),
    close: () => rig.close(),
  };
}

chatContract('WebSocket door', harness);
