/**
 * Reading the text of a user's file (scenario or data file) as strict UTF-8: a byte sequence
 * that is not UTF-8 is reported at its line and column instead of being decoded into U+FFFD
 * replacement characters that would surface later as a puzzling "found "2�"".
 */
import { readFileSync } from 'node:fs';

/** Where the first byte that is not UTF-8 sits, and what it is. */
export interface Utf8Problem {
  /** 1-based, counted in the valid text before it. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The file's text, or the problem with its encoding; throws only when the file cannot be read. */
export function readUtf8File(path: string): { text: string } | { problem: Utf8Problem } {
  return decodeUtf8(readFileSync(path));
}

export function decodeUtf8(bytes: Uint8Array): { text: string } | { problem: Utf8Problem } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { problem: { line: 1, column: 1, message: 'expected UTF-8 text, found UTF-16 (it starts with a byte-order mark); save the file as UTF-8' } };
  }
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    const at = firstInvalidByte(bytes);
    const before = decoder.decode(bytes.subarray(0, at));
    const lines = before.split(/\r\n|\n|\r/);
    const hex = Array.from(bytes.subarray(at, at + 2), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    return {
      problem: {
        line: lines.length,
        column: [...lines[lines.length - 1]!].length + 1,
        message: `expected UTF-8 text, found the bytes ${hex}; save the file as UTF-8 (it may be Latin-1 or Windows-1252)`,
      },
    };
  }
}

/** Index of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1];
    if (length > 1) {
      // The second byte's range is narrower after E0, ED, F0 and F4 (no overlongs, surrogates or > U+10FFFF).
      const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
      const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
      if (second === undefined || second < low || second > high) return i;
      for (let k = 2; k < length; k++) {
        const next = bytes[i + k]!;
        if (next < 0x80 || next > 0xbf) return i;
      }
    }
    i += length;
  }
  return bytes.length;
}
