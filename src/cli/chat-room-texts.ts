// The terminal WebSocket chat's texts for rooms, direct messages, history pages and search, English and Chinese in one table.
import type { Lang } from '../core/i18n.js';
import type { WireRoom } from '../doors/ws/messages.js';

/** Everything the WebSocket chat says about rooms and conversations (room notices come from the server). */
export interface RoomTexts {
  readonly entered: (name: string, room: string, others: readonly string[]) => string;
  /** Every command, one per line. */
  readonly help: string;
  /** The short pointer to /help after an unknown command. */
  readonly helpHint: string;
  /** The prompt: the current room, a conversation, or neither. */
  readonly roomPrompt: (room: string) => string;
  readonly queryPrompt: (name: string) => string;
  readonly noRoomPrompt: string;
  readonly joined: (room: string, others: readonly string[], topic: string) => string;
  readonly parted: (room: string, now: string | null) => string;
  readonly switched: (room: string) => string;
  readonly notIn: (room: string) => string;
  readonly noRoom: string;
  readonly usage: (usage: string) => string;
  readonly rooms: (rooms: readonly WireRoom[], mine: (room: string) => boolean) => string;
  readonly members: (room: string, names: readonly string[]) => string;
  readonly online: (names: readonly string[]) => string;
  readonly topic: (room: string, topic: string) => string;
  readonly querying: (name: string, room: string | null) => string;
  readonly queryEnded: (room: string | null) => string;
  /** A direct message of ours, as shown to us (the server's `notice` is written for the addressee). */
  readonly sentTo: (name: string) => string;
  readonly conversationWith: (name: string) => string;
  readonly older: (target: string) => string;
  readonly nothingOlder: (target: string) => string;
  readonly beginning: (target: string) => string;
  readonly results: (query: string, count: number) => string;
  readonly noResults: (query: string) => string;
  readonly reconnected: (name: string, rooms: readonly string[]) => string;
  readonly notJoinedAgain: (room: string, reason: string) => string;
}

const EN_HELP = [
  'commands:',
  '  /join #room [key]  join a room (created if new where the server allows it); it becomes current',
  '  /part [#room]      leave a room (default: the current one)',
  '  /switch #room      make another room you are in current (also /go)',
  '  /rooms             the rooms, with member counts and topics (* = you are in it)',
  '  /who [#room | *]   who is in the current room, in another room, or online (*)',
  '  /topic [text]      show the current room\'s topic, or set it (/topic - clears it)',
  '  /msg NAME TEXT     say TEXT privately to NAME',
  '  /query [NAME]      plain lines go privately to NAME from now on; /query alone goes back to the room',
  '  /history           one page of older messages of the current room or conversation',
  '  /search WORDS      search the messages you may read (rooms you are in or public, your conversations)',
  '  /kick NAME [why]   remove NAME from the current room (its operators and admins)',
  '  /ban NAME [why]    ban NAME from the current room (removed at once); /unban NAME lifts it',
  '  /mute NAME         keep NAME quiet in the current room; /unmute NAME lets them speak',
  '  /bans              the bans and mutes of the current room',
  '  /help              this list',
  '  /quit              leave (also Ctrl-D)',
  '  //text             say a line that starts with /',
].join('\n');

const ZH_HELP = [
  '命令：',
  '  /join #聊天室 [密码]  加入聊天室（不存在时在服务器允许的情况下创建），并切换到该聊天室',
  '  /part [#聊天室]       离开聊天室（默认为当前聊天室）',
  '  /switch #聊天室       切换到您已加入的另一个聊天室（也可用 /go）',
  '  /rooms                列出聊天室、人数和话题（* 表示您在其中）',
  '  /who [#聊天室 | *]    当前聊天室、另一个聊天室或所有在线者（*）的成员',
  '  /topic [文字]         查看当前聊天室的话题，或设置话题（/topic - 清除）',
  '  /msg 名字 文字        私下对某人说',
  '  /query [名字]         此后普通输入私下发给此人；单独的 /query 回到聊天室',
  '  /history              当前聊天室或私聊更早的一页消息',
  '  /search 词语          搜索您可以查看的消息',
  '  /kick 名字 [理由]     把某人移出当前聊天室（聊天室管理员和系统管理员）',
  '  /ban 名字 [理由]      禁止某人进入当前聊天室（立即移出）；/unban 名字 解除',
  '  /mute 名字            禁止某人在当前聊天室发言；/unmute 名字 解除',
  '  /bans                 当前聊天室的禁入和禁言列表',
  '  /help                 本列表',
  '  /quit                 离开（也可用 Ctrl-D）',
  '  //文字                说一句以 / 开头的话',
].join('\n');

const EN: RoomTexts = {
  entered: (name, room, others) =>
    `you are in ${room} as ${name}${others.length > 0 ? ` with ${others.join(', ')}` : ' (nobody else is here)'}; /help lists the commands`,
  help: EN_HELP,
  helpHint: '/help lists the commands',
  roomPrompt: (room) => `${room}> `,
  queryPrompt: (name) => `@${name}> `,
  noRoomPrompt: '> ',
  joined: (room, others, topic) =>
    `you joined ${room}${others.length > 0 ? ` with ${others.join(', ')}` : ' (nobody else is here)'}${topic === '' ? '' : `; topic: ${topic}`}`,
  parted: (room, now) => `you left ${room}${now === null ? '; you are in no room now (/join #room)' : `; now in ${now}`}`,
  switched: (room) => `(now in ${room})`,
  notIn: (room) => `(you are not in ${room}: /join ${room} first)`,
  noRoom: '(you are in no room: /join #room, or /msg NAME TEXT)',
  usage: (usage) => `(usage: ${usage})`,
  rooms: (rooms, mine) =>
    [`rooms (${rooms.length}):`, ...rooms.map((r) => `${mine(r.name) ? '*' : ' '} ${r.name} (${r.size})${modeMarks(r)}${r.topic === '' ? '' : `: ${r.topic}`}`)].join('\n'),
  members: (room, names) => `in ${room} (${names.length}): ${names.join(', ')}`,
  online: (names) => `online (${names.length}): ${names.join(', ')}`,
  topic: (room, topic) => (topic === '' ? `${room} has no topic` : `topic of ${room}: ${topic}`),
  querying: (name, room) => `(talking privately with ${name}: plain lines go to ${name} only; /query alone goes back to ${room ?? 'the room'})`,
  queryEnded: (room) => (room === null ? '(no longer talking privately)' : `(back in ${room})`),
  sentTo: (name) => `-> ${name}: `,
  conversationWith: (name) => `conversation with ${name}`,
  older: (target) => `older messages of ${target}`,
  nothingOlder: (target) => `(nothing older in ${target})`,
  beginning: (target) => `(that is the beginning of ${target})`,
  results: (query, count) => `search "${query}": ${count} found, oldest first`,
  noResults: (query) => `(nothing found for "${query}")`,
  reconnected: (name, rooms) => `(reconnected: you are ${name} again, in ${rooms.join(', ')})`,
  notJoinedAgain: (room, reason) => `(could not join ${room} again: ${reason})`,
};

const ZH: RoomTexts = {
  entered: (name, room, others) =>
    `您已进入 ${room}，名字是 ${name}${others.length > 0 ? `，在场的还有 ${others.join('、')}` : '（目前没有其他人）'}；/help 查看命令`,
  help: ZH_HELP,
  helpHint: '/help 查看命令',
  roomPrompt: (room) => `${room}> `,
  queryPrompt: (name) => `@${name}> `,
  noRoomPrompt: '> ',
  joined: (room, others, topic) =>
    `您已加入 ${room}${others.length > 0 ? `，在场的还有 ${others.join('、')}` : '（目前没有其他人）'}${topic === '' ? '' : `；话题: ${topic}`}`,
  parted: (room, now) => `您已离开 ${room}${now === null ? '；您现在不在任何聊天室（/join #聊天室）' : `；当前聊天室: ${now}`}`,
  switched: (room) => `（当前聊天室: ${room}）`,
  notIn: (room) => `（您不在 ${room}：请先 /join ${room}）`,
  noRoom: '（您不在任何聊天室：/join #聊天室，或 /msg 名字 文字）',
  usage: (usage) => `（用法: ${usage}）`,
  rooms: (rooms, mine) =>
    [`聊天室 (${rooms.length}):`, ...rooms.map((r) => `${mine(r.name) ? '*' : ' '} ${r.name} (${r.size})${modeMarks(r)}${r.topic === '' ? '' : `: ${r.topic}`}`)].join('\n'),
  members: (room, names) => `${room} 里有 ${names.length} 人：${names.join('、')}`,
  online: (names) => `在线 ${names.length} 人：${names.join('、')}`,
  topic: (room, topic) => (topic === '' ? `${room} 没有话题` : `${room} 的话题: ${topic}`),
  querying: (name, room) => `（正在与 ${name} 私聊：普通输入只发给 ${name}；单独的 /query 回到 ${room ?? '聊天室'}）`,
  queryEnded: (room) => (room === null ? '（私聊结束）' : `（回到 ${room}）`),
  sentTo: (name) => `-> ${name}: `,
  conversationWith: (name) => `与 ${name} 的私聊`,
  older: (target) => `${target} 更早的消息`,
  nothingOlder: (target) => `（${target} 没有更早的消息）`,
  beginning: (target) => `（以上是 ${target} 最早的消息）`,
  results: (query, count) => `搜索 "${query}"：找到 ${count} 条，按时间排序`,
  noResults: (query) => `（没有找到 "${query}"）`,
  reconnected: (name, rooms) => `（已重新连接：您的名字仍是 ${name}，在 ${rooms.join('、')}）`,
  notJoinedAgain: (room, reason) => `（无法重新加入 ${room}：${reason}）`,
};

/** ` +ik` for the modes a would-be member needs to know about (invite only, key, moderated, limit). */
function modeMarks(room: WireRoom): string {
  const { inviteOnly, key, moderated, limit } = room.modes;
  const marks = `${inviteOnly ? 'i' : ''}${key !== null ? 'k' : ''}${moderated ? 'm' : ''}${limit !== null ? 'l' : ''}`;
  return marks === '' ? '' : ` +${marks}`;
}

/** The room texts in `lang`. */
export function roomTexts(lang: Lang): RoomTexts {
  return lang === 'zh' ? ZH : EN;
}
