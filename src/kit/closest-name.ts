/**
 * The known name a mistyped one most likely meant, pure. Names are compared after lowercasing
 * and dropping everything but letters and digits, so `endDate`, `end-date` and `END_DATE` all
 * meet `end_date` at distance 0; beyond that, an edit distance (insert, delete, substitute, swap
 * two neighbours) of at most a third of the longer name, and at least 1, counts as close. A name
 * with nothing close gets undefined: a wild guess would mislead more than no guess.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const typed = normalise(name);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const target = normalise(candidate);
    const distance = editDistance(typed, target);
    const limit = Math.max(1, Math.floor(Math.max(typed.length, target.length) / 3));
    // Ties go to the earlier candidate: `known` is in the spec's order, the order a user sees.
    if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Optimal string alignment distance: Levenshtein plus the swap of two adjacent characters. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
