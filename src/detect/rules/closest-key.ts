/**
 * The allowed key an unknown key was most likely meant to be, for "did you
 * mean" hints: the nearest by edit distance, if the typo is small next to the
 * key (at most 2 edits, and fewer than half its letters). `null` otherwise,
 * so an unrelated key gets the list of allowed keys instead of a bad guess.
 */
export function closestKey(unknown: string, allowed: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;

  for (const key of allowed) {
    const distance = editDistance(unknown.toLowerCase(), key.toLowerCase());
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }

  const limit = Math.min(2, Math.ceil((best?.length ?? 0) / 2) - 1);
  return bestDistance <= limit ? best : null;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and
 * swaps of two adjacent letters (`cooldwon`) each cost one.
 */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;

  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      if (swapped) distance = Math.min(distance, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = distance;
    }
  }
  return at(a.length, b.length);
}
