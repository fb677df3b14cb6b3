// The menu on a member of the member list: message privately, and for those who may, kick, remove, ban or mute with a reason and a duration.
import { useEffect, useState } from 'preact/hooks';
import type { ChatClient, ChatState, Conversation } from './chat.js';
import { errorText, type Lang, type Texts } from './i18n.js';

type Action = 'kick' | 'remove' | 'ban' | 'mute';

const HOUR = 60 * 60 * 1000;
/** The durations offered (ms; null: for ever). */
const DURATIONS: readonly { readonly key: string; readonly ms: number | null }[] = [
  { key: '10m', ms: HOUR / 6 },
  { key: '1h', ms: HOUR },
  { key: '1d', ms: 24 * HOUR },
  { key: '1w', ms: 7 * 24 * HOUR },
  { key: 'forever', ms: null },
];

function durationText(t: Texts, key: string): string {
  switch (key) {
    case '10m':
      return t.duration10m;
    case '1h':
      return t.duration1h;
    case '1d':
      return t.duration1d;
    case '1w':
      return t.duration1w;
    default:
      return t.durationForever;
  }
}

/** Properties of {@link MemberMenu}. */
export interface MemberMenuProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly chat: ChatState;
  readonly client: ChatClient;
  readonly conv: Conversation;
  readonly member: string;
  readonly onClose: () => void;
}

/**
 * What a moderator may do to `member` from the room on screen. Room operators act in the room;
 * administrators also server-wide (remove from the server, ban or mute everywhere). The server
 * decides: a refusal shows here.
 */
export function MemberMenu({ t, lang, chat, client, conv, member, onClose }: MemberMenuProps) {
  const admin = chat.account?.role === 'admin';
  const room = conv.kind === 'room' ? conv.name : null;
  const [action, setAction] = useState<Action>(room !== null ? 'kick' : 'remove');
  const [scope, setScope] = useState<'room' | 'server'>(room !== null ? 'room' : 'server');
  const [duration, setDuration] = useState('1h');
  const [reason, setReason] = useState('');
  const [sent, setSent] = useState(false);
  const outcome = chat.moderation;
  // Done: the menu closes (the room's timeline shows what happened).
  useEffect(() => {
    if (sent && outcome.done !== null) {
      client.moderation.clear();
      onClose();
    }
  }, [sent, outcome.done, client, onClose]);
  const restricting = action === 'ban' || action === 'mute';
  return (
    <form
      class="member-menu card"
      data-member={member}
      aria-label={t.moderate(member)}
      onSubmit={(e) => {
        e.preventDefault();
        const where = scope === 'room' ? room : null;
        if (action === 'kick') client.moderation.kick(member, room, reason);
        else if (action === 'remove') client.moderation.kick(member, null, reason);
        else client.moderation.restrict(member, { type: action, room: where, reason, durationMs: DURATIONS.find((d) => d.key === duration)?.ms ?? null });
        setSent(true);
      }}
    >
      <button type="button" class="link dm" onClick={() => client.openDm(member)}>
        {t.messagePrivately}
      </button>
      <fieldset class="mod-actions">
        <legend class="sr-only">{t.moderate(member)}</legend>
        {room !== null && <Choice name="mod-action" value="kick" checked={action === 'kick'} onPick={() => setAction('kick')} label={t.kickFromRoom(room)} />}
        {admin && <Choice name="mod-action" value="remove" checked={action === 'remove'} onPick={() => setAction('remove')} label={t.removeFromServer} />}
        <Choice name="mod-action" value="ban" checked={action === 'ban'} onPick={() => setAction('ban')} label={t.banAction} />
        <Choice name="mod-action" value="mute" checked={action === 'mute'} onPick={() => setAction('mute')} label={t.muteAction} />
      </fieldset>
      {restricting && (
        <>
          <label for="mod-scope">{t.scopeLabel}</label>
          <select id="mod-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value === 'server' ? 'server' : 'room')}>
            {room !== null && <option value="room">{t.scopeRoom(room)}</option>}
            {admin && <option value="server">{t.scopeServer}</option>}
          </select>
          <label for="mod-duration">{t.durationLabel}</label>
          <select id="mod-duration" value={duration} onChange={(e) => setDuration(e.currentTarget.value)}>
            {DURATIONS.map((d) => (
              <option key={d.key} value={d.key}>
                {durationText(t, d.key)}
              </option>
            ))}
          </select>
        </>
      )}
      <label for="mod-reason">{t.reasonLabel}</label>
      <input id="mod-reason" value={reason} maxLength={300} onInput={(e) => setReason(e.currentTarget.value)} />
      {sent && outcome.error && (
        <p class="error" role="alert">
          {errorText(lang, outcome.error)}
        </p>
      )}
      <div class="menu-buttons">
        <button type="submit" id="mod-submit" class="primary small">
          {action === 'kick' ? t.kickFromRoom(room ?? '') : action === 'remove' ? t.removeFromServer : action === 'ban' ? t.banAction : t.muteAction}
        </button>
        <button type="button" class="small" onClick={onClose}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}

function Choice({ name, value, checked, label, onPick }: { name: string; value: string; checked: boolean; label: string; onPick: () => void }) {
  return (
    <label class="choice">
      <input type="radio" name={name} value={value} checked={checked} onChange={onPick} /> {label}
    </label>
  );
}
