// The file browser's own small inline SVG icons (download, rename, details, grid, list): decorative, hidden from screen readers.

function Icon({ d }: { readonly d: string }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={d} />
    </svg>
  );
}

/** An arrow down onto a line. */
export const DownloadIcon = () => <Icon d="M12 4v11m-4.5-4.5L12 15l4.5-4.5M5 19.5h14" />;
/** A pencil. */
export const RenameIcon = () => <Icon d="M4.5 19.5l1-4 10-10 3 3-10 10zM13.5 7.5l3 3" />;
/** An i in a circle. */
export const InfoIcon = () => <Icon d="M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 11v6M12 7.5v.5" />;
/** Four squares. */
export const GridIcon = () => <Icon d="M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z" />;
/** Three lines. */
export const ListIcon = () => <Icon d="M4 6h16M4 12h16M4 18h16" />;
