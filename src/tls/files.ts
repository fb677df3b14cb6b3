// The --tls-cert/--tls-key PEM files: read and checked at start (a bad file stops serve), re-read on SIGHUP.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { TlsPem, TlsSource } from './source.js';

/** What the logs say about a loaded certificate. */
export interface CertInfo {
  /** The leaf's subject, e.g. `CN=example.org`. */
  readonly subject: string;
  /** Its subjectAltName entries, e.g. `DNS:example.org, IP Address:127.0.0.1` ('' when none). */
  readonly names: string;
  /** Certificates in the file: the leaf plus intermediates. */
  readonly chain: number;
  readonly validTo: Date;
  /** SHA-256 fingerprint of the leaf, to tell two certificates apart in the logs. */
  readonly fingerprint: string;
  /** True when validTo has passed (served anyway: a lapsed renewal should not take the server down). */
  readonly expired: boolean;
}

/** A certificate chain and key that were read, checked against each other and made into a context. */
export interface LoadedTls {
  readonly pem: TlsPem;
  readonly context: SecureContext;
  readonly info: CertInfo;
}

/** A file that cannot serve: the message is one line naming the flag and the file. */
export class TlsFileError extends Error {
  override name = 'TlsFileError';
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/gu;

/** Read both files and check them: PEM certificates (leaf first), an unencrypted PEM key, the key belonging to the leaf. */
export async function loadTlsFiles(certFile: string, keyFile: string): Promise<LoadedTls> {
  const [cert, key] = await Promise.all([readPem(certFile, '--tls-cert'), readPem(keyFile, '--tls-key')]);
  const blocks = cert.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) throw new TlsFileError(`--tls-cert ${certFile}: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)`);
  let leaf: X509Certificate;
  try {
    const chain = blocks.map((block) => new X509Certificate(block));
    leaf = chain[0] as X509Certificate;
  } catch {
    throw new TlsFileError(`--tls-cert ${certFile}: a certificate in it cannot be read (damaged PEM?)`);
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch {
    throw new TlsFileError(`--tls-key ${keyFile}: not an unencrypted PEM private key`);
  }
  // The leaf must come first (as in fullchain.pem): the key has to be its key.
  if (!leaf.checkPrivateKey(keyObject)) {
    throw new TlsFileError(`--tls-key ${keyFile} does not belong to the first certificate in --tls-cert ${certFile}`);
  }
  let context: SecureContext;
  try {
    context = createSecureContext({ cert, key });
  } catch (err) {
    throw new TlsFileError(`--tls-cert ${certFile}, --tls-key ${keyFile}: ${oneLine(err)}`);
  }
  const validTo = new Date(leaf.validTo);
  return {
    pem: { cert, key },
    context,
    info: {
      subject: leaf.subject.replace(/\n/gu, ', '),
      names: leaf.subjectAltName ?? '',
      chain: blocks.length,
      validTo,
      fingerprint: leaf.fingerprint256,
      expired: validTo.getTime() < Date.now(),
    },
  };
}

/**
 * The TlsSource behind `--tls-cert`/`--tls-key`. `reload()` reads the files again and swaps the
 * context only if the new pair passes every check; otherwise the old one stays and reload() rejects.
 */
export class FileTlsSource implements TlsSource {
  private loaded: LoadedTls;
  private readonly listeners = new Set<() => void>();
  /** Reloads run one after the other (two quick SIGHUPs must not interleave their reads). */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly certFile: string,
    readonly keyFile: string,
    loaded: LoadedTls,
  ) {
    this.loaded = loaded;
  }

  /** Read and check both files; rejects with a TlsFileError. */
  static async load(certFile: string, keyFile: string): Promise<FileTlsSource> {
    return new FileTlsSource(certFile, keyFile, await loadTlsFiles(certFile, keyFile));
  }

  /** The certificate now served. */
  get info(): CertInfo {
    return this.loaded.info;
  }

  current(): SecureContext {
    return this.loaded.context;
  }

  pem(): TlsPem {
    return this.loaded.pem;
  }

  onReload(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Read the files again; on success new handshakes get the new certificate. Rejects (keeping the old one) on any bad file. */
  reload(): Promise<CertInfo> {
    const next = this.queue.then(async () => {
      this.loaded = await loadTlsFiles(this.certFile, this.keyFile);
      for (const listener of [...this.listeners]) listener();
      return this.loaded.info;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

async function readPem(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder, not a file' : oneLine(err);
    throw new TlsFileError(`${flag} ${file}: ${why}`);
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
