// Processes can't see a container's absolute mount paths (no mount namespaces), so each mount path
// is replaced by the local directory that backs it, in args, env values and workingDir.

export interface Mount {
  mountPath: string;
  dir: string;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Rewrites every occurrence of a mount path that starts a path: at the start of the string or after
 * `=`, `:` or `,`, and followed by the end, `/`, `:` or `,`. So `--db-path=/data/db` with /data
 * mounted becomes `--db-path=<dir>/db`, while `/database` or `/x/data` are left alone.
 * Longer mount paths win over their prefixes (/data/dumps before /data).
 */
export function rewritePaths(s: string, mounts: readonly Mount[]): string {
  const sorted = [...mounts].filter((m) => m.mountPath !== '/').sort((a, b) => b.mountPath.length - a.mountPath.length);
  if (sorted.length === 0) return s;
  const byPath = new Map(sorted.map((m) => [m.mountPath.replace(/\/+$/, ''), m.dir]));
  const alternation = [...byPath.keys()].map(escapeRe).join('|');
  const re = new RegExp(`(^|[=:,])(${alternation})(?=$|[/:,])`, 'g');
  return s.replace(re, (_m, lead: string, p: string) => lead + byPath.get(p)!);
}
