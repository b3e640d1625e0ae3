import { describe, expect, it } from 'vitest';
import type { SearchInstance } from '../../api/search-instance.ts';
import type { EngineTask } from '../../engine-client/dumps.ts';
import { computeStatus } from './instance-status.ts';
import { STORAGE_FULL_CONDITION, storageFullCondition } from './storage-full.ts';

const si: SearchInstance = {
  apiVersion: 'searchkube.io/v1alpha1', kind: 'SearchInstance',
  metadata: { name: 'tight', namespace: 'ns', generation: 1 },
  spec: { version: '0.1.0', storage: { size: '24Mi' } },
} as SearchInstance;

const noSpace: EngineTask = {
  uid: 137, status: 'failed', type: 'documentAdditionOrUpdate', finishedAt: '2026-11-30T04:00:00Z',
  error: { message: 'There is no more space left on the device. Consider increasing the size of the disk/partition.', code: 'no_space_left_on_device', type: 'system' },
};

describe('storageFullCondition', () => {
  it('explains a write refused for lack of space, naming the task and the data PVC', () => {
    expect(storageFullCondition(si, noSpace)).toEqual({
      type: STORAGE_FULL_CONDITION, status: 'True', reason: 'NoSpaceLeftOnDevice',
      message: "The engine's documentAdditionOrUpdate task 137 failed at 2026-11-30T04:00:00Z: There is no more space left on the device. Consider increasing the size of the disk/partition. The data volume (PVC tight-data, 24Mi) is full: writes are refused, reads go on. Delete data, or grow spec.storage.size where the StorageClass allows it.",
    });
  });

  it('is null after a successful write, another failure, or no write at all', () => {
    expect(storageFullCondition(si, { uid: 138, status: 'succeeded', type: 'documentAdditionOrUpdate' })).toBeNull();
    expect(storageFullCondition(si, { ...noSpace, error: { message: 'bad', code: 'invalid_document_id' } })).toBeNull();
    expect(storageFullCondition(si, undefined)).toBeNull();
  });
});

describe('computeStatus and StorageFull', () => {
  const now = new Date('2026-11-30T04:00:01Z');
  const full = computeStatus(si, { writes: [], storageFull: storageFullCondition(si, noSpace) }, now);

  it('sets the condition, keeps it when the engine was not asked, removes it once a write succeeds', () => {
    expect(full.conditions?.find((c) => c.type === STORAGE_FULL_CONDITION)?.status).toBe('True');
    const withFull = { ...si, status: full };
    expect(computeStatus(withFull, { writes: [] }, now).conditions?.find((c) => c.type === STORAGE_FULL_CONDITION)?.status).toBe('True');
    expect(computeStatus(withFull, { writes: [], storageFull: null }, now).conditions?.find((c) => c.type === STORAGE_FULL_CONDITION)).toBeUndefined();
  });
});
