import { BlockList, isIP } from 'node:net';
import { MAX_RATE, type Plan } from '@volley/plan';

/** What an agent's operator allows it to fire, whatever its controller asks (`volley agent --allow-target ...`). */
export interface OperatorLimits {
  /**
   * Hosts a plan may target: host names (matched as names, never resolved), IP addresses and CIDR blocks
   * (`10.0.0.0/8`, `fd00::/8`). Empty or absent: any host.
   */
  allowTargets?: readonly string[];
  /** Most requests per second a plan may ask of this agent; a closed-model plan, unpaced, is refused outright. */
  maxRate?: number;
  /** Most connections a plan may open. */
  maxConnections?: number;
}

/** An operator limit that makes no sense (`--max-rate -1`, `--allow-target 10.0.0.0/99`). */
export class LimitsError extends Error {
  readonly code = 'INVALID_LIMIT';
}

/**
 * The operator's limits, checked once when the agent is made, then held against every plan before anything of
 * it is prepared: a plan outside them opens no connection.
 */
export class Limits {
  private readonly names = new Set<string>();
  private readonly addresses = new BlockList();
  private readonly anyHost: boolean;
  private readonly maxRate: number | undefined;
  private readonly maxConnections: number | undefined;

  constructor(limits: OperatorLimits = {}) {
    const allowed = limits.allowTargets ?? [];
    this.anyHost = allowed.length === 0;
    for (const entry of allowed) this.allow(entry);
    if (limits.maxRate !== undefined && !(limits.maxRate > 0 && limits.maxRate <= MAX_RATE)) {
      throw new LimitsError(`--max-rate must be a number of requests per second from 1 to ${MAX_RATE}`);
    }
    const connections = limits.maxConnections;
    if (connections !== undefined && !(Number.isInteger(connections) && connections >= 1)) {
      throw new LimitsError('--max-connections must be a whole number of at least 1');
    }
    this.maxRate = limits.maxRate;
    this.maxConnections = connections;
  }

  /** Why this agent will not run the plan, in one line naming what it asks; undefined when the plan fits. */
  refusal(plan: Plan): string | undefined {
    // A flow's steps may go to other origins than the plan's URL: every one must be allowed.
    const hosts = [plan.url, ...(plan.flow?.steps.map((s) => s.origin) ?? [])].map((u) => new URL(u).hostname);
    for (const host of hosts) if (!this.allows(host)) return `target ${host} is not allowed here (--allow-target)`;
    if (this.maxConnections !== undefined && plan.connections > this.maxConnections) {
      return `${plan.connections} connections asked, at most ${this.maxConnections} allowed (--max-connections)`;
    }
    if (this.maxRate !== undefined) {
      if (plan.model === 'closed')
        return `a closed-model plan has no rate limit; at most ${this.maxRate}/s allowed (--max-rate)`;
      // A flow's rate is of iterations: each sends every step once (or one step, when picked by weight).
      const perIteration = plan.flow?.pick === 'sequence' ? plan.flow.steps.length : 1;
      const peak = Math.max(plan.rate, ...plan.stages.map((s) => s.target)) * perIteration;
      if (peak > this.maxRate) return `${peak}/s asked, at most ${this.maxRate}/s allowed (--max-rate)`;
    }
    return undefined;
  }

  private allow(entry: string): void {
    const [address = '', prefix, extra] = unbracket(entry.trim()).split('/');
    const family = isIP(address);
    if (prefix === undefined) {
      if (family !== 0) this.addresses.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
      else if (/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?\.?$/i.test(address)) this.names.add(hostName(address));
      else throw new LimitsError(`--allow-target must be a host name, an IP address or a CIDR, got ${entry}`);
      return;
    }
    const bits = Number(prefix);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || !/^\d+$/.test(prefix) || bits > max) {
      throw new LimitsError(`--allow-target: not a CIDR block: ${entry} (like 10.0.0.0/8 or fd00::/8)`);
    }
    this.addresses.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
  }

  private allows(urlHost: string): boolean {
    if (this.anyHost) return true;
    const host = unbracket(urlHost);
    const family = isIP(host);
    if (family === 0) return this.names.has(hostName(host));
    return this.addresses.check(host, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** `[::1]` as a URL writes it, to `::1`. */
function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Names compare without case and without the root's trailing dot (`Example.com.` is `example.com`). */
function hostName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
