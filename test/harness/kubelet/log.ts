// One-line structured-ish log for the kubelet (stdout goes to <stateDir>/logs/kubelet.log).
export function log(component: string, msg: string, extra?: Record<string, unknown>): void {
  const tail = extra ? ' ' + JSON.stringify(extra) : '';
  process.stdout.write(`${new Date().toISOString()} [${component}] ${msg}${tail}\n`);
}
