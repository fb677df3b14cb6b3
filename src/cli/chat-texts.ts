// The terminal chat client's own texts, English and Chinese in one table, and the formats every chat line shares.
import { ZH_ERRORS, type Lang } from '../core/i18n.js';
import type { ErrorCode } from '../core/errors.js';

/** Everything `netroom chat` itself says (room notices arrive already written in the server's language). */
export interface ChatTexts {
  readonly udpBanner: (target: string) => string;
  readonly wsBanner: (target: string) => string;
  readonly namePrompt: string;
  readonly linePrompt: string;
  /** Before a refusal's reason (a name, or a line that was not said). */
  readonly refused: string;
  readonly notSent: string;
  readonly udpEntered: (name: string) => string;
  readonly udpHelp: string;
  readonly udpNoWho: string;
  /** `/msg` without a name and a text. */
  readonly udpMsgUsage: string;
  /** The local echo of a direct message sent over UDP (the server sends none back). */
  readonly udpSentPrivately: (name: string, text: string) => string;
  readonly unknownCommand: (command: string, help: string) => string;
  readonly recentHistory: string;
  readonly whileAway: string;
  readonly now: string;
  readonly reconnecting: (reason: string | null, wait: string) => string;
  readonly serverEnded: string;
}

const EN: ChatTexts = {
  udpBanner: (target) => `netroom chat over UDP with ${target}`,
  wsBanner: (target) => `netroom chat with ${target} (WebSocket)`,
  namePrompt: 'name: ',
  linePrompt: '> ',
  refused: 'refused: ',
  notSent: 'not sent: ',
  udpEntered: (name) => `you are in the room as ${name}; /quit to leave`,
  udpHelp: '/msg NAME TEXT, /who, /quit; start with // to say a line beginning with /',
  udpNoWho: '(the seed UDP protocol has no member list: use the web, IRC or WebSocket chat to see who is in)',
  udpMsgUsage: '(usage: /msg NAME TEXT)',
  udpSentPrivately: (name, text) => `(private to ${name}): ${text}`,
  unknownCommand: (command, help) => `(unknown command ${command}: ${help})`,
  recentHistory: 'recent history',
  whileAway: 'while you were away',
  now: 'now',
  reconnecting: (reason, wait) => `(${reason ?? 'still no connection'}; reconnecting in ${wait})`,
  serverEnded: 'the server ended the session',
};

const ZH: ChatTexts = {
  udpBanner: (target) => `netroom 聊天室 (UDP)：${target}`,
  wsBanner: (target) => `netroom 聊天室 (WebSocket)：${target}`,
  namePrompt: '姓名: ',
  linePrompt: '> ',
  refused: '被拒绝: ',
  notSent: '未发送: ',
  udpEntered: (name) => `您已进入聊天室，名字是 ${name}；/quit 离开`,
  udpHelp: '/msg 名字 文字、/who、/quit；以 // 开头可以说一句以 / 开头的话',
  udpNoWho: '（种子 UDP 协议没有成员列表：请用网页、IRC 或 WebSocket 聊天查看谁在聊天室）',
  udpMsgUsage: '（用法：/msg 名字 文字）',
  udpSentPrivately: (name, text) => `（私下对 ${name} 说）: ${text}`,
  unknownCommand: (command, help) => `（未知命令 ${command}：${help}）`,
  recentHistory: '最近的消息',
  whileAway: '您离开期间的消息',
  now: '现在',
  reconnecting: (reason, wait) => `（${reason ?? '仍然没有连接'}；${wait} 后重新连接）`,
  serverEnded: '服务器结束了会话',
};

/** The client's texts in `lang`. */
export function chatTexts(lang: Lang): ChatTexts {
  return lang === 'zh' ? ZH : EN;
}

/**
 * The reason of a refusal, worded the same whatever door it came through: the server's message
 * (in Chinese the seeds' text for the code, when there is one) followed by the stable code, e.g.
 * `the name web is already in the room (NAME_TAKEN)`. Without a code (the seeds' own server), the
 * message alone.
 */
export function refusalReason(lang: Lang, code: string | undefined, message: string): string {
  if (code === undefined) return message;
  const text = (lang === 'zh' ? ZH_ERRORS[code as ErrorCode] : undefined) ?? message;
  return `${text} (${code})`;
}

/** `[HH:MM] ` in local time: the stamp of every room line, history and live alike. */
export function stamp(at: number): string {
  const d = new Date(at);
  return `[${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}] `;
}
