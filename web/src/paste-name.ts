// The name a picture pasted from the clipboard is uploaded under: `pasted-YYYYMMDD-HHMMSS.png`.

// What Chromium and Firefox call a picture pasted from the clipboard (a screenshot has no file name of its own).
const CLIPBOARD_NAME = /^image\.(png|jpe?g|gif|webp|bmp)$/iu;
const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/bmp': 'bmp' };

const two = (n: number): string => String(n).padStart(2, '0');

/** `pasted-YYYYMMDD-HHMMSS.png` (local time; the extension by the image's type, png when unknown). */
export function pastedName(type: string, now: Date): string {
  const day = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}`;
  const time = `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  return `pasted-${day}-${time}.${EXT[type] ?? 'png'}`;
}

/** Whether a pasted file has no name of its own: none at all, or the browser's generic one for a clipboard image. */
export function namelessPaste(name: string, type: string): boolean {
  return type.startsWith('image/') && (name === '' || CLIPBOARD_NAME.test(name));
}
