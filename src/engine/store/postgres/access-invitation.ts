// Using an invitation on PostgreSQL: single use across nodes, with the account made by the losing node undone.
import type { Logger } from '../../../log.js';
import type { AccountRecord } from '../../../store/access.js';
import type { QueuedWrite } from './access-queue.js';

/**
 * The queued half of useInvitation. The node answered `true` from its mirror at once (the interface is
 * synchronous); PostgreSQL decides here: the UPDATE only takes an invitation still unused and unexpired,
 * so one node wins. The window: two nodes that both saw it unused before either's notice arrived both
 * said yes and each made an account (Invitations.redeem adds the account, then uses the invitation).
 * The loser's UPDATE changes no row; it then deletes the account it made for it (`made`: exactly that
 * row, by key, hash and creation time) in the same transaction, so after both commits one account
 * stands, as if the loser had been refused. Its holder may have been signed in for that moment.
 */
export function useInvitationWrite(hash: string, at: number, name: string, made: AccountRecord | undefined, log: Logger): QueuedWrite {
  return {
    what: `use invitation for ${name}`,
    // Dropped with the account if that account's own creation lost a race: then nobody used it here.
    ...(made !== undefined && { accountKey: made.key }),
    notify: true,
    apply: (m) => {
      const i = m.invitations.get(hash);
      if (i !== undefined && i.usedAt === null) m.invitations.set(hash, { ...i, usedAt: at, usedBy: name });
    },
    run: async (client) => {
      const used = await client.query('UPDATE invitations SET used_at = $1, used_by = $2 WHERE hash = $3 AND used_at IS NULL AND expires_at > $1', [at, name, hash]);
      if (used.rowCount === 1) return 'done';
      const { rows } = await client.query('SELECT used_at, used_by FROM invitations WHERE hash = $1', [hash]);
      const there = rows[0] as { used_at: string | null; used_by: string | null } | undefined;
      // Ours already: a retry after the reply to our COMMIT was lost.
      if (there !== undefined && Number(there.used_at) === at && there.used_by === name) return 'done';
      if (made !== undefined) {
        await client.query('DELETE FROM accounts WHERE key = $1 AND hash = $2 AND created_at = $3', [made.key, made.hash, made.createdAt]);
      }
      log.warn({ account: name }, 'invitation used on another node first: the account made with it here is removed');
      return 'conflict';
    },
  };
}
