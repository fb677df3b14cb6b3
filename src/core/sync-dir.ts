// fsync of a folder, so a rename into it is durable (best effort: some file systems refuse it).
import * as fs from 'node:fs/promises';

/** Make the last rename/link in `dir` durable; a file system that refuses fsync on a folder is fine. */
export async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
