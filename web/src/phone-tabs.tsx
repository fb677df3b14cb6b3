// The phone layout's switch between the chat and the files: an ARIA tab list (arrow keys move between tabs), the choice kept in the address.
import type { Texts } from './i18n.js';

/** Which pane a narrow screen shows. */
export type PaneTab = 'chat' | 'files';

/** Properties of {@link PhoneTabs}. */
export interface PhoneTabsProps {
  readonly t: Texts;
  readonly tab: PaneTab;
  /** Unread messages everywhere, shown on the chat tab while the files are on screen. */
  readonly unread: number;
  readonly onPick: (tab: PaneTab) => void;
}

const TABS: readonly PaneTab[] = ['chat', 'files'];

/** Two tabs above the panes; the panels are `#panel-chat` and `#panel-files`. */
export function PhoneTabs({ t, tab, unread, onPick }: PhoneTabsProps) {
  const pickAndFocus = (next: PaneTab): void => {
    onPick(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <div class="phone-tabs" role="tablist" aria-label={t.panesLabel}>
      {TABS.map((name) => (
        <button
          key={name}
          type="button"
          role="tab"
          id={`tab-${name}`}
          aria-selected={tab === name}
          aria-controls={`panel-${name}`}
          // One tab stop for the list (WAI-ARIA tabs pattern); arrows move within it.
          tabIndex={tab === name ? 0 : -1}
          onClick={() => onPick(name)}
          onKeyDown={(e) => {
            const at = TABS.indexOf(name);
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
              e.preventDefault();
              pickAndFocus(TABS[(at + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length] ?? name);
            } else if (e.key === 'Home' || e.key === 'End') {
              e.preventDefault();
              pickAndFocus(e.key === 'Home' ? 'chat' : 'files');
            }
          }}
        >
          {name === 'chat' ? t.chatTab(tab === 'files' ? unread : 0) : t.files}
        </button>
      ))}
    </div>
  );
}
