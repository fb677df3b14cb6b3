// The permission contract's HTTP client: the file API with `Authorization: Bearer nrt_...` for accounts, no header for a guest.
import type { ActorRole, FileDriver, Outcome } from './permissions-types.js';

const fileUrl = (base: string, rel: string): string => `${base}/files/${rel.split('/').map(encodeURIComponent).join('/')}`;

/** A refusal as the HTTP door tells it: the status and the JSON error's code. */
async function refusal(res: Response): Promise<Outcome> {
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    // not JSON: the raw text says what it was
  }
  return { ok: false, status: res.status, code, raw: `${res.status} ${text}` };
}

/** `token` undefined: a guest (no Authorization, no X-Netroom-Name). */
export function httpDriver(port: number, role: ActorRole, token: string | undefined): FileDriver {
  const base = `http://127.0.0.1:${port}`;
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const call = async (url: string, init: RequestInit, ok: (res: Response) => Promise<Outcome>): Promise<Outcome> => {
    const res = await fetch(url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
    return res.ok ? ok(res) : refusal(res);
  };
  const drained = async (res: Response): Promise<Outcome> => {
    await res.arrayBuffer();
    return { ok: true };
  };
  return {
    door: 'http',
    role,
    list: (dir) =>
      call(`${base}/api/files?path=${encodeURIComponent(dir)}`, {}, async (res) => ({ ok: true, names: ((await res.json()) as { name: string }[]).map((e) => e.name) })),
    download: (rel) => call(fileUrl(base, rel), {}, async (res) => ({ ok: true, bytes: Buffer.from(await res.arrayBuffer()) })),
    upload: (rel, bytes) => call(fileUrl(base, rel), { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } }, drained),
    mkdir: (rel) => call(`${base}/api/folders?path=${encodeURIComponent(rel)}`, { method: 'POST' }, drained),
    // WebDAV MOVE with an absolute-path Destination.
    rename: (from, to) => call(fileUrl(base, from), { method: 'MOVE', headers: { destination: fileUrl('', to) } }, drained),
    remove: (rel) => call(fileUrl(base, rel), { method: 'DELETE' }, drained),
    close: () => Promise.resolve(),
  };
}
