import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { V2_HEADER_BYTES } from '../src/v2-encoding.js';
import { walkAdd, walkedTop, walkFault } from '../src/v2-walk.js';

/** The LEB128 bytes of a V2 word: a count c as 2c, a run of n empty buckets as 2n - 1 (ZigZag of -n). */
function word(count: number, run = 0): number[] {
  let v = run > 0 ? 2 * run - 1 : 2 * count;
  const bytes: number[] = [];
  do {
    const low = v % 128;
    v = Math.floor(v / 128);
    bytes.push(v > 0 ? low | 128 : low);
  } while (v > 0);
  return bytes;
}

/** What walkAdd must find, one word at a time: each bucket's count, their sum, the highest bucket with one. */
function reference(words: Array<{ count: number; run: number }>) {
  const adds = new Map<number, number>();
  let index = 0;
  let top = -1;
  let sum = 0;
  for (const { count, run } of words) {
    if (run > 0) {
      index += run;
      continue;
    }
    if (count > 0) {
      adds.set(index, count);
      top = index;
      sum += count;
    }
    index++;
  }
  return { adds, top, sum };
}

describe('walkAdd: the bytes of every report, added into 64-bit buckets', () => {
  it('adds each count where a word-by-word reading puts it, and finds the same sum and highest bucket', () => {
    let x = 11;
    const r = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
    for (let seed = 0; seed < 400; seed++) {
      // Short and long payloads, mostly one-byte words (counts to 63, runs to 64) as a report has them, some
      // longer; the highest count anywhere, followed by runs and zero counts or not.
      const words: Array<{ count: number; run: number }> = [];
      const length = seed % 7 === 0 ? Math.floor(r() * 6) : 5 + Math.floor(r() * 200);
      for (let i = 0; i < length; i++) {
        const kind = r();
        if (kind < 0.45) words.push({ count: Math.floor(r() * 64), run: 0 });
        else if (kind < 0.85) words.push({ count: 0, run: 1 + Math.floor(r() * 64) });
        else if (kind < 0.93) words.push({ count: 64 + Math.floor(r() * 100_000), run: 0 });
        else words.push({ count: 0, run: 65 + Math.floor(r() * 300) });
      }
      const payload = words.flatMap((w) => word(w.count, w.run));
      const raw = new Uint8Array(V2_HEADER_BYTES + payload.length);
      raw.set(payload, V2_HEADER_BYTES);
      const want = reference(words);
      const array = new Float64Array(40_000).fill(1);
      const sum = walkAdd(raw, raw.length, array);
      assert.equal(walkFault(), undefined, `seed ${seed}`);
      assert.equal(sum, want.sum, `seed ${seed}: sum`);
      assert.equal(walkedTop(), want.top, `seed ${seed}: highest bucket`);
      const wrong = array.findIndex((v, i) => v !== 1 + (want.adds.get(i) ?? 0));
      assert.equal(wrong, -1, `seed ${seed}: bucket ${wrong}`);
    }
  });

  it('finds the highest count in any of four one-byte words, before trailing runs and zero counts', () => {
    // Blocks of four one-byte words, the last count at each place in the last block that holds one.
    for (let place = 0; place < 4; place++) {
      for (const tail of [[], word(0), word(0, 3), [...word(0, 2), ...word(0), ...word(0, 1), ...word(0)]]) {
        const block = [word(0, 2), word(0, 1), word(0), word(0, 5)].map((w) => w[0] as number);
        block[place] = word(1)[0] as number;
        const payload = [...word(3), ...word(0, 7), ...word(2), ...word(0), ...block, ...tail];
        const raw = new Uint8Array(V2_HEADER_BYTES + payload.length);
        raw.set(payload, V2_HEADER_BYTES);
        walkAdd(raw, raw.length, new Float64Array(100));
        const before = [2, 1, 1, 5].slice(0, place).reduce((a, b) => a + b, 0);
        assert.equal(walkedTop(), 10 + before, `count in place ${place}, tail of ${tail.length} bytes`);
      }
    }
  });
});
