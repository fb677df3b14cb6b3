// The web UI's texts in English and Chinese, the language choice, and localised sizes, times and errors.
import { ZH_ERRORS as CORE_ZH_ERRORS } from '../../src/core/i18n.js';
import { ACCESS_EN, ACCESS_ZH, ACCESS_ZH_ERRORS } from './i18n-access.js';
import { FILES_EN, FILES_ZH } from './i18n-files.js';
import { LOG_EN, LOG_ZH } from './i18n-log.js';
import { PEOPLE_EN, PEOPLE_ZH } from './i18n-people.js';
import { SHELL_EN, SHELL_ZH } from './i18n-shell.js';
import { VIEWER_EN, VIEWER_ZH } from './i18n-viewer.js';

/** The UI languages. */
export type Lang = 'en' | 'zh';

const en = {
  appTitle: 'netroom',
  switchTo: '中文',
  switchLabel: 'Switch the language to Chinese',
  enterTitle: 'Enter the room',
  enterHint: 'Pick a name: 1-32 characters, no spaces.',
  nameLabel: 'Your name',
  enterButton: 'Enter',
  entering: 'Entering…',
  leave: 'Leave',
  statusIn: (name: string) => `In the room as ${name}`,
  statusConnecting: 'Connecting…',
  statusReconnecting: 'Connection lost, reconnecting…',
  reconnected: 'Reconnected',
  chat: 'Chat',
  files: 'Files',
  members: (n: number) => `Members (${n})`,
  you: 'you',
  messageLabel: 'Message',
  messagePlaceholder: 'Write a message; Enter sends, Shift+Enter adds a line',
  send: 'Send',
  notSent: 'not sent',
  sendAgain: 'Send again',
  edit: 'Edit',
  charCount: (n: number, max: number) => `${n} / ${max} characters`,
  fileDeleted: 'deleted',
  fileMoved: (to: string) => `moved to ${to}`,
  announcement: 'Announcement',
  joined: (name: string) => `${name} joined the room`,
  left: (name: string) => `${name} left the room`,
  shared: (who: string) => `${who} shared`,
  someone: 'someone',
  closing: 'The server is closing',
  emptyChat: 'No messages yet. Say hello!',
  folderPath: 'Folder path',
  root: 'All files',
  upload: 'Upload files',
  dropHere: 'Drop files here to upload them into this folder',
  newFolder: 'New folder',
  newFolderLabel: 'Name of the new folder',
  create: 'Create',
  refresh: 'Refresh',
  name: 'Name',
  size: 'Size',
  modified: 'Modified',
  actions: 'Actions',
  folder: 'folder',
  download: (name: string) => `Download ${name}`,
  open: (name: string) => `Open folder ${name}`,
  delete: 'Delete',
  deleteLabel: (name: string) => `Delete ${name}`,
  confirmDelete: (name: string) => `Delete ${name}?`,
  yes: 'Yes, delete',
  no: 'Keep',
  emptyFolder: 'This folder is empty.',
  loading: 'Loading…',
  uploads: 'Uploads',
  cancel: 'Cancel',
  cancelLabel: (name: string) => `Cancel the upload of ${name}`,
  dismiss: 'Dismiss',
  dismissLabel: (name: string) => `Dismiss the failed upload of ${name}`,
  uploadDone: 'done',
  uploadCancelled: 'cancelled',
  uploadFailed: 'Not uploaded',
  exists: (name: string) => `${name} already exists here.`,
  replace: 'Replace',
  keepBoth: 'Keep both',
  anonymousHint: 'Not in the chat: your uploads are announced as from "someone". Enter the room to be named.',
  enterAside: 'Browse and download files without a name; enter the room to chat.',
  progressLabel: (name: string) => `Upload of ${name}`,
  rooms: 'Rooms',
  conversations: 'Conversations',
  noConversations: 'Click a member to talk privately.',
  sidebarLabel: 'Rooms and conversations',
  sidebarToggle: (unread: number) => (unread > 0 ? `Rooms (${unread} unread)` : 'Rooms'),
  joinLabel: 'Join or create a room',
  joinPlaceholder: '#room',
  joinHint: '#name, or #name KEY for a room with a key',
  joinButton: 'Join',
  partLabel: (room: string) => `Leave ${room}`,
  browse: 'Browse rooms',
  roomSize: (n: number) => (n === 1 ? '1 member' : `${n} members`),
  joinedMark: 'joined',
  noRooms: 'No rooms to show.',
  searchLabel: 'Search the chat',
  searchPlaceholder: 'Search the chat…',
  searchButton: 'Search',
  searching: 'Searching…',
  searchResults: (n: number, query: string) => `${n === 1 ? '1 result' : `${n} results`} for “${query}”`,
  closeSearch: 'Close the search results',
  privately: 'private',
  unread: (n: number) => `${n} unread`,
  messageMember: (name: string) => `Talk privately with ${name}`,
  privateWith: (name: string) => `Private conversation with ${name}`,
  noTopic: 'No topic',
  topicSet: (name: string, topic: string) => `${name} set the topic: ${topic}`,
  topicCleared: (name: string) => `${name} cleared the topic`,
  renamed: (from: string, to: string) => `${from} is now known as ${to}`,
  modeChanged: (name: string, change: string) => `${name} set mode ${change}`,
  invited: (name: string, room: string) => `${name} invites you to ${room}`,
  loadingOlder: 'Loading older messages…',
  historyStart: 'The beginning of the history.',
  noConversation: 'You are in no room. Join one from the list of rooms.',
  joining: 'Joining…',
  ...ACCESS_EN,
  ...LOG_EN,
  ...FILES_EN,
  ...PEOPLE_EN,
  ...SHELL_EN,
  ...VIEWER_EN,
};

/** Every UI text; both languages have the same keys. */
export type Texts = typeof en;

const zh: Texts = {
  appTitle: 'netroom',
  switchTo: 'English',
  switchLabel: '切换为英文界面',
  enterTitle: '进入聊天室',
  enterHint: '请输入姓名：1-32 个字符，不能有空格。',
  nameLabel: '姓名',
  enterButton: '进入',
  entering: '正在进入…',
  leave: '离开',
  statusIn: (name) => `已进入聊天室：${name}`,
  statusConnecting: '正在连接…',
  statusReconnecting: '连接已断开，正在重新连接…',
  reconnected: '已重新连接',
  chat: '聊天',
  files: '文件',
  members: (n) => `成员 (${n})`,
  you: '我',
  messageLabel: '消息',
  messagePlaceholder: '输入消息；回车发送，Shift+回车换行',
  send: '发送',
  notSent: '未发送',
  sendAgain: '重新发送',
  edit: '编辑',
  charCount: (n, max) => `${n} / ${max} 字`,
  fileDeleted: '已删除',
  fileMoved: (to) => `已移动到 ${to}`,
  announcement: '管理员',
  joined: (name) => `欢迎 ${name} 进入聊天室`,
  left: (name) => `${name} 离开了聊天室`,
  shared: (who) => `${who} 分享了`,
  someone: '有人',
  closing: '服务器即将关闭',
  emptyChat: '还没有消息，打个招呼吧！',
  folderPath: '文件夹路径',
  root: '全部文件',
  upload: '上传文件',
  dropHere: '将文件拖到这里，上传到当前文件夹',
  newFolder: '新建文件夹',
  newFolderLabel: '新文件夹的名称',
  create: '创建',
  refresh: '刷新',
  name: '名称',
  size: '大小',
  modified: '修改时间',
  actions: '操作',
  folder: '文件夹',
  download: (name) => `下载 ${name}`,
  open: (name) => `打开文件夹 ${name}`,
  delete: '删除',
  deleteLabel: (name) => `删除 ${name}`,
  confirmDelete: (name) => `确定删除 ${name}？`,
  yes: '确定删除',
  no: '保留',
  emptyFolder: '这个文件夹是空的。',
  loading: '正在加载…',
  uploads: '上传',
  cancel: '取消',
  cancelLabel: (name) => `取消上传 ${name}`,
  dismiss: '关闭',
  dismissLabel: (name) => `关闭 ${name} 的上传失败提示`,
  uploadDone: '完成',
  uploadCancelled: '已取消',
  uploadFailed: '未上传',
  exists: (name) => `这里已有 ${name}。`,
  replace: '替换',
  keepBoth: '保留两者',
  anonymousHint: '您未进入聊天室：上传会显示为"有人"分享。进入聊天室即可署名。',
  enterAside: '不需要姓名也可以浏览和下载文件；进入聊天室即可聊天。',
  progressLabel: (name) => `上传 ${name}`,
  rooms: '聊天室',
  conversations: '私聊',
  noConversations: '点击成员即可私聊。',
  sidebarLabel: '聊天室和私聊',
  sidebarToggle: (unread) => (unread > 0 ? `聊天室（${unread} 条未读）` : '聊天室'),
  joinLabel: '加入或创建聊天室',
  joinPlaceholder: '#聊天室',
  joinHint: '#名称；有密码的聊天室：#名称 密码',
  joinButton: '加入',
  partLabel: (room) => `离开 ${room}`,
  browse: '浏览聊天室',
  roomSize: (n) => `${n} 人`,
  joinedMark: '已加入',
  noRooms: '没有可显示的聊天室。',
  searchLabel: '搜索聊天记录',
  searchPlaceholder: '搜索聊天记录…',
  searchButton: '搜索',
  searching: '正在搜索…',
  searchResults: (n, query) => `“${query}”的搜索结果：${n} 条`,
  closeSearch: '关闭搜索结果',
  privately: '私聊',
  unread: (n) => `${n} 条未读`,
  messageMember: (name) => `与 ${name} 私聊`,
  privateWith: (name) => `与 ${name} 的私聊`,
  noTopic: '没有主题',
  topicSet: (name, topic) => `${name} 将主题设为：${topic}`,
  topicCleared: (name) => `${name} 清除了主题`,
  renamed: (from, to) => `${from} 改名为 ${to}`,
  modeChanged: (name, change) => `${name} 设置了模式 ${change}`,
  invited: (name, room) => `${name} 邀请您加入 ${room}`,
  loadingOlder: '正在加载更早的消息…',
  historyStart: '以上是全部历史记录。',
  noConversation: '您不在任何聊天室中。请从聊天室列表加入一个。',
  joining: '正在加入…',
  ...ACCESS_ZH,
  ...LOG_ZH,
  ...FILES_ZH,
  ...PEOPLE_ZH,
  ...SHELL_ZH,
  ...VIEWER_ZH,
};

/** The texts of a language. */
export const TEXTS: Record<Lang, Texts> = { en, zh };

const LANG_KEY = 'netroom.lang';

/** The language to start in: the user's earlier choice, else the browser's language. */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    // Storage can be off (private modes): fall back to the browser language.
  }
  const prefs = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return prefs.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
}

/** Remember the user's choice for the next visit. */
export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // Not remembered; the switch still works for this page.
  }
}

/** Human-readable size, as the server writes it in notices (B, then KiB, MiB, GiB with one decimal). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (Math.round(value * 10) / 10 >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

// Building a DateTimeFormat is costly and every log line formats its time on each render: keep them.
const timeFormats = new Map<string, Intl.DateTimeFormat>();
const TIME_STYLES: Record<'time' | 'date' | 'full', Intl.DateTimeFormatOptions> = {
  time: { hour: '2-digit', minute: '2-digit' },
  date: { dateStyle: 'short', timeStyle: 'short' },
  full: { dateStyle: 'medium', timeStyle: 'medium' },
};

/** A time in the UI language: clock time (log lines), short date and time (listing), or in full (tooltips). */
export function formatTime(lang: Lang, at: number, style: 'time' | 'date' | 'full' = 'time'): string {
  const key = `${lang}|${style}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en', TIME_STYLES[style]);
    timeFormats.set(key, format);
  }
  return format.format(at);
}

// Chinese texts for the server's error codes come from the server's own table; the UI adds its own codes.
const ZH_ERRORS: Record<string, string> = {
  ...CORE_ZH_ERRORS,
  ...ACCESS_ZH_ERRORS,
  NETWORK: '无法连接服务器',
  NOT_CONNECTED: '尚未连接服务器，请稍候',
  TAKEN_OVER: '您已在另一个窗口中进入聊天室',
  NO_ROOM: '请先打开一个聊天室或私聊',
};

/** A refusal as the UI shows it: the server's English reason, or the Chinese text for its code. */
export function errorText(lang: Lang, error: { code: string; message: string }): string {
  if (lang === 'zh') {
    const text = ZH_ERRORS[error.code];
    if (text !== undefined) return `${text} (${error.code})`;
  }
  return `${error.code}: ${error.message}`;
}

/** The plain text of an event that has no special rendering (join, leave, topic, rename, mode, invite, closing). */
export function eventText(
  t: Texts,
  event: { readonly kind: string; readonly name?: string; readonly to?: string; readonly text?: string; readonly room?: string; readonly reason?: string },
): string {
  switch (event.kind) {
    case 'topic':
      return event.text ? t.topicSet(event.name ?? '', event.text) : t.topicCleared(event.name ?? '');
    case 'rename':
      return t.renamed(event.name ?? '', event.to ?? '');
    case 'mode':
      return t.modeChanged(event.name ?? '', event.text ?? '');
    case 'invite':
      return t.invited(event.name ?? '', event.room ?? '');
    case 'join':
      return t.joined(event.name ?? '');
    case 'leave':
      return event.reason === 'kicked' || event.reason === 'banned' ? t.removedLine(event.name ?? '', event.text ?? '') : t.left(event.name ?? '');
    case 'moderation':
      return t.moderationLine(event.name ?? '', event.reason ?? '', event.to ?? '', event.text ?? '');
    case 'closing':
      return t.closing;
    default:
      return '';
  }
}
