// The message box: Enter sends, `@name` completion, typing indicators, files pasted or dropped, a character counter near the limit, refusals under it.
import type { Ref } from 'preact';
import { useEffect } from 'preact/hooks';
import { messageLength } from './chat-items.js';
import { MAX_MESSAGE, currentConv, type ChatClient, type ChatState } from './chat.js';
import { useComposerShare } from './composer-share.js';
import { errorText, type Lang, type Texts } from './i18n.js';
import { MentionList, useMentionCompletion } from './mentions-complete.js';
import { TypingLine } from './typing-line.js';

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
  const conv = currentConv(chat);
  const completion = useMentionCompletion(conv?.members ?? [], chat.name, draft, setDraft, box);
  const share = useComposerShare(t, lang, chat.name, conv);
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
      class={`composer${share.dragging ? ' dragging' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      onDragOver={share.onDragOver}
      onDragLeave={share.onDragLeave}
      onDrop={share.onDrop}
    >
      <TypingLine t={t} typing={client.typing} convKey={chat.current} />
      <MentionList t={t} completion={completion} />
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
        {...completion.boxProps}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          completion.look(e.currentTarget);
          client.composer.typed(e.currentTarget.value);
        }}
        onClick={(e) => completion.look(e.currentTarget)}
        onBlur={() => completion.close()}
        onPaste={share.onPaste}
        onKeyDown={(e) => {
          if (completion.key(e)) return;
          // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition (Chinese
          // input) must not send the half-typed text.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
            e.preventDefault();
            send();
          }
        }}
        onKeyUp={(e) => {
          // The caret moved by keys: the mention under it (if any) is what completion offers.
          if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) completion.look(e.currentTarget);
        }}
      />
      <button type="submit" class="primary" disabled={chat.status !== 'in' || disabled}>
        {t.send}
      </button>
      {share.dragging && conv?.kind === 'room' && (
        <p class="drop-hint" aria-hidden="true">
          {t.dropToShare(conv.name)}
        </p>
      )}
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
      {share.refused !== null && (
        <p id="share-error" class="error" role="alert">
          {share.refused}
        </p>
      )}
      <div class="composer-uploads">{share.list}</div>
    </form>
  );
}
