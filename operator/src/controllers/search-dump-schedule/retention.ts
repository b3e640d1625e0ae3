// Pure retention rules of a schedule's dumps: which finished dumps to prune.
//   - the newest `successfulLimit` Succeeded dumps are kept, older ones pruned;
//   - the newest `failedLimit` Failed dumps are kept, older ones pruned;
//   - with maxAge, a finished dump that completed longer ago than that is pruned too, except the
//     newest Succeeded dump: however old, it is the one good copy there is;
//   - dumps still running are never pruned here (Replace deletes them, separately), and neither
//     is a dump something else depends on (an instance bootstraps or upgrades from it).

export interface DumpRecord {
  name: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** The slot the dump was created for (or its creation time): the order of the history. */
  slot: Date;
  completedAt?: Date | undefined;
}

export interface RetentionPolicy {
  successfulLimit: number;
  failedLimit: number;
  maxAgeMs?: number | undefined;
  now: Date;
  /** Names that must stay whatever the limits say. */
  protectedNames?: ReadonlySet<string>;
}

const newestFirst = (a: DumpRecord, b: DumpRecord): number => b.slot.getTime() - a.slot.getTime() || (a.name < b.name ? 1 : -1);

/** Names to prune, oldest first. */
export function dumpsToPrune(dumps: readonly DumpRecord[], p: RetentionPolicy): string[] {
  const prune = new Set<string>();
  const succeeded = dumps.filter((d) => d.phase === 'Succeeded').sort(newestFirst);
  const failed = dumps.filter((d) => d.phase === 'Failed').sort(newestFirst);
  for (const d of succeeded.slice(Math.max(0, p.successfulLimit))) prune.add(d.name);
  for (const d of failed.slice(Math.max(0, p.failedLimit))) prune.add(d.name);
  if (p.maxAgeMs !== undefined) {
    const cutoff = p.now.getTime() - p.maxAgeMs;
    const newestGood = succeeded[0]?.name;
    for (const d of [...succeeded, ...failed]) {
      if (d.name === newestGood) continue;
      if ((d.completedAt ?? d.slot).getTime() < cutoff) prune.add(d.name);
    }
  }
  return dumps
    .filter((d) => prune.has(d.name) && !p.protectedNames?.has(d.name))
    .sort((a, b) => -newestFirst(a, b))
    .map((d) => d.name);
}

const UNIT_MS: Record<string, number> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** "1w2d", "36h", "90m" -> milliseconds; undefined when the text is not such a duration. */
export function parseMaxAge(text: string): number | undefined {
  if (!/^(\d+[wdhms])+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)([wdhms])/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}
