// Notice and error texts in English and Chinese; the Chinese notices use the seeds' own wording.
import type { ErrorCode, NetroomError } from './errors.js';
import type { RoomEvent } from './room.js';

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

/** The text a door shows for a room event, e.g. "alice joined the room" or "欢迎 alice 进入聊天室". */
export function noticeText(lang: Lang, event: RoomEvent): string {
  const zh = lang === 'zh';
  switch (event.kind) {
    case 'join':
      return zh ? `欢迎 ${event.name} 进入聊天室` : `${event.name} joined the room`;
    case 'message':
      return zh ? `${event.name} 说: ${event.text}` : `${event.name}: ${event.text}`;
    case 'leave':
      return zh ? `${event.name} 离开了聊天室` : `${event.name} left the room`;
    case 'announce':
      return zh ? `管理员 说: ${event.text}` : `[admin] ${event.text}`;
    case 'file': {
      const who = event.name ?? (zh ? '有人' : 'someone');
      return zh
        ? `${who} 分享了 ${event.path} (${formatSize(event.size)})`
        : `${who} shared ${event.path} (${formatSize(event.size)})`;
    }
    case 'closing':
      return zh ? '服务器即将关闭' : 'the server is closing';
  }
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
};

/** The text a door shows for an error: "ERROR CODE: message" in English, the seeds' style in Chinese. */
export function errorText(lang: Lang, err: NetroomError): string {
  if (lang === 'zh') {
    const zh = ZH_ERRORS[err.code];
    if (zh) return `${zh} (${err.code})`;
  }
  return `ERROR ${err.code}: ${err.message}`;
}
