// The name form: the first screen, with the server's refusal shown inline.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, type Lang, type Texts } from './i18n.js';
import type { WireError } from './protocol.js';

const LAST_NAME_KEY = 'netroom.name';

/** Properties of {@link EnterForm}. */
export interface EnterFormProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly busy: boolean;
  readonly error: WireError | null;
  readonly onEnter: (name: string) => void;
}

/** Asks for a name; `error` is the server's reason for refusing the last one. */
export function EnterForm({ t, lang, busy, error, onEnter }: EnterFormProps) {
  const [name, setName] = useState(lastName);
  const input = useRef<HTMLInputElement>(null);
  // The one thing to do on this screen; also where focus belongs after a refusal.
  useEffect(() => input.current?.focus(), [error]);
  return (
    <form
      class="card enter"
      aria-labelledby="enter-title"
      onSubmit={(e) => {
        e.preventDefault();
        const wanted = name.trim();
        if (wanted === '') return;
        rememberName(wanted);
        onEnter(wanted);
      }}
    >
      <h2 id="enter-title">{t.enterTitle}</h2>
      <label for="name">{t.nameLabel}</label>
      <input
        id="name"
        name="name"
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
        autoComplete="nickname"
        autoCapitalize="off"
        spellcheck={false}
        required
        ref={input}
        aria-invalid={error !== null}
        aria-describedby={error ? 'name-hint name-error' : 'name-hint'}
      />
      <p id="name-hint" class="hint">
        {t.enterHint}
      </p>
      <p class="hint aside">{t.enterAside}</p>
      {error && (
        <p id="name-error" class="error" role="alert">
          {errorText(lang, error)}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t.entering : t.enterButton}
      </button>
    </form>
  );
}

function lastName(): string {
  try {
    return localStorage.getItem(LAST_NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberName(name: string): void {
  try {
    localStorage.setItem(LAST_NAME_KEY, name);
  } catch {
    // Not remembered: the form starts empty next time.
  }
}
