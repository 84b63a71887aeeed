// Sequence sets (RFC 3501 §9 sequence-set): "1,3:5,7:*". The same syntax names message sequence numbers
// or UIDs; `*` is the largest number in use (the last message, or the highest UID).

/** One range; `end` may be below `start` (3:1 is 1:3). Infinity stands for `*`. */
export interface SequenceRange {
  start: number;
  end: number;
}

const NUMBER = /^(?:\*|[1-9]\d{0,9})$/;

/** Parses a sequence set; undefined when it is not one. */
export function parseSequenceSet(text: string): SequenceRange[] | undefined {
  if (!text) return undefined;
  const ranges: SequenceRange[] = [];
  for (const part of text.split(',')) {
    const [first, second, extra] = part.split(':');
    if (extra !== undefined || !first || !NUMBER.test(first) || (second !== undefined && !NUMBER.test(second))) return undefined;
    const start = value(first);
    const end = second === undefined ? start : value(second);
    if ([start, end].some((n) => n !== Infinity && n > 0xffffffff)) return undefined;
    ranges.push({ start, end });
  }
  return ranges;
}

function value(text: string): number {
  return text === '*' ? Infinity : Number(text);
}

/** Whether n is in the set, `*` standing for `star` (the largest number in use). */
export function inSequenceSet(ranges: SequenceRange[], n: number, star: number): boolean {
  for (const range of ranges) {
    const a = range.start === Infinity ? star : range.start;
    const b = range.end === Infinity ? star : range.end;
    if (n >= Math.min(a, b) && n <= Math.max(a, b)) return true;
  }
  return false;
}

/** The largest explicit number in the set (to reject message numbers beyond the mailbox). */
export function largestNumber(ranges: SequenceRange[]): number {
  return Math.max(0, ...ranges.flatMap((r) => [r.start, r.end]).filter((n) => n !== Infinity));
}

/** Compact form of a list of numbers, in the given order: [1,2,3,5] → "1:3,5" (COPYUID, APPENDUID). */
export function formatSequenceSet(numbers: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    parts.push(j === i ? String(numbers[i]) : `${numbers[i]}:${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
