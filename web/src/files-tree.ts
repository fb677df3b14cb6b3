// Whole folders to upload: from an <input webkitdirectory> or a drop, the files with the folders they sit in, relative to what was chosen.
import { joinPath } from './api.js';

/** A file and its folder relative to the folder shown ('' when dropped loose). */
export interface TreeFile {
  readonly file: File;
  readonly dir: string;
}

/** The files of a folder chosen with `<input webkitdirectory>` (each knows its `webkitRelativePath`). */
export function filesOfInput(files: readonly File[]): TreeFile[] {
  return files.map((file) => {
    const rel = file.webkitRelativePath || file.name;
    return { file, dir: rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '' };
  });
}

/**
 * What a drop holds, folders walked: every file with its folder, and every folder (empty ones too,
 * so they are made). Null when the drop has no folder in it (the plain file list then serves).
 */
export async function filesOfDrop(items: DataTransferItemList): Promise<{ files: TreeFile[]; folders: string[] } | null> {
  const entries = [...items].map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null)).filter((e): e is FileSystemEntry => e !== null);
  if (!entries.some((e) => e.isDirectory)) return null;
  const files: TreeFile[] = [];
  const folders: string[] = [];
  const walk = async (entry: FileSystemEntry, dir: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      files.push({ file, dir });
      return;
    }
    const here = joinPath(dir, entry.name);
    folders.push(here);
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries gives a batch at a time (100 in Chromium) until an empty one.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, here);
    }
  };
  for (const entry of entries) await walk(entry, '');
  return { files, folders };
}

/** The files grouped by folder, folders in the order met (parents before children). */
export function byFolder(files: readonly TreeFile[]): Map<string, File[]> {
  const groups = new Map<string, File[]>();
  for (const { file, dir } of files) groups.set(dir, [...(groups.get(dir) ?? []), file]);
  return groups;
}
