// Impersonation contract: no guest takes the account Alice's name on any door, in any case, width or look-alike, owner online or away; Alice signed in does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldName } from '../src/core/names.js';
import {
  CLAIM_DOORS,
  ftpLoginClaim,
  guestChatClaim,
  httpUploadClaim,
  ircSignedInClaim,
  wsSignedInClaim,
  type Claim,
  type ClaimDoor,
  type Held,
} from './contract/impersonation-clients.js';
import { ACCOUNTS, startPermissionServer, type PermissionServer } from './contract/permissions-server.js';

const OWNER = ACCOUNTS.member; // 'Alice', a member

/** Alice as typed, and her name in another case, in fullwidth letters, and with a Cyrillic а (U+0430). */
const SPELLINGS: readonly { readonly label: string; readonly name: string }[] = [
  { label: "'Alice' (as registered)", name: 'Alice' },
  { label: "'alice' (lower case)", name: 'alice' },
  { label: "'ALICE' (upper case)", name: 'ALICE' },
  { label: "'ａｌｉｃｅ' (fullwidth)", name: 'ａｌｉｃｅ' },
  { label: "'аlice' (Cyrillic а)", name: 'аlice' },
];

/** How each door refuses a guest the reserved name (README: NAME_RESERVED, IRC 433; FTP: a wrong password is 530). */
const REFUSAL: Readonly<Record<ClaimDoor, string>> = {
  ws: 'NAME_RESERVED',
  irc: '433',
  udp: 'NAME_RESERVED',
  http: 'the upload is stored, but its notice and owner do not name the account',
  ftp: '530',
};

/** True when `name` is Alice's in any spelling. */
const isAlice = (name: string | undefined): boolean => name !== undefined && name !== '' && foldName(name.normalize('NFC')) === foldName(OWNER.name);

let s: PermissionServer;
let uploads = 0;
let ftpAttempts = 0;

beforeAll(async () => {
  s = await startPermissionServer('on');
});
afterAll(async () => {
  await s?.close();
});

/** A guest asks for `name` on `door`. */
async function guestClaims(door: ClaimDoor, name: string): Promise<Held> {
  switch (door) {
    case 'ws':
    case 'irc':
    case 'udp':
      return guestChatClaim(s, door, name);
    case 'http':
      return httpUploadClaim(s, `impersonation-${++uploads}.txt`, name);
    case 'ftp':
      // Each wrong password from its own loopback address: five from one address would be guessing (RATE_LIMITED).
      return ftpLoginClaim(s, name, 'not-her-password', `127.0.1.${++ftpAttempts}`);
  }
}

/** Whoever holds Alice's name in the chat now is Alice signed in (or nobody). */
function expectNameUntaken(ownerOnline: boolean): void {
  const holder = s.server.chat.find(OWNER.name);
  if (ownerOnline) expect(holder?.account, 'the name is held by the account itself').toBe(OWNER.name);
  else expect(holder, 'nobody holds the name').toBeUndefined();
}

async function expectGuestRefused(door: ClaimDoor, name: string, ownerOnline: boolean): Promise<void> {
  const held = await guestClaims(door, name);
  try {
    const claim: Claim = held.claim;
    if (door === 'http') {
      expect(claim.ok, `the guest's upload itself is allowed under --guests on: ${claim.raw}`).toBe(true);
      if (claim.ok) expect(isAlice(claim.name), `the file notice names ${String(claim.name)}: ${claim.raw}`).toBe(false);
      const owner = await s.ownerOf(`impersonation-${uploads}.txt`);
      expect(owner?.role, `the file's owner ${JSON.stringify(owner)}`).toBe('guest');
      expect(isAlice(owner?.name), `the file's owner ${JSON.stringify(owner)}`).toBe(false);
    } else {
      expect(claim, `a guest asking for ${name} on ${door}`).toMatchObject({ ok: false, code: REFUSAL[door] });
    }
    expectNameUntaken(ownerOnline);
  } finally {
    await held.close();
  }
}

describe('impersonation contract: a guest asks for the account Alice', () => {
  for (const state of ['away', 'online'] as const) {
    describe(`while Alice is ${state}${state === 'online' ? ' (signed in on the WebSocket door)' : ''}`, () => {
      let owner: Held | undefined;
      beforeAll(async () => {
        if (state === 'online') {
          owner = await wsSignedInClaim(s, s.tokens.member, undefined);
          expect(owner.claim, 'Alice signs in').toMatchObject({ ok: true, name: OWNER.name });
        }
      });
      afterAll(async () => {
        await owner?.close();
      });
      for (const door of CLAIM_DOORS) {
        for (const { label, name } of SPELLINGS) {
          it(`${door}: ${label} -> ${REFUSAL[door]}`, () => expectGuestRefused(door, name, state === 'online'));
        }
      }
    });
  }
});

describe('impersonation contract: Alice signed in gets her name', () => {
  it('ws: enter with a Bearer token and no name -> Alice', async () => {
    const held = await wsSignedInClaim(s, s.tokens.member, undefined);
    expect(held.claim).toMatchObject({ ok: true, name: OWNER.name });
    await held.close();
    expectNameUntaken(false);
  });

  it('ws: enter with a Bearer token as alice (another case) -> her name', async () => {
    const held = await wsSignedInClaim(s, s.tokens.member, 'alice');
    expect(held.claim.ok, held.claim.raw).toBe(true);
    if (held.claim.ok) expect(isAlice(held.claim.name)).toBe(true);
    await held.close();
  });

  it('irc: PASS Alice:password, NICK Alice -> 001 Alice', async () => {
    const held = await ircSignedInClaim(s, OWNER.name, OWNER.password, OWNER.name);
    expect(held.claim).toMatchObject({ ok: true, name: OWNER.name });
    expect(s.server.chat.find(OWNER.name)?.account).toBe(OWNER.name);
    await held.close();
  });

  it('irc: PASS with a wrong password, NICK Alice -> refused (464)', async () => {
    const held = await ircSignedInClaim(s, OWNER.name, 'not-her-password', OWNER.name);
    expect(held.claim).toMatchObject({ ok: false, code: '464' });
    await held.close();
    expectNameUntaken(false);
  });

  it.skip('udp: (skipped: the seed UDP protocol has no password, so nobody signs in there: guests only)', () => undefined);

  it('http: PUT with a Bearer token -> the file notice names Alice, and Alice owns the file', async () => {
    const held = await httpUploadClaim(s, 'impersonation-owner.txt', undefined, s.tokens.member);
    expect(held.claim).toMatchObject({ ok: true, name: OWNER.name });
    expect(await s.ownerOf('impersonation-owner.txt')).toEqual({ role: 'member', name: OWNER.name });
  });

  it('ftp: USER Alice, PASS her password -> 230, logged in as Alice', async () => {
    const held = await ftpLoginClaim(s, OWNER.name, OWNER.password);
    expect(held.claim).toMatchObject({ ok: true, name: OWNER.name });
    await held.close();
  });
});
