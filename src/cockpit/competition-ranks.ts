/** Competition ranks (1, 2, 2, 4) by a count, highest first; zero rows are kept at the end. */
export function rankBy<T>(
  rows: T[],
  value: (row: T) => number,
): (T & { rank: number; value: number })[] {
  const sorted = [...rows].sort((a, b) => value(b) - value(a));
  let rank = 0;
  return sorted.map((row, index) => {
    if (index === 0 || value(sorted[index - 1]) !== value(row)) {
      rank = index + 1;
    }
    return { ...row, value: value(row), rank };
  });
}
