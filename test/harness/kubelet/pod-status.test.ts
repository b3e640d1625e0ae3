import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { buildPodStatus } from './pod-status.ts';
import type { ContainerSnapshot } from './container-runner.ts';

const pod: V1Pod = {
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'a' }] },
  status: { conditions: [{ type: 'PodScheduled', status: 'True' }] },
};
const running = (ready: boolean): ContainerSnapshot => ({
  name: 'a', image: 'i', imageID: 'i', state: { running: { startedAt: new Date() } }, lastState: {}, restartCount: 0, ready, started: true,
});
const base = { pod, podIP: '127.1.0.1', hostIP: '127.0.0.1', startTime: new Date(), sandboxReady: true, initialized: true, init: [] };

describe('buildPodStatus', () => {
  it('is Running and Ready when every container runs and is ready, keeping PodScheduled', () => {
    const s = buildPodStatus({ ...base, main: [running(true)] });
    expect(s.phase).toBe('Running');
    expect(s.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodScheduled=True', 'PodReadyToStartContainers=True', 'Initialized=True', 'ContainersReady=True', 'Ready=True',
    ]);
  });

  it('is Pending while a container never started (e.g. image missing)', () => {
    const waiting: ContainerSnapshot = { ...running(false), state: { waiting: { reason: 'ImagePullBackOff' } }, started: false };
    const s = buildPodStatus({ ...base, main: [waiting] });
    expect(s.phase).toBe('Pending');
    expect(s.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('keeps lastTransitionTime while a condition does not flip', () => {
    const t = new Date('2020-01-01T00:00:00Z');
    const s = buildPodStatus({ ...base, main: [running(true)], previousConditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] });
    expect(s.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toEqual(t);
  });
});
