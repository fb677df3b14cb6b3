// The chat contract suite against the IRC door, through a raw IRC client (CAP server-time, #lobby).
import { chatContract, type ContractHarness, type HarnessOptions } from './contract/chat-contract.js';
import { IRC_CAPABILITIES, ircChatClient } from './contract/chat-irc.js';
import { startIrcRig } from './helpers/irc.js';

async function harness(options: HarnessOptions): Promise<ContractHarness> {
  const rig = await startIrcRig({ flood: options.flood });
  const sockets: (() => void)[] = [];
  return {
    async client() {
      const { client, close } = await ircChatClient(rig.port);
      sockets.push(close);
      return client;
    },
    announceFromServer: (text) => rig.chat.announce(text),
    async close() {
      sockets.forEach((close) => close());
      await rig.close();
    },
  };
}

chatContract('IRC door', harness, IRC_CAPABILITIES);
