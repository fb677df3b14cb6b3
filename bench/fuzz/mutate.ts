// The socket fuzzer's input maker: a seeded PRNG and byte mutations of valid protocol messages.

/** A small, fast, seeded PRNG (mulberry32): the same --seed gives the same inputs. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

/**
 * Fragments that have broken parsers before: line ends in every form, NUL, telnet IAC, path escapes
 * in several encodings, format strings, overlong UTF-8, invisible and look-alike characters, JSON
 * and IRC punctuation, big numbers.
 */
const TOKENS: readonly Buffer[] = [
  '\r\n', '\n', '\r', '\0', '\xff\xf4\xff\xf2', '\xff\xff', '..', '../', '..\\', '%2e%2e%2f', '%252e%252e', '%c0%ae%c0%ae/', '.hidden', '/etc/passwd',
  'C:\\', '%00', '%n%s%x', '${jndi:x}', '\u202e', '\u200b', '\ufeff', '\u3164', 'ａｄｍｉｎ', 'аdmin', '管理员', '"', '\\', '{', '}', '[', ']', ':', ';', '@', '#',
  ',', '|', '##', ' ', '  ', '\t', '-1', '0', '4294967296', '9007199254740993', '1e309', 'NaN', 'null', 'true', '__proto__', 'constructor',
].map((t) => Buffer.from(t, 'latin1').toString('latin1') === t ? Buffer.from(t, 'latin1') : Buffer.from(t, 'utf8'));
/** Invalid or unusual UTF-8: a lone continuation byte, an overlong slash, a surrogate, a cut 4-byte sequence. */
const RAW: readonly Buffer[] = [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xfe], [0xc3]].map((b) => Buffer.from(b));

/**
 * Apply 0-3 mutations to a valid message: flip, insert random bytes or a token, delete or
 * duplicate a range, truncate, or splice in another message. Most inputs stay close to valid, so
 * they get past the first checks and reach the deeper code.
 */
export function mutate(rng: Rng, input: Buffer, other: () => Buffer, maxLength: number): Buffer {
  let buf = input;
  const rounds = rng.chance(0.3) ? 0 : 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const at = rng.int(buf.length + 1);
    switch (rng.int(9)) {
      case 0: {
        if (buf.length === 0) break;
        const copy = Buffer.from(buf);
        const i = rng.int(copy.length);
        copy[i] = (copy[i] ?? 0) ^ (1 << rng.int(8));
        buf = copy;
        break;
      }
      case 1:
        buf = Buffer.concat([buf.subarray(0, at), rng.bytes(1 + rng.int(8)), buf.subarray(at)]);
        break;
      case 2:
      case 3:
        buf = Buffer.concat([buf.subarray(0, at), rng.pick(TOKENS), buf.subarray(at)]);
        break;
      case 4:
        buf = Buffer.concat([buf.subarray(0, at), rng.pick(RAW), buf.subarray(at)]);
        break;
      case 5:
        buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1 + rng.int(8))]);
        break;
      case 6: {
        const piece = buf.subarray(at, at + 1 + rng.int(16));
        const times = rng.chance(0.1) ? 50 + rng.int(400) : 1 + rng.int(4);
        buf = Buffer.concat([buf.subarray(0, at), ...Array<Buffer>(times).fill(piece), buf.subarray(at)]);
        break;
      }
      case 7:
        buf = buf.subarray(0, at);
        break;
      default:
        buf = Buffer.concat([buf.subarray(0, at), other()]);
    }
  }
  return buf.length > maxLength ? buf.subarray(0, maxLength) : buf;
}
