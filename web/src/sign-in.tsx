// The sign-in form beside "enter as a guest", and the card a signed-in visitor enters from.
import { useState } from 'preact/hooks';
import { signIn } from './account-api.js';
import { ApiError } from './api.js';
import { errorText, type Lang, type Texts } from './i18n.js';
import type { WireAccount, WireError } from './protocol.js';

/** Properties of {@link SignInForm}. */
export interface SignInFormProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly onSignedIn: (account: WireAccount) => void;
}

/** Name and password; POST /api/session sets the cookie, then the app reconnects the chat signed in. */
export function SignInForm({ t, lang, onSignedIn }: SignInFormProps) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WireError | null>(null);
  return (
    <form
      class="card enter sign-in"
      aria-labelledby="signin-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (busy || name.trim() === '' || password === '') return;
        setBusy(true);
        setError(null);
        signIn(name.trim(), password)
          .then((account) => {
            setPassword('');
            onSignedIn(account);
          })
          .catch((err: unknown) => setError(err instanceof ApiError ? err : { code: 'NETWORK', message: String(err) }))
          .finally(() => setBusy(false));
      }}
    >
      <h2 id="signin-title">{t.signInTitle}</h2>
      <p class="hint">{t.signInHint}</p>
      <label for="signin-name">{t.accountName}</label>
      <input id="signin-name" value={name} autoComplete="username" autoCapitalize="off" spellcheck={false} required onInput={(e) => setName(e.currentTarget.value)} />
      <label for="signin-password">{t.password}</label>
      <input
        id="signin-password"
        type="password"
        value={password}
        autoComplete="current-password"
        required
        aria-invalid={error !== null}
        aria-describedby={error ? 'signin-error' : undefined}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      {error && (
        <p id="signin-error" class="error" role="alert">
          {errorText(lang, error)}
        </p>
      )}
      <button type="submit" id="signin-submit" class="primary" disabled={busy}>
        {busy ? t.signingIn : t.signInButton}
      </button>
    </form>
  );
}

/** Properties of {@link AccountEnter}. */
export interface AccountEnterProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly account: WireAccount;
  readonly busy: boolean;
  readonly error: WireError | null;
  readonly onEnter: () => void;
}

/** Signed in, not in the chat: one button enters under the account's name. */
export function AccountEnter({ t, lang, account, busy, error, onEnter }: AccountEnterProps) {
  return (
    <section class="card enter account-enter" aria-labelledby="account-enter-title">
      <h2 id="account-enter-title">{t.enterTitle}</h2>
      <p class="hint">{t.signedInAs(account.name, account.role)}</p>
      {error && (
        <p id="name-error" class="error" role="alert">
          {errorText(lang, error)}
        </p>
      )}
      <button type="button" id="enter-account" class="primary" disabled={busy} onClick={onEnter}>
        {busy ? t.entering : t.enterAs(account.name)}
      </button>
    </section>
  );
}
