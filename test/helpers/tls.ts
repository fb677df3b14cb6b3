// A throwaway certificate made by openssl for 127.0.0.1 and localhost, for the TLS doors' tests.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createSecureContext } from 'node:tls';
import { promisify } from 'node:util';
import type { TlsSource } from '../../src/tls/source.js';

const run = promisify(execFile);

/** PEM files in a temporary folder, their contents, and a TlsSource serving them. */
export interface TestCert {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
  readonly source: TlsSource;
  remove(): Promise<void>;
}

/** Run openssl to write a self-signed EC certificate (a day, 127.0.0.1, ::1, localhost) and its key. */
export async function writeTestCert(certFile: string, keyFile: string, commonName = 'localhost'): Promise<void> {
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ]);
}

/** A self-signed EC certificate valid for a day, made by the openssl command line (as a user would). */
export async function makeTestCert(commonName = 'localhost'): Promise<TestCert> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'netroom-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  await writeTestCert(certFile, keyFile, commonName);
  const [cert, key] = await Promise.all([fs.readFile(certFile, 'utf8'), fs.readFile(keyFile, 'utf8')]);
  const context = createSecureContext({ cert, key });
  // Never reloaded: onReload has nothing to report.
  const source: TlsSource = { current: () => context, pem: () => ({ cert, key }), onReload: () => () => undefined };
  return { dir, certFile, keyFile, cert, key, source, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}
