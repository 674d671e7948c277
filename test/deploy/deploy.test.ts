import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { stopAll, volley } from '../e2e/volley.js';

// No process of a finished test, failed or not, outlives it.
afterEach(stopAll);

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked against the Kubernetes schemas below.
  [key: string]: any;
}

/** Validates one object against the Kubernetes OpenAPI schema of its apiVersion and kind (kubernetes-models). */
async function validate(obj: K8sObject): Promise<void> {
  const module = obj.apiVersion === 'v1' ? 'kubernetes-models/v1' : `kubernetes-models/${obj.apiVersion}`;
  const models = (await import(module)) as Record<string, new (o: unknown) => { validate(): void }>;
  const Model = models[obj.kind];
  assert.ok(Model, `no schema for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj).validate();
}

const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'kubectl is not installed: cannot render the kustomizations';
  }
})();
if (kubectl) console.log(`# skipping the Kubernetes manifest tests: ${kubectl}`);

function kustomize(dir: string): Promise<K8sObject[]> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['kustomize', repo(dir)], (err, stdout, stderr) => {
      if (err) return reject(new Error(`kubectl kustomize ${dir}: ${stderr}`));
      resolve(parseAllDocuments(stdout).map((d) => d.toJSON() as K8sObject));
    });
  });
}

/** Every `volley ...` command line a manifest runs, checked against the real CLI's help. */
async function assertCliAccepts(args: string[]): Promise<void> {
  const command = args[0] ?? '';
  const help = await volley(command, '--help');
  assert.equal(help.code, 0, `volley ${command} is a command of the CLI the repo builds`);
  for (const flag of args.filter((a) => a.startsWith('--'))) {
    assert.ok(help.stdout.includes(flag), `volley ${command} has ${flag}`);
  }
}

describe('Kubernetes manifests', { skip: kubectl }, () => {
  for (const dir of ['deploy/kubernetes/base', 'deploy/kubernetes/overlays/example']) {
    it(`${dir} renders and every object passes the Kubernetes schema`, async () => {
      const objects = await kustomize(dir);
      assert.ok(objects.length >= 5);
      for (const obj of objects) await validate(obj);
    });
  }

  it('the example overlay wires agents, controller, Service, plan and token together', async () => {
    const objects = await kustomize('deploy/kubernetes/overlays/example');
    const find = (kind: string, name: string) => {
      const obj = objects.find((o) => o.kind === kind && o.metadata.name === name);
      assert.ok(obj, `${kind}/${name}`);
      return obj;
    };
    const plan = find('ConfigMap', 'volley-plan');
    const agents = find('Job', 'volley-agents');
    const controller = find('Job', 'volley-controller');
    const service = find('Service', 'volley-controller');
    find('Secret', 'volley-token');

    assert.equal(plan.data.AGENTS, '3');
    assert.equal(agents.spec.parallelism, 3, 'as many agent pods as the controller waits for');
    assert.equal(agents.spec.completions, 3);
    for (const obj of objects) assert.equal(obj.metadata.namespace ?? 'volley', 'volley');

    const podLabels = controller.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(podLabels[k], v, `selector ${k}`);
    const ctl = controller.spec.template.spec.containers[0];
    const port = ctl.ports.find((p: { name: string }) => p.name === service.spec.ports[0].targetPort);
    assert.equal(port?.containerPort, 7777);
    assert.ok(ctl.readinessProbe, 'readiness via the controller port');
    assert.ok(ctl.resources.requests && ctl.resources.limits);

    const agent = agents.spec.template.spec.containers[0];
    assert.equal(agent.args[agent.args.indexOf('--connect') + 1], `ws://${service.metadata.name}:7777`);
    for (const c of [ctl, agent]) {
      const token = c.env.find((e: { name: string }) => e.name === 'VOLLEY_TOKEN');
      assert.equal(token.valueFrom.secretKeyRef.name, 'volley-token');
      assert.equal(c.image, 'ghcr.io/example/volley:0.1.0');
    }
    // $(VAR) in args is expanded by Kubernetes from the container's environment: every one must be defined.
    for (const v of ctl.args.join(' ').matchAll(/\$\((\w+)\)/g)) assert.ok(v[1] && v[1] in plan.data, v[1]);
    await assertCliAccepts(ctl.args);
    await assertCliAccepts(agent.args);
  });
});

describe('docker compose file', () => {
  it('has a target, a controller and a scalable agent service running real CLI commands', async () => {
    const compose = parse(await readFile(repo('deploy/compose.yaml'), 'utf8'));
    const { target, controller, agent } = compose.services;
    assert.ok(target && controller && agent);
    assert.equal(agent.container_name, undefined, 'a fixed container name would stop --scale');
    assert.equal(agent.ports, undefined, 'published ports would stop --scale');
    for (const s of [controller, agent]) assert.deepEqual(s.env_file, [{ path: 'volley.env', required: true }]);
    // Compose substitutes ${VAR:-default}; check the commands with the defaults filled in.
    const expand = (args: string[]) => args.map((a) => a.replace(/\$\{\w+:-([^}]*)\}/g, '$1'));
    const ctl = expand(controller.command);
    assert.equal(ctl[ctl.indexOf('--agents') + 1], '4');
    assert.equal(agent.command[agent.command.indexOf('--connect') + 1], 'ws://controller:7777');
    for (const args of [ctl, expand(agent.command), expand(target.command)]) await assertCliAccepts(args);
    const env = await readFile(repo('deploy/volley.env.example'), 'utf8');
    assert.match(env, /^VOLLEY_TOKEN=/m);
  });
});

describe('Dockerfile', () => {
  it('builds the packed package with the repo’s own install and runs exactly that tarball, installed, as non-root', async () => {
    const text = await readFile(repo('deploy/Dockerfile'), 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    const froms = lines.filter((l) => l.startsWith('FROM '));
    assert.equal(froms.length, 2, 'multi-stage: build and runtime');
    for (const f of froms) assert.match(f, /^FROM node:(2[0-9])-/);
    const [build, runtime] = text.split(/^FROM .*$/m).slice(1);
    assert.match(build ?? '', /RUN npm ci[\s\S]*npm run pack/, 'the build stage packs what `npm run pack` packs');
    // The runtime stage takes the tarball alone from the build stage and installs it as a user would.
    const taken = (runtime ?? '').match(/^COPY --from=build .*$/gm) ?? [];
    assert.deepEqual(taken, ['COPY --from=build /volley.tgz /tmp/volley.tgz']);
    assert.match(runtime ?? '', /RUN npm install -g [^\n]*\/tmp\/volley\.tgz/);
    assert.match(text, /^USER node$/m);
    assert.match(text, /^ENTRYPOINT \["volley"\]$/m);
    // `npm install -g` links the package's bin, which is named `volley`.
    const pkg = JSON.parse(await readFile(repo('packages/volley/package.json'), 'utf8'));
    assert.equal(pkg.name, 'volley');
    assert.deepEqual(Object.keys(pkg.bin), ['volley']);
    // Every file the build stage copies exists in the repository.
    for (const copy of lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from'))) {
      const sources = copy.split(/\s+/).slice(1, -1);
      for (const src of sources)
        await readFile(repo(src)).catch(async (err) => {
          if (err.code !== 'EISDIR') throw new Error(`COPY ${src}: ${err.message}`);
        });
    }
  });
});
