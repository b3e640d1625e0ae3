import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExtraPairs, Postings, rowRoom } from './postings.ts';

/**
 * The postings against a naive model (term -> document -> occurrences) over random writes:
 * documents added (always under a new, larger id, as the index does), removed, extra pairs (as
 * the prefix rows add them), seals at any point, terms retained and ids renumbered. After every
 * seal each row must hold exactly the model's alive pairs, in document order, and the seal must
 * report the changes read caches rely on. Both ways of sealing (in place, rows laid out again)
 * are reached: small writes fit the rows' room, bursts and many removals do not.
 */

type Op =
  | { kind: 'add'; terms: Array<[term: number, occs: number[]]>; extra: number[] }
  | { kind: 'remove'; pick: number }
  | { kind: 'seal'; newTerms: number }
  | { kind: 'retain' }
  | { kind: 'renumber' };

const occsArb = fc.uniqueArray(fc.integer({ min: 0, max: 0x3ffff }), { minLength: 1, maxLength: 4 }).map((o) => o.sort((a, b) => a - b));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), terms: fc.uniqueArray(fc.tuple(fc.nat(40), occsArb), { maxLength: 6, selector: ([t]) => t }), extra: fc.uniqueArray(fc.nat(40), { maxLength: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('seal' as const), newTerms: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'retain' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'renumber' as const }) },
);

/** The model's rows: term -> document -> occurrences, alive documents only. */
type Model = Map<number, Map<number, number[]>>;

function rowOf(postings: Postings, t: number): Array<[number, number[]]> {
  const out: Array<[number, number[]]> = [];
  for (let p = postings.termStart[t]!; p < postings.termEnd[t]!; p++) {
    out.push([postings.docs[p]!, Array.from(postings.occ.subarray(postings.occStart[p]!, postings.occStart[p + 1]!))]);
  }
  return out;
}

function modelRow(model: Model, t: number): Array<[number, number[]]> {
  return [...(model.get(t) ?? new Map<number, number[]>())].sort((a, b) => a[0] - b[0]);
}

class Harness {
  readonly postings = new Postings();
  /** What the rows should hold after the next seal. */
  readonly model: Model = new Map();
  /** What they held after the last one. */
  sealedModel: Model = new Map();
  alive = new Uint32Array(64);
  nextId = 0;
  termCount = 8;
  live: number[] = [];
  extra = new ExtraPairs();
  /** Extra pairs wait per term, to be handed over in document order at the seal. */
  pendingExtra = new Map<number, Array<[number, number[]]>>();
  gainedSinceSeal = new Set<number>();
  removedSinceSeal: number[] = [];

  setAlive(d: number, on: boolean): void {
    if (d >>> 5 >= this.alive.length) {
      const grown = new Uint32Array(this.alive.length * 2);
      grown.set(this.alive);
      this.alive = grown;
    }
    if (on) this.alive[d >>> 5]! |= 1 << (d & 31);
    else this.alive[d >>> 5]! &= ~(1 << (d & 31));
  }

  run(op: Op): void {
    switch (op.kind) {
      case 'add': {
        // (After a retain dropped every row, the vocabulary grows again.)
        if (this.termCount < 2) this.termCount = 2;
        const d = this.nextId++;
        this.setAlive(d, true);
        this.live.push(d);
        // Pending pairs go to even terms, extra ones to odd terms: as word rows and prefix rows,
        // no term gets both (the seal appends the extra pairs after the pending ones).
        for (const [raw, occs] of op.terms) {
          const t = (raw % this.termCount) & ~1;
          if (this.model.get(t)?.has(d) === true) continue;
          this.postings.add(t, d, occs, 0, occs.length);
          this.#put(t, d, occs);
        }
        for (const raw of op.extra) {
          const t = (raw % this.termCount) | 1;
          if (t >= this.termCount || this.model.get(t)?.has(d) === true) continue;
          const occs = [d & 0xffff];
          (this.pendingExtra.get(t) ?? this.pendingExtra.set(t, []).get(t)!).push([d, occs]);
          this.#put(t, d, occs);
        }
        break;
      }
      case 'remove': {
        if (this.live.length === 0) return;
        const [d] = this.live.splice(op.pick % this.live.length, 1);
        this.setAlive(d!, false);
        this.postings.markRemoved(d!);
        this.removedSinceSeal.push(d!);
        for (const [t, row] of this.model) if (row.delete(d!) && row.size === 0) this.model.delete(t);
        break;
      }
      case 'seal':
        this.termCount += op.newTerms;
        this.seal();
        break;
      case 'retain': {
        this.seal();
        const mapping = this.postings.retainTerms(() => true);
        const renamed: Model = new Map();
        for (const [t, row] of this.model) {
          expect(mapping[t]).toBeGreaterThanOrEqual(0);
          renamed.set(mapping[t]!, row);
        }
        this.#replaceModel(renamed);
        this.termCount = this.postings.sealedTermCount;
        this.#check();
        break;
      }
      case 'renumber': {
        this.seal();
        const mapping = new Int32Array(this.nextId).fill(-1);
        const sorted = [...this.live].sort((a, b) => a - b);
        sorted.forEach((d, i) => (mapping[d] = i));
        this.postings.remapDocs(mapping);
        this.alive.fill(0);
        sorted.forEach((_, i) => this.setAlive(i, true));
        this.live = sorted.map((_, i) => i);
        this.nextId = sorted.length;
        const renamed: Model = new Map();
        for (const [t, row] of this.model) renamed.set(t, new Map([...row].map(([d, o]) => [mapping[d]!, o])));
        this.#replaceModel(renamed);
        this.#check();
        break;
      }
    }
  }

  #put(t: number, d: number, occs: number[]): void {
    (this.model.get(t) ?? this.model.set(t, new Map()).get(t)!).set(d, occs);
    this.gainedSinceSeal.add(t);
  }

  #replaceModel(model: Model): void {
    this.model.clear();
    for (const [t, row] of model) this.model.set(t, row);
    this.sealedModel = structuredClone(model);
  }

  seal(): void {
    for (const [t, pairs] of this.pendingExtra) {
      for (const [d, occs] of pairs) {
        this.extra.begin(t, d);
        for (const o of occs) this.extra.occ.push(o);
      }
    }
    const oldTerms = this.postings.sealedTermCount;
    this.postings.seal(this.termCount, this.alive, this.extra);
    const changes = this.postings.lastSeal;
    // Terms that received an alive pair (a document added then removed before the seal gives none).
    const gained = [...this.gainedSinceSeal].filter((t) => [...(this.model.get(t)?.keys() ?? [])].some((d) => !this.sealedModel.get(t)?.has(d)));
    const count = (m: Model, t: number): number => m.get(t)?.size ?? 0;
    const counted = [...Array(oldTerms).keys()].filter((t) => count(this.sealedModel, t) !== count(this.model, t));
    const flipped = counted.filter((t) => count(this.sealedModel, t) > 0 !== count(this.model, t) > 0);
    expect(changes.removed).toEqual(this.removedSinceSeal);
    expect(new Set(changes.gained)).toEqual(new Set(gained));
    expect(new Set(changes.counted)).toEqual(new Set(counted));
    expect(new Set(changes.flipped)).toEqual(new Set(flipped));
    this.extra = new ExtraPairs();
    this.pendingExtra.clear();
    this.gainedSinceSeal.clear();
    this.removedSinceSeal = [];
    this.sealedModel = structuredClone(this.model);
    this.#check();
  }

  #check(): void {
    expect(this.postings.sealedTermCount).toBe(this.termCount);
    for (let t = 0; t < this.termCount; t++) {
      expect(rowOf(this.postings, t), `row ${t}`).toEqual(modelRow(this.model, t));
      expect(this.postings.docCount(t)).toBe(this.model.get(t)?.size ?? 0);
      // A row stays within its slots.
      expect(this.postings.termEnd[t]).toBeLessThanOrEqual(this.postings.slotEnd[t]!);
    }
    // Rows own disjoint slots and disjoint occurrences, all before the spare room.
    const { termStart, slotEnd, occStart } = this.postings;
    // (Rows without slots first among those starting at the same place.)
    const owned = [...Array(this.termCount).keys()].sort((a, b) => termStart[a]! - termStart[b]! || slotEnd[a]! - slotEnd[b]!);
    for (let i = 0; i < owned.length; i++) {
      const t = owned[i]!;
      const next = i + 1 < owned.length ? termStart[owned[i + 1]!]! : termStart[this.termCount]!;
      expect(slotEnd[t], `row ${t} ends before the next one starts`).toBeLessThanOrEqual(next);
      expect(occStart[slotEnd[t]!], `row ${t}'s occurrences end before the next row's`).toBeLessThanOrEqual(occStart[next]!);
      expect(occStart[this.postings.termEnd[t]!]).toBeLessThanOrEqual(occStart[slotEnd[t]!]!);
    }
    expect(this.postings.emptyTermCount()).toBe([...Array(this.termCount).keys()].filter((t) => !this.model.has(t)).length);
  }
}

describe('postings', () => {
  it.each([
    ['small rows laid out tight (the default)', { minPairs: 16, shift: 4 }],
    ['every row with room for half its size', { minPairs: 1, shift: 1 }],
  ])('hold exactly the alive pairs of every term after any writes, seals, retains and renumberings, and report what each seal changed: %s (property)', (_name, room) => {
    const stats = { inPlace: 0, laidOut: 0, moved: 0 };
    const saved = { ...rowRoom };
    Object.assign(rowRoom, room);
    try {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength: 80 }), (ops) => {
          const h = new Harness();
          for (const op of ops) h.run(op);
          h.seal();
          stats.inPlace += h.postings.sealStats.inPlace;
          stats.laidOut += h.postings.sealStats.laidOut;
          stats.moved += h.postings.sealStats.moved;
        }),
        { numRuns: 300 },
      );
    } finally {
      Object.assign(rowRoom, saved);
    }
    // The property covered both ways of sealing.
    expect(stats.inPlace).toBeGreaterThan(100);
    expect(stats.laidOut).toBeGreaterThan(100);
    expect(stats.moved).toBeGreaterThan(100);
  });

  it('merge a small write in place, move a row without room to the spare room at the end, and lay the rows out again once that is used up', () => {
    const h = new Harness();
    for (let d = 0; d < 40; d++) h.run({ kind: 'add', terms: [[0, [d]], [2, [1, 2]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 0, laidOut: 1, moved: 0 });
    // Rows of 40 pairs have 3 more slots: a replaced document and two new ones fit.
    h.run({ kind: 'remove', pick: 5 });
    h.run({ kind: 'add', terms: [[0, [7]], [2, [3]]], extra: [] });
    h.run({ kind: 'add', terms: [[0, [8]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 1, laidOut: 1, moved: 0 });
    // Six more do not: row 0 moves to the end, with room again.
    for (let i = 0; i < 6; i++) h.run({ kind: 'add', terms: [[0, [i]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 2, laidOut: 1, moved: 1 });
    const movedTo = h.postings.termStart[0]!;
    expect(movedTo).toBeGreaterThan(h.postings.termStart[2]!);
    // The spare room (1024 slots and 1/32 of those in use) cannot take 1100 more.
    for (let i = 0; i < 1100; i++) h.run({ kind: 'add', terms: [[0, [i]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 2, laidOut: 2, moved: 1 });
    expect(h.postings.termStart[0]).toBe(0);
  });

  it('lay the rows out again when a moved row does not fit the spare slots, whatever the room for occurrences', () => {
    const h = new Harness();
    const many = Array.from({ length: 64 }, (_, i) => i);
    // 400 documents of 64 occurrences in row 2: spare room for 1024 + 800 occurrences, but for
    // only 1024 + ~26 slots.
    for (let d = 0; d < 400; d++) h.run({ kind: 'add', terms: [[0, [d]], [2, many]], extra: [] });
    h.seal();
    for (let i = 0; i < 1100; i++) h.run({ kind: 'add', terms: [[0, [i]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 0, laidOut: 2, moved: 0 });
  });

  it('move a row that gets one pair more than it has slots for', () => {
    const h = new Harness();
    for (let d = 0; d < 16; d++) h.run({ kind: 'add', terms: [[0, [d]], [2, [d]]], extra: [] });
    h.seal();
    // Row 0: 16 pairs in 18 slots, room for 5 more occurrences; three new pairs of one each.
    for (let i = 0; i < 3; i++) h.run({ kind: 'add', terms: [[0, [i]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 1, laidOut: 1, moved: 1 });
  });

  it('take a replaced document back into a small (tight) row in place only when it fills the row exactly, and move the row otherwise', () => {
    const h = new Harness();
    for (let d = 0; d < 5; d++) h.run({ kind: 'add', terms: [[0, [d, d + 1]], [2, [9]]], extra: [] });
    h.seal();
    // Document 3 replaced with the same words and as many occurrences: the row is full again.
    h.run({ kind: 'remove', pick: 3 });
    h.run({ kind: 'add', terms: [[0, [4, 5]], [2, [9]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 1, laidOut: 1, moved: 0 });
    // One occurrence fewer than the removed pair had: the row's pairs would end short of the
    // next row's, so row 0 moves to the end, with room (row 2 is filled exactly again).
    h.run({ kind: 'remove', pick: 0 });
    h.run({ kind: 'add', terms: [[0, [1]], [2, [9]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 2, laidOut: 1, moved: 1 });
    // A new document in row 0: it has room now.
    h.run({ kind: 'add', terms: [[0, [1, 2]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 3, laidOut: 1, moved: 1 });
  });

  it('take several removed documents out of one row in place, whatever order they were removed in', () => {
    const h = new Harness();
    for (let d = 0; d < 10; d++) h.run({ kind: 'add', terms: [[0, [d]], [2, [d, d + 1]]], extra: [] });
    h.seal();
    // Live documents 0..9: remove 7, then 2, then 5 (picks are indexes into the live list).
    for (const pick of [7, 2, 4]) h.run({ kind: 'remove', pick });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 1, laidOut: 1, moved: 0 });
    expect(rowOf(h.postings, 0).map(([d]) => d)).toEqual([0, 1, 3, 4, 6, 8, 9]);
  });

  it('move a row that has room for the pair but not for its occurrences', () => {
    const h = new Harness();
    for (let d = 0; d < 16; d++) h.run({ kind: 'add', terms: [[0, [d]], [2, [d]]], extra: [] });
    h.seal();
    // Row 0 holds 16 pairs of one occurrence: room for 2 more pairs and 5 occurrences.
    h.run({ kind: 'add', terms: [[0, [1, 2, 3, 4, 5, 6]], [2, [1]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 1, laidOut: 1, moved: 1 });
    // Moved with 17 pairs and 22 occurrences, it has room for 2 more pairs and 5 occurrences,
    // and takes these in place. Row 2 (18 slots, 17 pairs) would fill its last slot with one
    // occurrence short of its room for them: it moves.
    h.run({ kind: 'add', terms: [[0, [1, 2, 3, 4, 5]], [2, [1]]], extra: [] });
    h.seal();
    expect(h.postings.sealStats).toEqual({ inPlace: 2, laidOut: 1, moved: 2 });
    expect(h.postings.termStart[0]).toBeLessThan(h.postings.termStart[2]!);
  });
});
