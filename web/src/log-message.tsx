// A message's text in the log (Markdown, never HTML), its "(edited)" mark or tombstone, and its actions: a keyboard-reachable menu with Edit (inline) and Delete (confirmed).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatItem } from './chat-items.js';
import { formatTime, type Lang, type Texts } from './i18n.js';
import { renderMarkdown, type MarkdownOptions } from './markdown.js';

/** What one may do with a message, and how. */
export interface MessageActions {
  readonly canEdit: boolean;
  readonly canDelete: boolean;
  readonly onEdit: (id: number, text: string) => void;
  readonly onDelete: (id: number) => void;
}

/** The text of a message: rendered Markdown, the tombstone of a deleted one, or the inline editor. */
export function MessageText({ item, t, lang, mention, editing, onSave, onCancel }: {
  item: ChatItem;
  t: Texts;
  lang: Lang;
  mention: MarkdownOptions['mention'];
  editing: boolean;
  onSave: (text: string) => void;
  onCancel: () => void;
}) {
  if (item.deleted === true) return <span class="text tombstone">{t.logDeleted}</span>;
  if (editing) return <Editor initial={item.text ?? ''} t={t} onSave={onSave} onCancel={onCancel} />;
  return (
    <>
      <span class="text md">{renderMarkdown(item.text ?? '', 'message', { mention })}</span>
      {item.edited !== undefined && (
        <span class="edited" title={t.logEditedAt(formatTime(lang, item.edited, 'full'))}>
          {' '}
          {t.logEdited}
        </span>
      )}
    </>
  );
}

/** The inline editor: Enter saves, Shift+Enter breaks the line, Escape cancels. */
function Editor({ initial, t, onSave, onCancel }: { initial: string; t: Texts; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(initial);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const save = (): void => {
    if (text.trim() === '') return;
    if (text === initial) onCancel();
    else onSave(text);
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    }
  };
  return (
    <span class="text editing">
      <textarea
        ref={box}
        class="edit-box"
        aria-label={t.logEditLabel}
        title={t.logEditHint}
        rows={Math.min(6, text.split('\n').length)}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <button type="button" class="small" disabled={text.trim() === ''} onClick={save}>
        {t.logSave}
      </button>
      <button type="button" class="small" onClick={onCancel}>
        {t.logCancel}
      </button>
    </span>
  );
}

/** The "⋯" button and its menu (Edit, Delete), then the delete confirmation. Arrow keys move in the menu; Escape closes it. */
export function MessageMenu({ item, t, actions, onStartEdit }: { item: ChatItem; t: Texts; actions: MessageActions; onStartEdit: () => void }) {
  const [open, setOpen] = useState<'closed' | 'menu' | 'confirm'>('closed');
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = item.id ?? 0;
  const ready = id > 0;
  useEffect(() => {
    if (open === 'closed') return;
    // Into the menu (or onto the confirmation's button) as it opens.
    menu.current?.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
  }, [open, ready]);
  const close = (): void => {
    setOpen('closed');
    trigger.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const items = Array.from(menu.current?.querySelectorAll<HTMLButtonElement>('button:not([disabled])') ?? []);
      const at = items.indexOf(document.activeElement as HTMLButtonElement);
      items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    }
  };
  const toggle = (): void => {
    if (open !== 'closed') {
      setOpen('closed');
      return;
    }
    setOpen('menu');
  };
  return (
    <span class="line-actions">
      <button
        type="button"
        ref={trigger}
        class="link line-more"
        aria-haspopup="menu"
        aria-expanded={open !== 'closed'}
        aria-label={t.logActions(item.name ?? '')}
        title={t.logActions(item.name ?? '')}
        onClick={toggle}
      >
        ⋯
      </button>
      {open === 'menu' && (
        <div class="line-menu" role="menu" ref={menu} aria-label={t.logActions(item.name ?? '')} onKeyDown={onKeyDown}>
          {actions.canEdit && (
            <button
              type="button"
              role="menuitem"
              disabled={!ready}
              onClick={() => {
                setOpen('closed');
                onStartEdit();
              }}
            >
              {t.logEdit}
            </button>
          )}
          {actions.canDelete && (
            <button type="button" role="menuitem" disabled={!ready} onClick={() => setOpen('confirm')}>
              {t.logDelete}
            </button>
          )}
        </div>
      )}
      {open === 'confirm' && (
        <div class="line-menu confirm" role="group" ref={menu} aria-label={t.logConfirmDelete} onKeyDown={onKeyDown}>
          <span>{t.logConfirmDelete}</span>
          <button
            type="button"
            class="danger"
            onClick={() => {
              actions.onDelete(id);
              close();
            }}
          >
            {t.logDelete}
          </button>
          <button type="button" onClick={close}>
            {t.logCancel}
          </button>
        </div>
      )}
    </span>
  );
}
