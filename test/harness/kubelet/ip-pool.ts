// Hands out pod IPs from 127.<octet>.0.0/16; all of 127/8 routes to `lo` on Linux with no setup.
export class IpPool {
  readonly #octet: number;
  readonly #byUid = new Map<string, string>();
  readonly #used = new Set<string>();
  #next = 0;

  constructor(octet: number) {
    if (!Number.isInteger(octet) || octet < 1 || octet > 254) throw new Error(`bad pod IP octet ${octet}`);
    this.#octet = octet;
  }

  #ipAt(i: number): string {
    // 254 usable addresses per /24 (.1 .. .254).
    return `127.${this.#octet}.${Math.floor(i / 254) % 256}.${(i % 254) + 1}`;
  }

  inRange(ip: string): boolean {
    return ip.startsWith(`127.${this.#octet}.`);
  }

  /** The pod's IP; `preferred` (from an existing status) is kept when it is in range and free. */
  allocate(uid: string, preferred?: string): string {
    const have = this.#byUid.get(uid);
    if (have) return have;
    let ip: string | undefined;
    if (preferred && this.inRange(preferred) && !this.#used.has(preferred)) ip = preferred;
    for (let tries = 0; !ip && tries < 256 * 254; tries++) {
      const candidate = this.#ipAt(this.#next++);
      if (!this.#used.has(candidate)) ip = candidate;
    }
    if (!ip) throw new Error('pod IP pool exhausted');
    this.#byUid.set(uid, ip);
    this.#used.add(ip);
    return ip;
  }

  release(uid: string): void {
    const ip = this.#byUid.get(uid);
    if (!ip) return;
    this.#byUid.delete(uid);
    this.#used.delete(ip);
  }
}
