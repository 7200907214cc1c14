import { createCipheriv } from 'node:crypto';

/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same corpus on every machine,
 * so a failing test can be reproduced byte for byte.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /**
   * Pseudo-random bytes (incompressible, like real attachments): an AES-128-CTR keystream keyed
   * from this generator. Deterministic, and hundreds of MB/s where a JS loop manages a few.
   */
  bytes(length: number): Buffer {
    const key = Buffer.alloc(16);
    const iv = Buffer.alloc(16);
    for (let i = 0; i < 4; i += 1) {
      key.writeUInt32LE(this.int(0, 0xffffffff), i * 4);
      iv.writeUInt32LE(this.int(0, 0xffffffff), i * 4);
    }
    return createCipheriv('aes-128-ctr', key, iv).update(Buffer.alloc(length));
  }
}
