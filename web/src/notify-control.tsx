// The sidebar's desktop-notification control: ask the browser on a click, then an on/off switch; says so when the browser blocks them.
import type { Texts } from './i18n.js';
import type { Notifications } from './notify.js';

/** Nothing where the browser has no notifications; otherwise the way to turn them on and off. */
export function NotifyControl({ t, notes }: { t: Texts; notes: Notifications }) {
  if (notes.permission === 'unsupported') return null;
  return (
    <section class="side-group notify" aria-labelledby="notify-title">
      <h3 id="notify-title" class="sr-only">
        {t.notifyOn}
      </h3>
      {notes.permission === 'default' && (
        <button type="button" id="notify-allow" class="small" aria-describedby="notify-hint" onClick={() => notes.allow()}>
          {t.notifyAllow}
        </button>
      )}
      {notes.permission === 'granted' && (
        <button type="button" id="notify-switch" class="small" aria-pressed={notes.wanted} aria-describedby="notify-hint" onClick={() => notes.setWanted(!notes.wanted)}>
          {t.notifyOn}
        </button>
      )}
      {notes.permission === 'denied' ? (
        <p id="notify-hint" class="hint small-print">
          {t.notifyDenied}
        </p>
      ) : (
        <p id="notify-hint" class="hint small-print">
          {t.notifyHint}
        </p>
      )}
    </section>
  );
}
