// Units of FTP paths and listing formats: virtual paths, ls -l lines, MLSx facts, time values.
import { describe, expect, test } from 'vitest';
import { lsLine, mlsxLine, mlstFeature, parseFacts, timeval, FACTS } from '../src/doors/ftp/listing.js';
import { baseName, joinVirtual, resolveVirtual, toLibrary } from '../src/doors/ftp/paths.js';

describe('virtual paths', () => {
  test('relative to the working folder, absolute, . and .. folded', () => {
    expect(resolveVirtual('/', '')).toBe('/');
    expect(resolveVirtual('/docs', 'a.txt')).toBe('/docs/a.txt');
    expect(resolveVirtual('/docs', '/a.txt')).toBe('/a.txt');
    expect(resolveVirtual('/docs/sub', '..')).toBe('/docs');
    expect(resolveVirtual('/docs', './x//y/../z')).toBe('/docs/x/z');
    expect(resolveVirtual('/docs', '')).toBe('/docs');
  });

  test('the parent of the root is the root (one chroot rule for every command): nothing climbs out', () => {
    expect(resolveVirtual('/', '..')).toBe('/');
    expect(resolveVirtual('/', '../..')).toBe('/');
    expect(resolveVirtual('/', '../etc/passwd')).toBe('/etc/passwd');
    expect(resolveVirtual('/', '/../../x')).toBe('/x');
    expect(resolveVirtual('/docs', '../../../x')).toBe('/x');
    expect(resolveVirtual('/docs', 'a/../../b')).toBe('/b');
    expect(resolveVirtual('/docs/sub', '../..')).toBe('/');
    for (const arg of ['..', '../..', '../../etc/passwd', '/..', 'a/../../..', '.././..']) {
      expect(resolveVirtual('/', arg).split('/')).not.toContain('..');
    }
  });

  test('library form and helpers', () => {
    expect(toLibrary('/')).toBe('');
    expect(toLibrary('/a/b')).toBe('a/b');
    expect(baseName('/a/b.txt')).toBe('b.txt');
    expect(joinVirtual('/', 'x')).toBe('/x');
    expect(joinVirtual('/a', 'x')).toBe('/a/x');
  });
});

describe('ls -l lines', () => {
  const now = Date.UTC(2024, 10, 21, 12, 0, 0);

  test('a recent file shows the time, an old one the year; sizes right-aligned; UTC', () => {
    const recent = lsLine({ name: 'a b.txt', type: 'file', size: 1234, mtime: Date.UTC(2024, 10, 3, 9, 5) }, now, true);
    expect(recent).toBe('-rw-r--r-- 1 ftp ftp          1234 Nov  3 09:05 a b.txt');
    const old = lsLine({ name: 'old.bin', type: 'file', size: 5, mtime: Date.UTC(2023, 0, 15, 23, 59) }, now, true);
    expect(old).toBe('-rw-r--r-- 1 ftp ftp             5 Jan 15  2023 old.bin');
  });

  test('a future time shows the year; folders start with d; read-only sessions see no w', () => {
    const future = lsLine({ name: 'f', type: 'file', size: 0, mtime: Date.UTC(2025, 5, 1) }, now, true);
    expect(future).toContain('Jun  1  2025 f');
    expect(lsLine({ name: 'docs', type: 'dir', size: 0, mtime: now }, now, false)).toMatch(/^dr-xr-xr-x 1 ftp ftp +4096 Nov 21 12:00 docs$/u);
  });

  test('the fields split as clients split them (9 columns, name may contain spaces)', () => {
    const line = lsLine({ name: 'my  file', type: 'file', size: 42, mtime: now }, now, true);
    const fields = line.split(/\s+/u);
    expect(fields[4]).toBe('42');
    expect(line.endsWith(' my  file')).toBe(true);
  });
});

describe('MLSx facts', () => {
  const all = new Set(FACTS);
  const mtime = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

  test('a file and a folder, with perm by write access', () => {
    expect(mlsxLine({ name: 'a.txt', type: 'file', size: 7, mtime, unique: '803g1a' }, all, true)).toBe(
      'type=file;size=7;modify=20240102030405.678;perm=radwf;unique=803g1a; a.txt',
    );
    expect(mlsxLine({ name: 'd', type: 'dir', size: 0, mtime }, all, false)).toBe('type=dir;modify=20240102030405.678;perm=el; d');
  });

  test('only the selected facts; the MLST name can be a full path', () => {
    expect(mlsxLine({ name: 'a', type: 'file', size: 1, mtime }, new Set(['size'] as const), true, '/x/a')).toBe('size=1; /x/a');
    expect(mlsxLine({ name: 'a', type: 'file', size: 1, mtime }, new Set(), true)).toBe(' a');
  });

  test('OPTS MLST selection and the FEAT line', () => {
    expect([...parseFacts('Type;SIZE;bogus;')]).toEqual(['type', 'size']);
    expect(mlstFeature(new Set(['type', 'modify'] as const))).toBe('MLST type*;size;modify*;perm;unique;');
  });

  test('time values', () => {
    expect(timeval(mtime)).toBe('20240102030405');
    expect(timeval(mtime, true)).toBe('20240102030405.678');
  });
});
