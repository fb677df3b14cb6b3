// "Keep both": the free name an upload takes beside an existing file (`name (1).ext`, `name (2).ext`, ...).

// Two-part extensions stay together: `backup (1).tar.gz`, not `backup.tar (1).gz`.
const DOUBLE = /\.tar\.(gz|bz2|xz|zst|lz|lzma|Z)$/u;

/** The first `stem (n)ext` not in `taken`. A leading dot is part of the stem, not an extension. */
export function freeName(name: string, taken: ReadonlySet<string>): string {
  const double = DOUBLE.exec(name);
  const dot = double ? double.index : name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}
