// Which upgrade path an engine image needs. Searchkube's engine: always a dump and --import-dump
// into a fresh /data/db-<version> (its on-disk format is bound to its version). Upstream
// Meilisearch (research/operators.md, 1.6): a database written by v1.12 or later can be upgraded
// in place by a v1.13+ binary, with `--experimental-dumpless-upgrade` up to v1.50 and with
// `--upgrade-db` from v1.51 on (where the old flag makes the binary exit); older sources, and
// anything that is not an upgrade (a downgrade the user asked for), go through a dump.
//
// In place still keeps the old database for a rollback: an init step copies /data/db-<from> to
// /data/db-<to> and the new binary migrates the copy (the "snapshot first" the upstream docs ask
// for), so the previous version's directory stays untouched, as with a dump.
import { INSTANCE_DEFAULTS, type SearchInstance } from '../../../api/search-instance.ts';
import { isSearchkubeEngine } from '../../../resources/dumps-agent.ts';
import { compareVersions, parseVersion } from './versions.ts';

export type UpgradePath = { mode: 'Dump' } | { mode: 'Dumpless'; flag: '--experimental-dumpless-upgrade' | '--upgrade-db' };

export function isUpstream(si: SearchInstance): boolean {
  return !isSearchkubeEngine(si.spec.image?.repository ?? INSTANCE_DEFAULTS.repository);
}

export function upstreamUpgradePath(from: string, to: string): UpgradePath {
  const f = parseVersion(from);
  const t = parseVersion(to);
  if (!f || !t || compareVersions(to, from) <= 0) return { mode: 'Dump' };
  const atLeast = (v: typeof f, major: number, minor: number) => v.core[0] > major || (v.core[0] === major && v.core[1] >= minor);
  if (!atLeast(f, 1, 12) || !atLeast(t, 1, 13)) return { mode: 'Dump' };
  return { mode: 'Dumpless', flag: atLeast(t, 1, 51) ? '--upgrade-db' : '--experimental-dumpless-upgrade' };
}

export function upgradePath(si: SearchInstance, from: string, to: string): UpgradePath {
  return isUpstream(si) ? upstreamUpgradePath(from, to) : { mode: 'Dump' };
}
