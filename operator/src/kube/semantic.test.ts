import { describe, expect, it } from 'vitest';
import { FakeApi } from '../testing/fake-api.ts';
import { FakeClock } from '../testing/fake-clock.ts';
import { applyIfChanged } from './apply.ts';
import { isSubset, mergePatchFor, parseQuantity } from './semantic.ts';
import { SERVICES } from './resource.ts';
import { patchStatusIfChanged, setCondition } from './status.ts';
import { EventRecorder } from './events.ts';

describe('parseQuantity', () => {
  it('reads binary, decimal and exponent suffixes', () => {
    expect(parseQuantity('1Gi')).toBe(2 ** 30);
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('0.3.0')).toBeUndefined();
  });
});

describe('isSubset', () => {
  it('ignores fields only the live object has (defaults, status)', () => {
    expect(isSubset({ spec: { a: 1 } }, { spec: { a: 1, b: 2 }, status: {} })).toBe(true);
    expect(isSubset({ spec: { a: 1 } }, { spec: { a: 2 } })).toBe(false);
  });

  it('compares lists element by element and by length', () => {
    expect(isSubset([{ name: 'a' }], [{ name: 'a', protocol: 'TCP' }])).toBe(true);
    expect(isSubset([{ name: 'a' }], [{ name: 'a' }, { name: 'b' }])).toBe(false);
  });

  it('compares quantities by value, as the apiserver canonicalizes them', () => {
    expect(isSubset({ cpu: '1000m', memory: '1024Mi' }, { cpu: '1', memory: '1Gi' })).toBe(true);
    expect(isSubset({ cpu: '500m' }, { cpu: '1' })).toBe(false);
  });

  it('treats empty collections like absent ones', () => {
    expect(isSubset({ env: [], labels: {} }, {})).toBe(true);
  });
});

describe('mergePatchFor', () => {
  it('sets changed keys, nulls removed ones, recurses into objects', () => {
    expect(mergePatchFor({ a: 1, b: { c: 1, d: 2 }, e: 1 }, { a: 2, b: { c: 1 } })).toEqual({ a: 2, b: { d: null }, e: null });
  });
});

import type { V1Service } from '@kubernetes/client-node';
import type { ConditionLike } from './status.ts';

const svc: V1Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n' }, spec: { ports: [{ port: 7700 }] } };

describe('applyIfChanged', () => {
  const o = { fieldManager: 'm', hashAnnotation: 'x/hash' };

  it('applies a missing object, then sends nothing while it matches', async () => {
    const api = new FakeApi();
    const live = await applyIfChanged(api, SERVICES, svc, undefined, o);
    expect(live?.metadata?.annotations?.['x/hash']).toMatch(/^[0-9a-f]{16}$/);
    expect(await applyIfChanged(api, SERVICES, svc, live, o)).toBeUndefined();
    expect(api.writes()).toHaveLength(1);
  });

  it('applies again when a field we set was changed by someone, or when we stop setting one', async () => {
    const api = new FakeApi();
    const live = (await applyIfChanged(api, SERVICES, { ...svc, spec: { ...svc.spec, type: 'ClusterIP' } }, undefined, o))!;
    const drifted: V1Service = { ...live, spec: { ...live.spec, ports: [{ port: 1 }] } };
    expect(await applyIfChanged(api, SERVICES, { ...svc, spec: { ...svc.spec, type: 'ClusterIP' } }, drifted, o)).toBeDefined();
    expect(await applyIfChanged(api, SERVICES, svc, live, o)).toBeDefined();
  });
});

describe('conditions and status', () => {
  const t1 = new Date('2026-01-01T00:00:00Z');
  const t2 = new Date('2026-01-01T01:00:00Z');

  it('keeps lastTransitionTime unless the status flips', () => {
    let c = setCondition<ConditionLike>([], { type: 'Ready', status: 'False', reason: 'Provisioning', message: 'a' }, t1);
    c = setCondition(c, { type: 'Ready', status: 'False', reason: 'PodNotReady', message: 'b' }, t2);
    expect(c).toEqual([{ type: 'Ready', status: 'False', reason: 'PodNotReady', message: 'b', lastTransitionTime: '2026-01-01T00:00:00Z' }]);
    c = setCondition(c, { type: 'Ready', status: 'True', reason: 'EngineReady', message: 'c' }, t2);
    expect(c[0]!.lastTransitionTime).toBe('2026-01-01T01:00:00Z');
  });

  it('patches status only when it changed, with the resourceVersion as precondition', async () => {
    const api = new FakeApi();
    const obj = api.put(SERVICES, { ...svc, status: { phase: 'Ready', stats: { documents: 1, indexes: 1 } } } as never) as never as { status: unknown; metadata: { resourceVersion: string } };
    expect(await patchStatusIfChanged(api, SERVICES, obj as never, { phase: 'Ready', stats: { indexes: 1, documents: 1 } })).toBeUndefined();
    await patchStatusIfChanged(api, SERVICES, obj as never, { phase: 'Ready', stats: { indexes: 1, documents: 2 } });
    expect(api.writes()).toEqual([{ verb: 'mergePatch', plural: 'services', name: 's', subresource: 'status', body: { metadata: { resourceVersion: obj.metadata.resourceVersion }, status: { stats: { documents: 2 } } } }]);
  });
});

describe('EventRecorder', () => {
  it('creates an Event, then counts repeats of it instead of adding more', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const rec = new EventRecorder({ api, clock, component: 'op', instance: 'op-1' });
    const involved = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n', uid: 'u' } };
    await rec.record(involved, 'Warning', 'Failed', 'boom');
    await clock.advance(1000);
    await rec.record(involved, 'Warning', 'Failed', 'boom');
    expect(api.writes().map((c) => c.verb)).toEqual(['create', 'mergePatch']);
    expect((api.writes()[1]!.body as { count: number }).count).toBe(2);
  });
});
