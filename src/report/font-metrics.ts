/**
 * Text widths from a TrueType font's own advance widths.
 *
 * Headless vega has no canvas to measure text with and falls back to 0.8 × font size per
 * character, which is about 40 % too wide for DejaVu Sans: legends and axes then reserve
 * space for text that is not there and truncate labels that would fit. Reading the advances
 * from the font file (the `cmap`, `hhea`, `hmtx` and `head` tables) gives the widths resvg
 * will actually draw, kerning aside.
 */
import { readFileSync } from 'node:fs';

export interface FontMetrics {
  /** Width of `text` at `fontSize` pixels, in pixels. */
  width(text: string, fontSize: number): number;
}

interface TableRecord {
  offset: number;
  length: number;
}

function tableDirectory(font: DataView): Map<string, TableRecord> {
  const tables = new Map<string, TableRecord>();
  const count = font.getUint16(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(
      font.getUint8(at),
      font.getUint8(at + 1),
      font.getUint8(at + 2),
      font.getUint8(at + 3),
    );
    tables.set(tag, { offset: font.getUint32(at + 8), length: font.getUint32(at + 12) });
  }
  return tables;
}

function requireTable(tables: Map<string, TableRecord>, tag: string): TableRecord {
  const table = tables.get(tag);
  if (!table) throw new Error(`font has no '${tag}' table`);
  return table;
}

/** Offset of the Unicode BMP subtable (format 4) of `cmap`: Windows Unicode, else Unicode. */
function unicodeSubtable(font: DataView, cmap: TableRecord): number {
  const count = font.getUint16(cmap.offset + 2);
  let fallback = -1;
  for (let i = 0; i < count; i++) {
    const at = cmap.offset + 4 + 8 * i;
    const platform = font.getUint16(at);
    const encoding = font.getUint16(at + 2);
    const offset = cmap.offset + font.getUint32(at + 4);
    if (font.getUint16(offset) !== 4) continue;
    if (platform === 3 && encoding === 1) return offset;
    if (platform === 0) fallback = offset;
  }
  if (fallback < 0) throw new Error('font has no Unicode BMP (format 4) cmap subtable');
  return fallback;
}

/** A code point → glyph id lookup over a format-4 cmap subtable. */
function glyphLookup(font: DataView, subtable: number): (codePoint: number) => number {
  const segments = font.getUint16(subtable + 6) / 2;
  const ends = subtable + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (c) => {
    if (c > 0xffff) return 0;
    for (let i = 0; i < segments; i++) {
      if (c > font.getUint16(ends + 2 * i)) continue;
      const start = font.getUint16(starts + 2 * i);
      if (c < start) return 0;
      const delta = font.getUint16(deltas + 2 * i);
      const rangeOffsetAt = rangeOffsets + 2 * i;
      const rangeOffset = font.getUint16(rangeOffsetAt);
      if (rangeOffset === 0) return (c + delta) & 0xffff;
      const glyph = font.getUint16(rangeOffsetAt + rangeOffset + 2 * (c - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

/** Reads the advance widths of a TrueType file (`.ttf`). */
export function loadFontMetrics(path: string): FontMetrics {
  const bytes = readFileSync(path);
  const font = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = tableDirectory(font);
  const unitsPerEm = font.getUint16(requireTable(tables, 'head').offset + 18);
  const longMetrics = font.getUint16(requireTable(tables, 'hhea').offset + 34);
  const hmtx = requireTable(tables, 'hmtx').offset;
  const glyphOf = glyphLookup(font, unicodeSubtable(font, requireTable(tables, 'cmap')));
  // Glyphs beyond the long metrics share the last advance (the monospaced tail of the table).
  const advanceOfGlyph = (glyph: number) => font.getUint16(hmtx + 4 * Math.min(glyph, longMetrics - 1));

  const advances = new Map<number, number>();
  const advance = (codePoint: number): number => {
    let units = advances.get(codePoint);
    if (units === undefined) {
      units = advanceOfGlyph(glyphOf(codePoint));
      advances.set(codePoint, units);
    }
    return units;
  };
  return {
    width(text, fontSize) {
      let units = 0;
      for (const ch of text) units += advance(ch.codePointAt(0)!);
      return (units * fontSize) / unitsPerEm;
    },
  };
}
