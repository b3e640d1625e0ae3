/**
 * The engine process: read options, import a dump if asked, open the database, serve HTTP,
 * run the task worker, and close cleanly on SIGTERM/SIGINT.
 */
import { dirname, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { OptionsError, parseOptions, type Options } from './cli/options.ts';
import { Engine } from './engine.ts';
import { buildApp } from './http/app.ts';
import { ImportState } from './dump/import-state.ts';
import { importDumpIntoDatabase, removeImportLeftovers } from './dump/import-into-database.ts';
import { openDump, removeExtractionLeftovers } from './dump/reader.ts';
import { removeDumpLeftovers } from './dump/writer.ts';
import { createDumpFromEngine } from './dump/create-from-engine.ts';
import { decideDumpImport } from './startup/dump-decision.ts';
import { DatabaseVersionError } from './store/version-file.ts';
import { isUnclaimedCommitFailure } from './store/write-failure.ts';
import { ENGINE_VERSION } from './version.ts';

async function main(): Promise<void> {
  // `fetch-dump`: the operator's init step that copies a dump from another engine over HTTP.
  if (process.argv[2] === 'fetch-dump') {
    const { fetchDumpCommand } = await import('./dump/fetch-dump.ts');
    process.exit(await fetchDumpCommand(process.argv.slice(3), process.env));
  }
  if (process.argv[2] === 'copy-db') {
    const { copyDatabaseCommand } = await import('./startup/copy-db.ts');
    process.exit(await copyDatabaseCommand(process.argv.slice(3)));
  }
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof OptionsError) fail(`searchkube engine: ${error.message}`);
    throw error;
  }
  const logger = pino({ level: options.logLevel, base: { version: ENGINE_VERSION } });
  process.on('unhandledRejection', (reason) => {
    // A failed commit (a full disk) must not take the process down: its writers got the error.
    if (isUnclaimedCommitFailure(reason)) {
      logger.warn({ err: reason }, 'a database commit failed; its writes were refused');
      return;
    }
    throw reason;
  });
  const importState = new ImportState();
  let engine: Engine | null = null;
  const app = await buildApp({
    logger, payloadLimit: options.httpPayloadSizeLimit, masterKey: options.masterKey, dumpDir: options.dumpDir,
    agent: options.agent, engine: () => engine, importState, dbPath: options.dbPath,
  });
  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await engine?.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await removeDumpLeftovers(options.dumpDir).then((removed) => {
    if (removed.length > 0) logger.warn({ removed }, 'removed files left by an interrupted dump');
  });
  if (options.agent) {
    await listen(app, options, logger, 'dumps agent');
    return;
  }
  // Dumps are extracted next to the database (its volume), not in a small shared /tmp.
  const extractionDir = dirname(resolve(options.dbPath));
  await removeImportLeftovers(options.dbPath);
  await removeExtractionLeftovers(extractionDir);
  const decision = decideDumpImport(options);
  if (decision.action === 'fatal') fail(`searchkube engine: ${decision.message}`);
  if (decision.action === 'import') {
    // Listen first so that /health reports the import's progress (503) while it runs; the
    // import counts as started before the archive is even opened, so no request slips through.
    importState.begin({ indexes: 0, documents: 0 });
    await listen(app, options, logger, 'importing dump');
    try {
      const reader = await openDump(decision.file, { tmpDir: extractionDir });
      try {
        logger.info({ file: decision.file, version: reader.version, dbVersion: reader.dbVersion, ...reader.totals }, 'importing dump');
        await importDumpIntoDatabase(reader, options.dbPath, importState, logger);
      } finally {
        await reader.close();
      }
    } catch (error) {
      logger.fatal({ err: error, file: decision.file }, 'the dump could not be imported; nothing was written to the database path');
      fail(`searchkube engine: the dump ${decision.file} could not be imported: ${(error as Error).message}`);
    }
  }
  try {
    engine = await Engine.open({ dbPath: options.dbPath, dumpDir: options.dumpDir, masterKey: options.masterKey, logger });
  } catch (error) {
    if (error instanceof DatabaseVersionError) fail(`searchkube engine: ${error.message}`);
    throw error;
  }
  const opened = engine;
  opened.scheduler.setDumpCreator((task) => createDumpFromEngine(opened, task, options.dumpDir));
  if (decision.action === 'import' && options.importWriteBlock !== null) {
    await opened.setWriteBlock({ reason: options.importWriteBlock, retryAfterSeconds: 5 });
    logger.info({ reason: options.importWriteBlock }, 'writes blocked after the import (--import-write-block)');
  }
  importState.finish();
  opened.start();
  if (decision.action !== 'import') await listen(app, options, logger, 'ready');
  else logger.info('dump imported; serving requests');
}

async function listen(app: Awaited<ReturnType<typeof buildApp>>, options: Options, logger: Logger, state: string): Promise<void> {
  const address = await app.listen({ host: options.httpAddr.host, port: options.httpAddr.port });
  logger.info({ address, state, dbPath: options.dbPath, dumpDir: options.dumpDir, env: options.env, auth: options.masterKey !== null }, 'searchkube engine listening');
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

await main();
