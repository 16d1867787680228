import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../src/scenario/text-file.js';

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)));

describe('decodeUtf8', () => {
  it('decodes UTF-8, multi-byte characters included', () => {
    expect(decodeUtf8(bytes('name: café ✓ 𝄞\n'))).toEqual({ text: 'name: café ✓ 𝄞\n' });
  });

  it('reports the first byte that is not UTF-8 at its line and column (counted in characters)', () => {
    // Latin-1 "é" (E9) after a line with a multi-byte character.
    expect(decodeUtf8(bytes('a: ✓\nname: caf', [0xe9], '\n'))).toEqual({
      problem: {
        line: 2,
        column: 10,
        message: 'expected UTF-8 text, found the bytes E9 0A; save the file as UTF-8 (it may be Latin-1 or Windows-1252)',
      },
    });
  });

  it('rejects overlong forms, surrogates and truncated sequences', () => {
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]]) {
      const outcome = decodeUtf8(bytes('x', bad));
      expect(outcome, bad.join(' ')).toHaveProperty('problem.column', 2);
    }
  });

  it('names UTF-16 by its byte-order mark', () => {
    expect(decodeUtf8(Uint8Array.from([0xff, 0xfe, 0x6e, 0x00]))).toEqual({
      problem: { line: 1, column: 1, message: 'expected UTF-8 text, found UTF-16 (it starts with a byte-order mark); save the file as UTF-8' },
    });
  });
});
