// The message box: Enter sends, a character counter near the room's limit, refusals shown under it.
import type { Ref } from 'preact';
import { useEffect } from 'preact/hooks';
import { messageLength } from './chat-items.js';
import { MAX_MESSAGE, type ChatClient, type ChatState } from './chat.js';
import { errorText, type Lang, type Texts } from './i18n.js';

/** The counter appears from here on: far enough ahead to shorten, out of the way for usual messages. */
const COUNTER_FROM = MAX_MESSAGE - 200;

/** Properties of {@link Composer}. */
export interface ComposerProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly chat: ChatState;
  readonly client: ChatClient;
  readonly draft: string;
  readonly setDraft: (text: string) => void;
  readonly box: Ref<HTMLTextAreaElement>;
  /** Nothing on screen to write to. */
  readonly disabled?: boolean;
}

/** The composer; the draft lives in the chat pane, so a refused line can be put back here to edit. */
export function Composer({ t, lang, chat, client, draft, setDraft, box, disabled = false }: ComposerProps) {
  const length = messageLength(draft);
  const over = length > MAX_MESSAGE;
  // "Too long" is over once the text is short enough again; the error must not outlive that.
  useEffect(() => {
    if (!over && chat.sayError?.code === 'MESSAGE_TOO_LONG') client.composer.clearSayError();
  }, [over, chat.sayError, client]);

  const send = (): void => {
    if (draft.trim() === '') return;
    if (client.composer.say(draft)) setDraft('');
  };
  const described = [length >= COUNTER_FROM ? 'say-count' : '', chat.sayError ? 'say-error' : ''].filter(Boolean).join(' ');
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label for="composer" class="sr-only">
        {t.messageLabel}
      </label>
      <textarea
        id="composer"
        ref={box}
        rows={2}
        value={draft}
        placeholder={t.messagePlaceholder}
        aria-invalid={over}
        aria-describedby={described === '' ? undefined : described}
        onInput={(e) => setDraft(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition (Chinese
          // input) must not send the half-typed text.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
            e.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" class="primary" disabled={chat.status !== 'in' || disabled}>
        {t.send}
      </button>
      {length >= COUNTER_FROM && (
        <p id="say-count" class={`count${over ? ' over' : ''}`} aria-live="polite">
          {t.charCount(length, MAX_MESSAGE)}
        </p>
      )}
      {chat.sayError && (
        <p id="say-error" class="error" role="alert">
          {errorText(lang, chat.sayError)}
        </p>
      )}
    </form>
  );
}
