// The chat contract suite against the seed UDP door, through a raw dgram client (errors come back as text).
import { chatContract, type ContractHarness, type HarnessOptions } from './contract/chat-contract.js';
import { UDP_CAPABILITIES, udpChatClient } from './contract/chat-udp.js';
import { startUdpRig } from './helpers/udp.js';

async function harness(options: HarnessOptions): Promise<ContractHarness> {
  const rig = await startUdpRig({ flood: options.flood });
  const sockets: (() => void)[] = [];
  return {
    async client() {
      const { client, close } = await udpChatClient(rig.port);
      sockets.push(close);
      return client;
    },
    announceFromServer: (text) => rig.chat.announce(text),
    async close() {
      await rig.close();
      sockets.forEach((close) => close());
    },
  };
}

chatContract('UDP door', harness, UDP_CAPABILITIES);
