import { execFileSync } from 'node:child_process';

/**
 * Two network namespaces on a bridge of their own: separate hosts as far as the network is concerned, on a
 * subnet that exists only for this test. The root namespace holds the bridge address (controller and target).
 */
export interface Hosts {
  /** The bridge's address in the root namespace. */
  gateway: string;
  /** Namespace name and its address, per simulated host. */
  hosts: Array<{ ns: string; address: string }>;
  close(): void;
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

/** Why namespaces cannot be made here (not root, no `ip`, no CAP_NET_ADMIN), or undefined if they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  const probe = `vlyprobe${process.pid % 100000}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return undefined;
  } catch (err) {
    return `ip netns is not permitted here: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
}

/** Creates `count` namespaced hosts on a private /24; close() removes everything, also after a failure. */
export function createHosts(count: number): Hosts {
  const id = process.pid % 10000;
  const subnet = `10.231.${id % 250}`;
  const bridge = `vlybr${id}`;
  const hosts: Hosts['hosts'] = [];
  const close = (): void => {
    for (const h of hosts) {
      try {
        ip('netns', 'del', h.ns);
      } catch {}
    }
    try {
      ip('link', 'del', bridge);
    } catch {}
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (let i = 0; i < count; i++) {
      const ns = `vly${id}h${i}`;
      const outside = `vly${id}o${i}`;
      const inside = `vly${id}i${i}`;
      ip('netns', 'add', ns);
      hosts.push({ ns, address: `${subnet}.${i + 2}` });
      ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      ip('link', 'set', inside, 'netns', ns);
      ip('link', 'set', outside, 'master', bridge);
      ip('link', 'set', outside, 'up');
      ip('-n', ns, 'addr', 'add', `${subnet}.${i + 2}/24`, 'dev', inside);
      ip('-n', ns, 'link', 'set', inside, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
  } catch (err) {
    close();
    throw err;
  }
  return { gateway: `${subnet}.1`, hosts, close };
}
