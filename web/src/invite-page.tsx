// The invitation page (`join/SECRET`): what the link offers, then a name and password that make the account and sign in.
import { useEffect, useState } from 'preact/hooks';
import { peekInvitation, redeemInvitation, type InvitationInfo } from './account-api.js';
import { ApiError } from './api.js';
import { errorText, formatTime, type Lang, type Texts } from './i18n.js';
import type { WireAccount, WireError } from './protocol.js';

/** The invitation secret the address names (`join/SECRET` below the app's root), or null. */
export function invitationSecret(): string | null {
  const root = new URL('.', document.baseURI).pathname;
  if (!location.pathname.startsWith(root)) return null;
  const match = /^join\/([A-Za-z0-9_-]+)\/?$/u.exec(location.pathname.slice(root.length));
  return match?.[1] ?? null;
}

/** Properties of {@link InvitePage}. */
export interface InvitePageProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly secret: string;
  /** The account is made and this browser signed in as it. */
  readonly onJoined: (account: WireAccount) => void;
}

function asError(err: unknown): WireError {
  return err instanceof ApiError ? err : { code: 'NETWORK', message: String(err) };
}

/** GET /api/invitations/:secret, then POST it with a name and password. */
export function InvitePage({ t, lang, secret, onJoined }: InvitePageProps) {
  const [offer, setOffer] = useState<InvitationInfo | null>(null);
  const [refused, setRefused] = useState<WireError | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    peekInvitation(secret)
      .then(setOffer)
      .catch((err: unknown) => setRefused(asError(err)));
  }, [secret]);
  return (
    <form
      class="card enter invite"
      aria-labelledby="invite-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (busy || offer === null) return;
        setBusy(true);
        setError(null);
        redeemInvitation(secret, name.trim(), password)
          .then(onJoined)
          .catch((err: unknown) => setError(asError(err)))
          .finally(() => setBusy(false));
      }}
    >
      <h2 id="invite-title">{t.inviteTitle}</h2>
      {refused !== null ? (
        <p id="invite-refused" class="error" role="alert">
          {errorText(lang, refused)}
        </p>
      ) : offer === null ? (
        <p class="hint">{t.inviteChecking}</p>
      ) : (
        <>
          <p class="hint" id="invite-offer">
            {t.inviteOffer(offer.role, formatTime(lang, offer.expiresAt, 'date'))}
          </p>
          <label for="invite-name">{t.inviteName}</label>
          <input id="invite-name" value={name} autoComplete="username" autoCapitalize="off" spellcheck={false} required onInput={(e) => setName(e.currentTarget.value)} />
          <label for="invite-password">{t.invitePassword}</label>
          <input id="invite-password" type="password" value={password} autoComplete="new-password" required minLength={8} onInput={(e) => setPassword(e.currentTarget.value)} />
          {error && (
            <p id="invite-error" class="error" role="alert">
              {errorText(lang, error)}
            </p>
          )}
          <button type="submit" id="invite-submit" class="primary" disabled={busy}>
            {t.inviteButton}
          </button>
        </>
      )}
    </form>
  );
}
