// Version order for upgrades and the downgrade rule. Versions are the schema's pattern:
// [v]MAJOR.MINOR.PATCH[-PRERELEASE], ordered as semver orders them (a prerelease sorts before
// its release; prerelease identifiers compare numerically when both are numbers).
import type { SearchInstance } from '../../../api/search-instance.ts';

/** Annotation by which a user asks for a downgrade on purpose. */
export const ALLOW_DOWNGRADE_ANNOTATION = 'searchkube.io/allow-downgrade';

interface Parsed {
  core: [number, number, number];
  pre: string[];
}

export function parseVersion(v: string): Parsed | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(v);
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/** Negative when a < b, 0 when equal, positive when a > b; unparsable versions compare as strings. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) if (pa.core[i] !== pb.core[i]) return pa.core[i]! - pb.core[i]!;
  if (pa.pre.length === 0 || pb.pre.length === 0) return pb.pre.length - pa.pre.length;
  for (let i = 0; i < Math.min(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i]!;
    const y = pb.pre[i]!;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return pa.pre.length - pb.pre.length;
}

export function downgradeAllowed(si: SearchInstance): boolean {
  return si.metadata.annotations?.[ALLOW_DOWNGRADE_ANNOTATION] === 'true';
}
