// Notice and error texts in English and Chinese; the Chinese notices use the seeds' own wording.
import type { ErrorCode, NetroomError } from './errors.js';
import type { ChatEvent } from './chat/types.js';

/** The languages notices can be written in (`--lang`). */
export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

/** Human-readable size: bytes below 1 KiB, then KiB, MiB, GiB with one decimal. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  // Compare the value as it will be printed (one decimal): 1048575 bytes is 1023.999 KiB, which
  // toFixed(1) would show as "1024.0 KiB"; it should move up a unit and read "1.0 MiB".
  while (Math.round(value * 10) / 10 >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Everything a line-based display may start a new line at: LF and CR (the room refuses CR, but a
 * stored event may predate that), VT, FF, and the Unicode breaks NEL, LS and PS (terminals and
 * Python's `splitlines()` honour some of them).
 */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/u;

/** Split text at every line break a line-based display would honour (see {@link LINE_BREAK}). */
export function splitLines(text: string): string[] {
  return LINE_BREAK.test(text) ? text.split(LINE_BREAK) : [text];
}

/**
 * The mark that starts every continuation line of `speaker`'s text: `alice | `. No real notice
 * starts this way in either language: names hold no spaces, so `NAME | ` is neither a message
 * (`NAME: `, `NAME 说: `), a join, a leave, a file notice nor an announcement (SPEC section 1).
 */
export function continuationMark(speaker: string): string {
  return `${speaker} | `;
}

/**
 * Text of several lines as a line-based door shows it (SPEC section 1, issue 10 item 9): the
 * first line after `lead`, each further line after {@link continuationMark} of `speaker`, so a
 * line of the text can never pass for an announcement or for someone else's message. The one
 * rendering every line-based door uses (UDP notices, the terminal client's `notice`).
 */
export function spokenText(lead: string, speaker: string, text: string): string {
  const lines = splitLines(text);
  let out = lead + (lines[0] ?? '');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    out += '\n' + (line === '' ? continuationMark(speaker).trimEnd() : continuationMark(speaker) + line);
  }
  return out;
}

/** How a door shows notices: with the room named (a door that shows several rooms), or as the seeds' one room. */
export interface NoticeOptions {
  /** Name the room in join, leave, message and file notices. Default false (the seeds' one room). */
  readonly rooms?: boolean;
  /** For a quit heard in one room: which room (with `rooms`). */
  readonly room?: string;
}

/**
 * The text a door shows for a chat event, e.g. "alice joined the room" or "欢迎 alice 进入聊天室"
 * (the seeds' texts, for a door with one room), or "alice joined #dev" where several rooms show.
 */
export function noticeText(lang: Lang, event: ChatEvent, options: NoticeOptions = {}): string {
  const zh = lang === 'zh';
  const rooms = options.rooms === true;
  const where = (room: string): string => (rooms ? `[${room}] ` : '');
  switch (event.kind) {
    case 'join':
      if (rooms) return zh ? `欢迎 ${event.name} 进入 ${event.room}` : `${event.name} joined ${event.room}`;
      return zh ? `欢迎 ${event.name} 进入聊天室` : `${event.name} joined the room`;
    case 'part':
    case 'quit': {
      const room = event.kind === 'part' ? event.room : options.room;
      if (rooms && room !== undefined) return zh ? `${event.name} 离开了 ${room}` : `${event.name} left ${room}`;
      return zh ? `${event.name} 离开了聊天室` : `${event.name} left the room`;
    }
    case 'message':
      return spokenText(where(event.room) + (zh ? `${event.name} 说: ` : `${event.name}: `), event.name, event.text);
    case 'dm':
      return spokenText(zh ? `${event.name} 私下说: ` : `${event.name} (private): `, event.name, event.text);
    case 'topic':
      if (event.topic === '') return zh ? `${event.name ?? '管理员'} 清除了 ${event.room} 的话题` : `${event.name ?? 'the server'} cleared the topic of ${event.room}`;
      return zh ? `${event.name ?? '管理员'} 把 ${event.room} 的话题设为: ${event.topic}` : `${event.name ?? 'the server'} set the topic of ${event.room}: ${event.topic}`;
    case 'mode': {
      const change = [event.change, ...event.args].join(' ');
      return zh ? `${event.name ?? '管理员'} 设置 ${event.room} 的模式 ${change}` : `${event.name ?? 'the server'} set mode ${change} on ${event.room}`;
    }
    case 'invite':
      return zh ? `${event.name} 邀请 ${event.to} 加入 ${event.room}` : `${event.name} invited ${event.to} to ${event.room}`;
    case 'rename':
      return zh ? `${event.name} 改名为 ${event.to}` : `${event.name} is now ${event.to}`;
    case 'away':
      if (event.text === null) return zh ? `${event.name} 回来了` : `${event.name} is back`;
      return zh ? `${event.name} 暂时离开: ${event.text}` : `${event.name} is away: ${event.text}`;
    case 'announce':
      return zh ? spokenText('管理员 说: ', '管理员', event.text) : spokenText('[admin] ', '[admin]', event.text);
    case 'file': {
      const who = event.name ?? (zh ? '有人' : 'someone');
      const what = `${event.path} (${formatSize(event.size)})`;
      return spokenText(where(event.room) + (zh ? `${who} 分享了 ` : `${who} shared `), who, what);
    }
    case 'closing':
      return zh ? '服务器即将关闭' : 'the server is closing';
    case 'kick': {
      const why = event.text === '' ? '' : zh ? `（${event.text}）` : ` (${event.text})`;
      return zh ? `${event.target} 被 ${event.name} 移出了 ${event.room}${why}` : `${event.target} was removed from ${event.room} by ${event.name}${why}`;
    }
    case 'moderation':
      return moderationText(zh, event);
    case 'edit': {
      // The new text is someone's words again: spoken like a message, so no line can pass for a notice.
      const lead = event.room === undefined ? (zh ? `${event.name} 修改了私信: ` : `${event.name} edited a private message: `) : where(event.room) + (zh ? `${event.name} 修改了消息: ` : `${event.name} edited: `);
      return spokenText(lead, event.name, event.text);
    }
    case 'delete': {
      const lead = event.room === undefined ? '' : where(event.room);
      if (event.author === event.name) return lead + (zh ? `${event.name} 删除了一条消息` : `${event.name} deleted a message`);
      return lead + (zh ? `${event.name} 删除了 ${event.author} 的一条消息` : `${event.name} deleted a message by ${event.author}`);
    }
    case 'typing': {
      const zhState = { active: '正在输入…', paused: '暂停了输入', done: '停止了输入' }[event.state];
      const enState = { active: 'is typing…', paused: 'paused typing', done: 'stopped typing' }[event.state];
      return zh ? `${event.name} ${zhState}` : `${event.name} ${enState}`;
    }
  }
}

/** What a line-based display shows in place of a deleted message's text, or after an edited one's. */
export function editMark(lang: Lang, mark: 'edited' | 'deleted'): string {
  if (mark === 'deleted') return lang === 'zh' ? '（消息已删除）' : '(message deleted)';
  return lang === 'zh' ? '（已编辑）' : '(edited)';
}

/** "alice banned bob from #dev until 2026-12-07 10:00 UTC (spam)", and the mutes and liftings alike. */
function moderationText(zh: boolean, event: Extract<ChatEvent, { kind: 'moderation' }>): string {
  const where = event.scope === null ? (zh ? '全站' : 'everywhere') : zh ? `在 ${event.scope}` : `in ${event.scope}`;
  const until = event.until === null ? '' : zh ? `，直到 ${utcText(event.until)}` : ` until ${utcText(event.until)}`;
  const why = event.text === '' ? '' : zh ? `（${event.text}）` : ` (${event.text})`;
  const verb = zh
    ? { ban: '封禁了', unban: '解除封禁', mute: '禁言了', unmute: '解除禁言' }[event.action]
    : { ban: 'banned', unban: 'lifted the ban on', mute: 'muted', unmute: 'lifted the mute on' }[event.action];
  return zh ? `${event.name} ${where}${verb} ${event.target}${until}${why}` : `${event.name} ${verb} ${event.target} ${where}${until}${why}`;
}

function utcText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Chinese texts for the error codes (the seeds' style); also used by the web UI. */
export const ZH_ERRORS: Partial<Record<ErrorCode, string>> = {
  BAD_NAME: '姓名不合法',
  RESERVED_NAME: '该姓名已被保留',
  NAME_TAKEN: '该用户已存在',
  NOT_IN_ROOM: '您不在聊天室中',
  ALREADY_IN_ROOM: '您已在聊天室中',
  EMPTY_MESSAGE: '消息不能为空',
  MESSAGE_TOO_LONG: '消息太长',
  BAD_MESSAGE: '消息含有不允许的字符',
  RATE_LIMITED: '发言太快，请稍后再试',
  BAD_REQUEST: '无法识别的请求',
  BAD_PATH: '文件名不合法',
  OUTSIDE_ROOT: '文件名不合法',
  HIDDEN_PATH: '文件名不合法',
  NOT_FOUND: '文件不存在',
  EMPTY_LIBRARY: '文件库为空',
  NOT_A_FILE: '不是文件',
  NOT_A_DIRECTORY: '不是文件夹',
  ALREADY_EXISTS: '文件已存在',
  NOT_EMPTY: '文件夹不为空',
  TOO_LARGE: '文件太大',
  DISK_FULL: '服务器磁盘已满',
  PERMISSION_DENIED: '权限不足',
  UPLOAD_ABORTED: '上传失败',
  IO_ERROR: '服务器错误',
  SERVER_CLOSING: '服务器即将关闭',
  TOO_MANY_MEMBERS: '聊天室人数已满',
  BAD_ROOM: '聊天室名称不合法',
  NO_SUCH_ROOM: '聊天室不存在',
  NO_SUCH_MEMBER: '该用户不在线',
  INVITE_ONLY: '该聊天室仅限邀请',
  BAD_KEY: '聊天室密码错误',
  ROOM_FULL: '聊天室已满',
  TOO_MANY_ROOMS: '聊天室太多',
  NOT_OPERATOR: '您不是该聊天室的管理者',
  MODERATED: '该聊天室只允许特定成员发言',
  BAD_CREDENTIALS: '用户名或密码错误',
  BAD_PASSWORD: '密码不合要求',
  NAME_RESERVED: '该姓名属于已注册的账号，请先登录',
  ACCOUNTS_ONLY: '本服务器只允许账号登录，不接受访客',
  NO_SUCH_ACCOUNT: '没有这个账号',
  NOT_SIGNED_IN: '登录已失效，请重新登录',
  BANNED: '您已被封禁',
  MUTED: '您已被禁言',
  BAD_INVITATION: '邀请链接无效或已过期',
};

/** The text a door shows for an error: "ERROR CODE: message" in English, the seeds' style in Chinese. */
export function errorText(lang: Lang, err: NetroomError): string {
  if (lang === 'zh') {
    const zh = ZH_ERRORS[err.code];
    // A ban's or mute's reason is the moderator's own words: keep them.
    const reason = typeof err.params['reason'] === 'string' && err.params['reason'] !== '' ? `：${err.params['reason']}` : '';
    // NOT_FOUND about a message (editing, deleting) is not the library's missing file.
    const text = err.code === 'NOT_FOUND' && err.params['id'] !== undefined ? '消息不存在' : zh;
    if (text) return `${text}${reason} (${err.code})`;
  }
  return `ERROR ${err.code}: ${err.message}`;
}

/**
 * An error's texts from the most to the least informative, for a reply that must fit in few bytes
 * (the UDP door answers an address that has not entered with at most the bytes it sent): the full
 * text, then the bare code (`ERROR NAME_TAKEN`; in Chinese the seeds' text alone), the code, a
 * word, and `NO`, which fits any request the seeds' client sends (`L ` and a name).
 */
export function errorTexts(lang: Lang, err: NetroomError): readonly string[] {
  const full = errorText(lang, err);
  if (lang === 'zh') {
    const zh = ZH_ERRORS[err.code];
    return zh ? [full, zh, err.code, '错误', 'NO'] : [full, err.code, '错误', 'NO'];
  }
  return [full, `ERROR ${err.code}`, err.code, 'ERROR', 'NO'];
}
