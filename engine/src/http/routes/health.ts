import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import type { ImportState } from '../../dump/import-state.ts';
import { ENGINE_VERSION } from '../../version.ts';
import { EngineError } from '../../errors/engine-error.ts';

export async function healthRoutes(app: FastifyInstance, options: { engine: () => Engine | null; importState: ImportState }): Promise<void> {
  // While a dump imports, /health answers 503 with progress so probes and the operator see it.
  app.get('/health', { config: { action: null, duringImport: true, agent: true } }, async (_request, reply) => {
    const progress = options.importState.progress();
    if (progress) return reply.status(503).send({ status: 'importing', progress });
    return { status: 'available' };
  });

  app.get('/version', { config: { action: 'version', index: 'none' } }, async () => ({
    commitSha: 'unknown',
    commitDate: 'unknown',
    pkgVersion: ENGINE_VERSION,
  }));

  app.get('/stats', { config: { action: 'stats.get', index: 'any' } }, async (request) => {
    const engine = options.engine();
    if (!engine) throw new EngineError('importing_dump', 'The instance is starting.');
    const indexes: Record<string, unknown> = {};
    let lastUpdate: string | null = null;
    for (const handle of engine.registry.list()) {
      if (!request.auth.canSeeIndex(handle.uid)) continue;
      indexes[handle.uid] = indexStats(engine, handle.uid);
      if (lastUpdate === null || handle.record.updatedAt > lastUpdate) lastUpdate = handle.record.updatedAt;
    }
    return { databaseSize: engine.db.sizeOnDisk(), usedDatabaseSize: engine.db.usedSize(), lastUpdate, indexes };
  });
}

export function indexStats(engine: Engine, uid: string): Record<string, unknown> {
  const handle = engine.registry.require(uid);
  const { fieldDistribution, rawDocumentBytes } = handle.documentStats();
  const numberOfDocuments = handle.documentCount;
  const isIndexing = engine.queue.matching({ indexUids: new Set([uid]), statuses: new Set(['processing']) }).length > 0;
  return {
    numberOfDocuments,
    rawDocumentDbSize: rawDocumentBytes,
    avgDocumentSize: numberOfDocuments === 0 ? 0 : Math.round(rawDocumentBytes / numberOfDocuments),
    isIndexing,
    numberOfEmbeddings: 0,
    numberOfEmbeddedDocuments: 0,
    fieldDistribution,
  };
}
