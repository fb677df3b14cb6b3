// CAP: IRCv3 capability negotiation (LS [302], LIST, REQ, END); registration waits for END once started.
import type { IrcHub } from '../hub.js';
import { ERR } from '../numerics.js';
import { ACCOUNT_CAPABILITIES, CAPABILITIES, type Capability, type IrcSession } from '../session.js';
import { SASL_MECHANISMS } from './authenticate.js';
import { command } from './types.js';

/** The capabilities this server offers: the account ones only when it has accounts. */
function offered(hub: IrcHub): readonly Capability[] {
  return hub.ctx.access === undefined ? CAPABILITIES.filter((c) => !ACCOUNT_CAPABILITIES.has(c)) : CAPABILITIES;
}

function isCapability(hub: IrcHub, name: string): name is Capability {
  return (offered(hub) as readonly string[]).includes(name);
}

/** CAP LS: with version 302 or later, capabilities with values carry them (`sasl=PLAIN`). */
function lsList(hub: IrcHub, version: number): string {
  return offered(hub)
    .map((c) => (c === 'sasl' && version >= 302 ? `sasl=${SASL_MECHANISMS.join(',')}` : c))
    .join(' ');
}

/** `:server CAP target SUB :list`, the list always as a trailing parameter (as clients expect it). */
function capLine(server: string, session: IrcSession, sub: string, list: string): string {
  return `:${server} CAP ${session.target} ${sub} :${list.replaceAll('\0', '')}`;
}

export const CAP = command(
  (hub, session, message) => {
    const server = hub.settings.serverName;
    const sub = (message.params[0] ?? '').toUpperCase();
    switch (sub) {
      case 'LS':
        // IRCv3 capability-negotiation: LS before registration suspends it until CAP END.
        if (!session.member) session.capNegotiating = true;
        session.send(capLine(server, session, 'LS', lsList(hub, Number.parseInt(message.params[1] ?? '', 10) || 0)));
        return;
      case 'LIST':
        session.send(capLine(server, session, 'LIST', [...session.caps].join(' ')));
        return;
      case 'REQ': {
        if (!session.member) session.capNegotiating = true;
        const asked = (message.params[1] ?? '').trim();
        const items = asked.split(' ').filter((item) => item !== '');
        // All or nothing (IRCv3): one unknown name NAKs the whole request.
        const known = items.length > 0 && items.every((item) => isCapability(hub, item.startsWith('-') ? item.slice(1) : item));
        if (known) {
          for (const item of items) {
            const off = item.startsWith('-');
            session.setCap((off ? item.slice(1) : item) as Capability, !off);
          }
        }
        session.send(capLine(server, session, known ? 'ACK' : 'NAK', asked));
        return;
      }
      case 'END':
        if (!session.capNegotiating) return;
        session.capNegotiating = false;
        hub.tryRegister(session);
        return;
      default:
        session.reply(ERR.INVALIDCAPCMD, sub || '*', 'Invalid CAP command');
    }
  },
  { minParams: 1, beforeRegistration: true },
);
