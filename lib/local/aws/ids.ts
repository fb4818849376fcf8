/**
 * Seeded pseudo-random source for identifiers and generated passwords. A fixed seed makes a failing workflow run
 * reproducible (same resource ids, same ARN suffixes); the values only need to be unique and well-formed, not
 * unpredictable.
 */
export class Ids {
  private state: number;

  constructor(seed = 0x5eed) {
    this.state = seed >>> 0;
  }

  /**
   * Where the sequence stands. A saved double resumes from here (see {@link moveTo}): restarting from the seed would
   * hand out the same resource ids, ARN suffixes and passwords again.
   */
  position(): number {
    return this.state;
  }

  /** Continues the sequence from a saved {@link position}. */
  moveTo(position: number): void {
    if (!Number.isInteger(position) || position < 0 || position > 0xffffffff) {
      throw new RangeError(`Ids position must be a 32-bit unsigned integer (got ${position})`);
    }
    this.state = position;
  }

  /** A float in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** `length` characters drawn from `alphabet`. */
  chars(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet.charAt(this.int(alphabet.length));
    return out;
  }

  /** A version-4-shaped UUID. */
  uuid(): string {
    const hex = this.chars(32, '0123456789abcdef');
    const variant = '89ab'.charAt(this.int(4));
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const MIXED_ALNUM = `ABCDEFGHIJKLMNOPQRSTUVWXYZ${LOWER_ALNUM}`;
