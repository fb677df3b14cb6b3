// The UI's texts for the page as a whole (the phone's chat/files tabs), in English and Chinese.

export const SHELL_EN = {
  panesLabel: 'Show',
  chatTab: (unread: number) => (unread > 0 ? `Chat (${unread} unread)` : 'Chat'),
};

export const SHELL_ZH: typeof SHELL_EN = {
  panesLabel: '显示',
  chatTab: (unread) => (unread > 0 ? `聊天（${unread} 条未读）` : '聊天'),
};
