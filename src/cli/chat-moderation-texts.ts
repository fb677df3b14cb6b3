// The terminal WebSocket chat's texts about accounts and moderation (signed in, removed, bans), English and Chinese.
import type { Lang } from '../core/i18n.js';
import type { WireRestriction } from '../doors/ws/messages.js';
import { when } from './account-io.js';

/** What the chat says about signing in and moderation. */
export interface ModerationTexts {
  readonly signedIn: (name: string, role: string) => string;
  /** The server removed us (code KICKED or BANNED): the reason, and that we stay away. */
  readonly removed: (code: string, reason: string) => string;
  /** We were put out of a room (kicked, banned from it). */
  readonly outOf: (room: string, now: string | null) => string;
  readonly bans: (room: string, list: readonly WireRestriction[]) => string;
}

const EN: ModerationTexts = {
  signedIn: (name, role) => `signed in as ${name} (${role}) with the stored token; netroom logout to chat as a guest`,
  removed: (code, reason) => `*** ${code === 'BANNED' ? 'BANNED' : 'KICKED'}: ${reason} (not reconnecting)`,
  outOf: (room, now) => `(you are no longer in ${room}${now === null ? '; /join #room' : `; now in ${now}`})`,
  bans: (room, list) =>
    list.length === 0
      ? `(no bans or mutes in ${room})`
      : [`bans and mutes in ${room} (${list.length}):`, ...list.map((r) => `  ${r.type} ${r.kind} ${r.value}${r.until === null ? '' : ` until ${when(r.until)}`} by ${r.by}${r.reason === '' ? '' : `: ${r.reason}`}`)].join('\n'),
};

const ZH: ModerationTexts = {
  signedIn: (name, role) => `已用保存的令牌登录为 ${name}（${role}）；netroom logout 后可以访客身份聊天`,
  removed: (code, reason) => `*** ${code === 'BANNED' ? '已被禁止进入 (BANNED)' : '已被移出 (KICKED)'}：${reason}（不再重新连接）`,
  outOf: (room, now) => `（您已不在 ${room}${now === null ? '；/join #聊天室' : `；当前聊天室: ${now}`}）`,
  bans: (room, list) =>
    list.length === 0
      ? `（${room} 没有禁入或禁言）`
      : [`${room} 的禁入和禁言 (${list.length}):`, ...list.map((r) => `  ${r.type} ${r.kind} ${r.value}${r.until === null ? '' : ` 至 ${when(r.until)}`}，由 ${r.by}${r.reason === '' ? '' : `：${r.reason}`}`)].join('\n'),
};

/** The moderation texts in `lang`. */
export function moderationTexts(lang: Lang): ModerationTexts {
  return lang === 'zh' ? ZH : EN;
}
