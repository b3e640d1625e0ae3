// Pure computation of a pod's status from its containers' snapshots.
import type { V1Pod, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';
import type { ContainerSnapshot } from './container-runner.ts';
import { toDate } from './kube.ts';

export interface PodStatusInput {
  pod: V1Pod;
  podIP: string;
  hostIP: string;
  startTime: Date;
  /** Volumes are set up (the "sandbox" exists). */
  sandboxReady: boolean;
  /** All init containers completed (or there are none). */
  initialized: boolean;
  init: ContainerSnapshot[];
  main: ContainerSnapshot[];
  /** Set once no container will run again. */
  terminalPhase?: 'Succeeded' | 'Failed';
  /** Conditions last written (for lastTransitionTime); defaults to the pod's current ones. */
  previousConditions?: V1PodCondition[];
}

/** Condition types this kubelet owns; any other (PodScheduled, readiness gates, ...) is kept as is. */
export const OWNED_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready'];

type Cond = Pick<V1PodCondition, 'type' | 'status' | 'reason' | 'message'>;

/** Keeps lastTransitionTime from the previous condition of the same type when the status did not flip. */
function withTransitionTimes(conds: Cond[], previous: V1PodCondition[] | undefined, now: Date): V1PodCondition[] {
  return conds.map((c) => {
    const prev = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = prev && prev.status === c.status ? (toDate(prev.lastTransitionTime) ?? now) : now;
    const out: V1PodCondition = { type: c.type, status: c.status, lastTransitionTime };
    if (c.reason) out.reason = c.reason;
    if (c.message) out.message = c.message;
    return out;
  });
}

function hasRun(c: ContainerSnapshot): boolean {
  return !!(c.state.running || c.state.terminated || c.lastState.terminated || c.restartCount > 0);
}

export function podPhase(input: PodStatusInput): NonNullable<V1PodStatus['phase']> {
  if (input.terminalPhase) return input.terminalPhase;
  if (input.initialized && input.main.length > 0 && input.main.every(hasRun)) return 'Running';
  return 'Pending';
}

export function buildPodStatus(input: PodStatusInput, now = new Date()): V1PodStatus {
  const { pod } = input;
  const phase = podPhase(input);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const unready = input.main.filter((c) => !c.ready).map((c) => c.name);
  const containersReady = !terminal && unready.length === 0 && input.main.length > 0;
  const gates = pod.spec?.readinessGates ?? [];
  const gateFalse = gates.filter((g) => pod.status?.conditions?.find((c) => c.type === g.conditionType)?.status !== 'True');
  const ready = containersReady && gateFalse.length === 0;
  const notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const unreadyMsg = `containers with unready status: [${unready.join(' ')}]`;
  const uninitialized = input.init.filter((c) => !(c.state.terminated?.exitCode === 0 || (c.started && c.state.running))).map((c) => c.name);

  const conds: Cond[] = [
    { type: 'PodReadyToStartContainers', status: input.sandboxReady ? 'True' : 'False' },
    input.initialized
      ? { type: 'Initialized', status: 'True', ...(terminal && input.init.length ? { reason: 'PodCompleted' } : {}) }
      : { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${uninitialized.join(' ')}]` },
    containersReady
      ? { type: 'ContainersReady', status: 'True' }
      : { type: 'ContainersReady', status: 'False', reason: notReadyReason, ...(terminal ? {} : { message: unreadyMsg }) },
    ready
      ? { type: 'Ready', status: 'True' }
      : {
          type: 'Ready',
          status: 'False',
          reason: containersReady ? 'ReadinessGatesNotReady' : notReadyReason,
          ...(terminal ? {} : { message: containersReady ? `corresponding condition of pod readiness gate "${gateFalse[0]?.conditionType}" does not exist.` : unreadyMsg }),
        },
  ];

  const toStatus = (c: ContainerSnapshot) => ({
    name: c.name,
    image: c.image,
    imageID: c.imageID,
    ...(c.containerID ? { containerID: c.containerID } : {}),
    state: c.state,
    lastState: c.lastState,
    ready: c.ready,
    restartCount: c.restartCount,
    started: c.started,
  });

  return {
    phase,
    conditions: [
      ...(pod.status?.conditions ?? []).filter((c) => !OWNED_CONDITIONS.includes(c.type)),
      ...withTransitionTimes(conds, input.previousConditions ?? pod.status?.conditions, now),
    ],
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: input.startTime,
    initContainerStatuses: input.init.map(toStatus),
    containerStatuses: input.main.map(toStatus),
  };
}
