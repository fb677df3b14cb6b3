// "Sessions and tokens": the browsers signed in as the account and its API tokens, revocable; a new token shown once.
import { useEffect, useState } from 'preact/hooks';
import { createToken, listCredentials, revokeCredential, type CredentialRow } from './account-api.js';
import { ApiError } from './api.js';
import { errorText, formatTime, type Lang, type Texts } from './i18n.js';
import type { WireError } from './protocol.js';

/** Properties of {@link SessionsPanel}. */
export interface SessionsPanelProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly onClose: () => void;
  /** This browser's own session was revoked: it is signed out. */
  readonly onSignedOut: () => void;
}

function asError(err: unknown): WireError {
  return err instanceof ApiError ? err : { code: 'NETWORK', message: String(err) };
}

/** The list (GET /api/sessions), revoke (DELETE /api/sessions/:id), and a new token (POST /api/tokens). */
export function SessionsPanel({ t, lang, onClose, onSignedOut }: SessionsPanelProps) {
  const [rows, setRows] = useState<readonly CredentialRow[] | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const [label, setLabel] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const reload = (): void => {
    listCredentials()
      .then(setRows)
      .catch((err: unknown) => setError(asError(err)));
  };
  useEffect(reload, []);
  const revoke = (row: CredentialRow): void => {
    setError(null);
    revokeCredential(row.id)
      .then(() => (row.current ? onSignedOut() : reload()))
      .catch((err: unknown) => setError(asError(err)));
  };
  return (
    <section class="card panel sessions" aria-labelledby="sessions-title">
      <div class="panel-head">
        <h2 id="sessions-title">{t.sessionsTitle}</h2>
        <button type="button" class="small" onClick={onClose}>
          {t.close}
        </button>
      </div>
      <p class="hint">{t.sessionsHint}</p>
      {error && (
        <p class="error" role="alert">
          {errorText(lang, error)}
        </p>
      )}
      {rows === null ? (
        <p class="hint">{t.loading}</p>
      ) : rows.length === 0 ? (
        <p class="hint">{t.noSessions}</p>
      ) : (
        <ul class="credentials">
          {rows.map((row) => {
            const what = `${row.kind === 'session' ? t.kindSession : t.kindToken}${row.label === '' ? '' : ` “${row.label}”`}`;
            return (
              <li key={row.id} data-id={row.id} data-kind={row.kind} class={row.current ? 'current' : undefined}>
                <span class="what">
                  {what}
                  {row.current && <span class="tag"> {t.thisBrowser}</span>}
                </span>
                <span class="when hint">
                  {t.createdAt(formatTime(lang, row.createdAt, 'date'))}
                  {row.lastUsedAt !== null && ` · ${t.lastUsed(formatTime(lang, row.lastUsedAt, 'date'))}`}
                  {row.expiresAt !== null && ` · ${t.expires(formatTime(lang, row.expiresAt, 'date'))}`}
                </span>
                <button type="button" class="small revoke" aria-label={t.revokeLabel(what)} onClick={() => revoke(row)}>
                  {t.revoke}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form
        class="new-token"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          createToken(label.trim())
            .then((made) => {
              setSecret(made.token);
              setLabel('');
              reload();
            })
            .catch((err: unknown) => setError(asError(err)));
        }}
      >
        <label for="token-label">{t.newToken}</label>
        <div class="join-row">
          <input id="token-label" value={label} placeholder={t.tokenPlaceholder} aria-label={t.tokenLabel} onInput={(e) => setLabel(e.currentTarget.value)} />
          <button type="submit" id="token-create" class="small">
            {t.createToken}
          </button>
        </div>
      </form>
      {secret !== null && (
        <div class="token-once" role="status">
          <p>{t.tokenOnce}</p>
          <input id="token-secret" readOnly value={secret} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
    </section>
  );
}
