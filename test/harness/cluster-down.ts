// `npm run cluster:down`: stops every process cluster:up started (by recorded pid) and removes the state.
import { clusterDown } from './control-plane/cluster.ts';
import { defaultStateDir } from './control-plane/paths.ts';

try {
  const report = await clusterDown(defaultStateDir);
  process.stdout.write(report.map((l) => `  ${l}`).join('\n') + '\n');
  process.exit(0);
} catch (e) {
  process.stderr.write(`cluster:down failed: ${(e as Error).message}\n`);
  process.exit(1);
}
