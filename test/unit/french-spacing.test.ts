// French typography in every message of the catalogue (src/i18n/messages.ts) and in text the pages render
// around them: a non-breaking space (U+00A0, or the narrow U+202F) before « ; : ! ? » wherever the text puts
// a space there, and between a number and its unit (« 20 s », « 3 Mo »), so that no line ever starts with a
// colon or leaves a unit alone. Technical spellings without a space (X-MSS-MES: FIN, URLs) are left alone.
import { describe, expect, it } from 'vitest';
import { allMessages } from '../../src/i18n/messages.ts';
import { statsPercent } from '../../src/web/runner/views.ts';
import { formatSize } from '../../src/webmail/layout.ts';

/** A plain space before a French high punctuation mark (the mark followed by a space, the end, or a closing sign). */
const SPACE_BEFORE_PUNCTUATION = /(?<=\S) (?=[;:!?](?:\s|$|[»)"'’.,]))/u;
const UNITS = 's|ms|min|h|j|o|ko|Ko|Mo|Go|Kio|Mio|octets?|bits?|secondes?|minutes?|heures?|jours?|%';
/** A plain space between a number (or a number's placeholder) and a unit. */
const SPACE_BEFORE_UNIT = new RegExp(`(?<=\\d|\\{\\w+\\}) (?=(?:${UNITS})(?![\\p{L}\\d’']))`, 'u');

describe('French spacing', () => {
  const messages = Object.entries(allMessages());

  it('puts a non-breaking space before ; : ! ? in every message', () => {
    const wrong = messages
      .filter(([, text]) => SPACE_BEFORE_PUNCTUATION.test(text))
      .map(([key, text]) => `${key}: ${text.slice(0, 80)}`);
    expect(wrong).toEqual([]);
  });

  it('puts a non-breaking space between a number and its unit in every message', () => {
    const wrong = messages
      .filter(([, text]) => SPACE_BEFORE_UNIT.test(text))
      .map(([key, text]) => `${key}: ${text.slice(0, 80)}`);
    expect(wrong).toEqual([]);
  });

  it('renders sizes and rates with a non-breaking space', () => {
    for (const text of [formatSize(512), formatSize(12 * 1024), formatSize(3 * 1024 * 1024), statsPercent(0.5)]) {
      expect(text).toMatch(/^[\d,]+[\u00a0\u202f](o|ko|Mo|%)$/);
    }
  });
});
