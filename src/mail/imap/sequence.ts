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
    if (extra !== undefined || !first || !NUMBER.test(first) || (second !== undefined && !NUMBER.test(second)))
      return undefined;
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

/**
 * Whether n is in the set, `*` standing for `star` (the largest number in use). Called once per message with
 * the same set: the set is sorted and merged once per `star` (a client's set may hold thousands of ranges),
 * then each call is a binary search.
 */
export function inSequenceSet(ranges: SequenceRange[], n: number, star: number): boolean {
  let resolved = RESOLVED.get(ranges);
  if (resolved?.star !== star) RESOLVED.set(ranges, (resolved = { star, intervals: resolve(ranges, star) }));
  const { intervals } = resolved;
  let low = 0;
  let high = intervals.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const [a, b] = intervals[mid]!;
    if (n < a) high = mid - 1;
    else if (n > b) low = mid + 1;
    else return true;
  }
  return false;
}

const RESOLVED = new WeakMap<SequenceRange[], { star: number; intervals: [number, number][] }>();

/** The ranges with `*` replaced, ordered and merged into disjoint intervals. */
function resolve(ranges: SequenceRange[], star: number): [number, number][] {
  const sorted = ranges
    .map(({ start, end }): [number, number] => {
      const a = start === Infinity ? star : start;
      const b = end === Infinity ? star : end;
      return [Math.min(a, b), Math.max(a, b)];
    })
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = merged.at(-1);
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

/** The largest explicit number in the set (to reject message numbers beyond the mailbox). */
export function largestNumber(ranges: SequenceRange[]): number {
  let largest = 0; // a loop, not Math.max(...): a set may hold more ranges than a call takes arguments
  for (const { start, end } of ranges) {
    if (start !== Infinity && start > largest) largest = start;
    if (end !== Infinity && end > largest) largest = end;
  }
  return largest;
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
