// Shared by PASV and EPSV: take a listener from the pool for this session (425 when none is free).
import { NoPassivePort, type PassiveListener } from '../passive.js';
import type { FtpSession } from '../session.js';

/** Open a passive listener for the session's next transfer, replacing any earlier one; null after a 425. */
export async function openPassive(s: FtpSession): Promise<PassiveListener | null> {
  s.setData(null); // free the previous listener's port first
  try {
    const listener = await s.shared.pool.open(s.localHost, s.remoteHost, s.options.dataTimeoutMs);
    s.setData({ kind: 'passive', listener });
    return listener;
  } catch (err) {
    if (!(err instanceof NoPassivePort)) s.log.warn({ err }, 'passive listener failed');
    s.reply(425, `Cannot open a passive port: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}
