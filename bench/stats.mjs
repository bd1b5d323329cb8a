// Small helpers shared by the benches.

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Collects garbage when node runs with --expose-gc (npm run bench does); a no-op otherwise. */
export const collectGarbage = () => globalThis.gc?.();
