// The UI's texts for people: mention completion and counts, desktop notifications, typing indicators, files pasted into the composer; English and Chinese.

export const PEOPLE_EN = {
  mentionListLabel: 'Members to mention',
  mentionHint: (n: number) => (n === 1 ? '1 name to mention: Tab or Enter picks it, Escape closes' : `${n} names to mention: up and down to choose, Tab or Enter picks, Escape closes`),
  mentionsUnread: (n: number) => (n === 1 ? '1 mentions you' : `${n} mention you`),
  directUnread: (n: number) => (n === 1 ? '1 message to you' : `${n} messages to you`),
  typingOne: (a: string) => `${a} is typing…`,
  typingTwo: (a: string, b: string) => `${a} and ${b} are typing…`,
  typingMany: 'Several people are typing…',
  notifyAllow: 'Turn on desktop notifications',
  notifyOn: 'Desktop notifications',
  notifyHint: 'For mentions and direct messages while this tab is in the background.',
  notifyDenied: 'Desktop notifications are blocked in this browser’s site settings.',
  notifyMention: (who: string, room: string) => `${who} mentioned you in ${room}`,
  notifyDm: (who: string) => `${who} wrote to you`,
  dropToShare: (room: string) => `Drop files to share them into ${room}`,
  shareInRoomOnly: 'Files are shared into rooms: open a room to share this file.',
  composerUploads: 'Files shared from the message box',
};

export const PEOPLE_ZH: typeof PEOPLE_EN = {
  mentionListLabel: '可提及的成员',
  mentionHint: (n) => (n === 1 ? '1 个可提及的名字：Tab 或回车选择，Esc 关闭' : `${n} 个可提及的名字：上下键选择，Tab 或回车确认，Esc 关闭`),
  mentionsUnread: (n) => `${n} 条提及您`,
  directUnread: (n) => `${n} 条发给您的消息`,
  typingOne: (a) => `${a} 正在输入…`,
  typingTwo: (a, b) => `${a} 和 ${b} 正在输入…`,
  typingMany: '多人正在输入…',
  notifyAllow: '开启桌面通知',
  notifyOn: '桌面通知',
  notifyHint: '此标签页在后台时，有人提及您或私聊您会通知。',
  notifyDenied: '桌面通知已在浏览器的网站设置中被禁止。',
  notifyMention: (who, room) => `${who} 在 ${room} 提及了您`,
  notifyDm: (who) => `${who} 给您发了私聊`,
  dropToShare: (room) => `将文件拖到这里，分享到 ${room}`,
  shareInRoomOnly: '文件只能分享到聊天室：请先打开一个聊天室。',
  composerUploads: '从消息框分享的文件',
};
