// The bans and mutes in force (of a room for its operators, all of them for administrators), each with Unban or Unmute.
import type { ChatClient, ChatState } from './chat.js';
import { errorText, formatTime, type Lang, type Texts } from './i18n.js';

/** Properties of {@link BansPanel}. */
export interface BansPanelProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly chat: ChatState;
  readonly client: ChatClient;
}

/** Shown while `chat.restrictions` is open; the list comes from the `restrictions` request. */
export function BansPanel({ t, lang, chat, client }: BansPanelProps) {
  const open = chat.restrictions;
  if (open === null) return null;
  const list = open.list;
  return (
    <section class="card panel bans" aria-labelledby="bans-title">
      <div class="panel-head">
        <h2 id="bans-title">{t.bansTitle(open.room)}</h2>
        <button type="button" class="small" onClick={() => client.moderation.close()}>
          {t.close}
        </button>
      </div>
      {chat.moderation.error && (
        <p class="error" role="alert">
          {errorText(lang, chat.moderation.error)}
        </p>
      )}
      {list === null ? (
        <p class="hint">{t.loading}</p>
      ) : list.length === 0 ? (
        <p class="hint">{t.noBans}</p>
      ) : (
        <ul class="restrictions">
          {list.map((r) => (
            <li key={r.id} data-type={r.type} data-value={r.value}>
              <span class="what">{t.banRow(r.type, r.value, r.room)}</span>
              <span class="hint">{t.banBy(r.by, r.until === null ? null : formatTime(lang, r.until, 'date'), r.reason)}</span>
              <button type="button" class="small lift" onClick={() => client.moderation.lift(r)}>
                {r.type === 'ban' ? t.unban : t.unmute}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
