// The search box of the sidebar: full-text search over what we may read, each result opening its room or conversation.
import { useState } from 'preact/hooks';
import type { ChatClient, ChatState } from './chat.js';
import { otherSide } from './conversations.js';
import { errorText, formatTime, type Lang, type Texts } from './i18n.js';

/** Properties of {@link SearchBox}. */
export interface SearchBoxProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly chat: ChatState;
  readonly client: ChatClient;
  readonly onPicked: () => void;
}

/** A query, then its results (newest first) with where and when each was said. */
export function SearchBox({ t, lang, chat, client, onPicked }: SearchBoxProps) {
  const [query, setQuery] = useState('');
  const search = chat.search;
  const me = chat.name ?? '';
  return (
    <div class="search">
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          client.search(query);
        }}
      >
        <label for="search" class="sr-only">
          {t.searchLabel}
        </label>
        <input id="search" type="search" value={query} placeholder={t.searchPlaceholder} onInput={(e) => setQuery(e.currentTarget.value)} />
      </form>
      {search && (
        <section class="results" aria-labelledby="results-title" aria-busy={search.results === null}>
          <div class="results-head">
            <h3 id="results-title" aria-live="polite">
              {search.results === null ? t.searching : t.searchResults(search.results.length, search.query)}
            </h3>
            <button type="button" class="small" aria-label={t.closeSearch} title={t.closeSearch} onClick={() => client.closeSearch()}>
              ×
            </button>
          </div>
          {search.error && (
            <p class="error" role="alert">
              {errorText(lang, search.error)}
            </p>
          )}
          <ul>
            {(search.results ?? []).map((event) => {
              const where = event.kind === 'dm' ? `${otherSide(event, me)} (${t.privately})` : (event.room ?? t.announcement);
              return (
                <li key={event.id} data-id={event.id}>
                  <button
                    type="button"
                    class="result"
                    onClick={() => {
                      client.openResult(event);
                      onPicked();
                    }}
                  >
                    <span class="result-where">{where}</span>
                    <time dateTime={new Date(event.at).toISOString()}>{formatTime(lang, event.at, 'date')}</time>
                    <span class="result-text">
                      {event.name !== undefined && <b>{event.name}: </b>}
                      {event.text}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}
