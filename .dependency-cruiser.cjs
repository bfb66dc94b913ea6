// Import rules from DESIGN.md, checked by `npm run lint` (scripts/lint.sh): core is pure, the UI reaches no
// Docker or Kafka adapter, dockerode and kafkajs each have one home, and nothing in src imports in a circle.
// Type-only imports count too (tsPreCompilationDeps): a type from an adapter couples a module to it as much as
// a value does.

/** Packages that talk to Docker, Kafka or child processes: adapters' business, never the UI's. */
const ADAPTER_PACKAGES = '(^|/)node_modules/(@types/)?(dockerode|kafkajs|execa)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core is pure',
      severity: 'error',
      comment:
        'src/core is the pure domain: it imports only src/core and zod. No node builtins either: none is ' +
        'imported there today, and file, process and network access belong behind the ports core defines.',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'ui imports no Docker or Kafka adapter',
      severity: 'error',
      comment:
        'The UI renders state and dispatches intents; it never calls Docker or Kafka itself. It imports none ' +
        'of the adapter folders (runtime, cluster, faults, docker) nor dockerode, kafkajs or execa.',
      from: { path: '^src/ui/' },
      to: { path: ['^src/(runtime|cluster|faults|docker)/', ADAPTER_PACKAGES] },
    },
    {
      name: 'ui reaches no Docker or Kafka adapter through other modules',
      severity: 'error',
      comment:
        'The same rule through intermediate modules: a UI module that imports, say, src/lab/session.ts which ' +
        'imports src/runtime still drives Docker from the UI. Pass adapters in from src/commands instead.',
      from: { path: '^src/ui/' },
      to: { path: ['^src/(runtime|cluster|faults|docker)/', ADAPTER_PACKAGES], reachable: true },
    },
    {
      name: 'dockerode only in the Docker client',
      severity: 'error',
      comment:
        'Every Docker call goes through src/docker/client.ts, which logs what it does and rethrows with ' +
        'context. Other modules use that client (and its types), never dockerode or @types/dockerode.',
      from: { pathNot: '^src/docker/client\\.ts$' },
      to: { path: '(^|/)node_modules/(@types/)?dockerode/' },
    },
    {
      name: 'kafkajs only in the cluster adapter',
      severity: 'error',
      comment: 'Only src/cluster talks to Kafka through kafkajs; everyone else uses ClusterSnapshot and its ports.',
      from: { pathNot: '^src/cluster/' },
      to: { path: '(^|/)node_modules/kafkajs/' },
    },
    {
      name: 'no cycles',
      severity: 'error',
      comment: 'Modules in src never import each other in a circle, directly or through others.',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    // TypeScript-aware resolution with the project's NodeNext settings: './x.js' resolves to ./x.ts or ./x.tsx.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
