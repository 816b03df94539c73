/**
 * The import rules of docs/architecture.md: dependencies point inward, from stages through
 * composition and adapters to the core, and nothing a deployed function bundles reaches
 * the local runtime, the benchmarks or the tests. `npm run deps:check` runs them in CI.
 */
const NOT_DEPLOYED = '^(local|bench|test|scripts|bin|lib)/';

module.exports = {
  forbidden: [
    {
      name: 'core-imports-nothing-outward',
      comment:
        'The domain core (ports, prices, errors, manifest, keys, hashing, ledger rules) imports only itself, zod and yaml.',
      severity: 'error',
      from: { path: '^lambdas/core/' },
      to: { pathNot: ['^lambdas/core/', '^node_modules/(zod|yaml)/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'core-contracts-stand-alone',
      comment:
        'The contracts (provider ports, errors, keys, the environment, the table) are what every layer agrees on; they import no other part of the core.',
      severity: 'error',
      from: { path: '^lambdas/core/contracts/' },
      to: { path: '^lambdas/core/', pathNot: '^lambdas/core/contracts/' },
    },
    {
      name: 'core-words-hold-no-records',
      comment:
        'Prompts and text are words: what a model is asked, subtitles, languages. They never reach the records, the prices or the workflow.',
      severity: 'error',
      from: { path: '^lambdas/core/(prompts|text)/' },
      to: { path: '^lambdas/core/(domain|pricing|workflow)/' },
    },
    {
      name: 'core-domain-asks-no-model',
      comment:
        'The domain (a production, its scenes, the ledger rules) is what the pipeline records; it never builds a prompt or walks the workflow.',
      severity: 'error',
      from: { path: '^lambdas/core/domain/' },
      to: { path: '^lambdas/core/(prompts|workflow)/' },
    },
    {
      name: 'adapters-depend-on-the-core-only',
      comment:
        'AWS stores, media tools and provider profiles implement the core ports; they never reach composition, pipeline or stages.',
      severity: 'error',
      from: { path: '^lambdas/adapters/' },
      to: { path: '^lambdas/(composition|pipeline|stages)/|^lambdas/catalog' },
    },
    {
      name: 'provider-profiles-stay-apart',
      comment:
        'One folder per provider profile: a profile loads alone, so its SDK loads only when that profile is in use.',
      severity: 'error',
      from: { path: '^lambdas/adapters/providers/([^/]+)/' },
      to: { path: '^lambdas/adapters/providers/', pathNot: '^lambdas/adapters/providers/$1/' },
    },
    {
      name: 'pipeline-below-composition',
      comment:
        'Code shared by stages (paid calls, scene context, the stage contract) is given its dependencies; it does not build them.',
      severity: 'error',
      from: { path: '^lambdas/pipeline/' },
      to: { path: '^lambdas/(composition|stages)/|^lambdas/catalog' },
    },
    {
      name: 'stages-work-through-the-store-ports',
      comment:
        'Stages and the pipeline use the stores through the ports of lambdas/core/domain/store-ports.ts; only the raw SDK clients (clients.ts) come from the AWS adapters, for the calls that are no store: task tokens and the video queue.',
      severity: 'error',
      from: { path: '^lambdas/(stages|pipeline)/' },
      to: { path: '^lambdas/adapters/aws/', pathNot: '^lambdas/adapters/aws/clients\\.ts$' },
    },
    {
      name: 'composition-below-stages',
      comment: 'Composition wires a stage from its environment; it knows no particular stage.',
      severity: 'error',
      from: { path: '^lambdas/composition/' },
      to: { path: '^lambdas/stages/|^lambdas/catalog' },
    },
    {
      name: 'stages-stay-apart',
      comment: 'A stage folder holds nothing a second stage needs: shared code lives in pipeline/ or below.',
      severity: 'error',
      from: { path: '^lambdas/stages/([^/]+)/' },
      to: { path: '^lambdas/stages/', pathNot: '^lambdas/stages/$1/' },
    },
    {
      name: 'only-handlers-compose',
      comment:
        "A stage's pure code is handed its dependencies; only its handler module builds them from the environment.",
      severity: 'error',
      from: { path: '^lambdas/stages/[^/]+/', pathNot: '/handler\\.ts$' },
      to: { path: '^lambdas/composition/' },
    },
    {
      name: 'deployed-code-reaches-no-local-bench-or-test-code',
      comment: 'Nothing in lambdas/ knows where it runs, and bench-only simulated providers never ship in a function.',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { path: NOT_DEPLOYED },
    },
    {
      name: 'infrastructure-reads-contracts-not-implementations',
      comment:
        'The CDK app reads stage descriptors and core contracts; it never loads a handler, a store or a provider SDK.',
      severity: 'error',
      from: { path: '^(lib|bin/app)' },
      to: { path: '^lambdas/(adapters/aws|composition|stages/[^/]+/(?!stage\\.ts$))' },
    },
    {
      name: 'engines-below-the-runtime',
      comment: 'The embedded engines are the environment the runtime runs in: they know nothing of what runs on them.',
      severity: 'error',
      from: { path: '^local/engines/' },
      to: { path: '^local/(runtime|client|commands|studio|mcp)/' },
    },
    {
      name: 'runtime-below-its-fronts',
      comment: 'The runtime serves the client, the commands and the studio; it imports none of them.',
      severity: 'error',
      from: { path: '^local/runtime/' },
      to: { path: '^local/(client|commands|studio|mcp)/' },
    },
    {
      name: 'only-the-runtime-surface',
      comment:
        'Outside runtime/, the runtime is what runtime/index.ts exports: nothing else reaches its registry, runners or engines. Unit tests of runtime/ test its modules directly.',
      severity: 'error',
      from: { pathNot: ['^local/runtime/', '^test/unit/'] },
      to: { path: '^local/runtime/', pathNot: '^local/runtime/index\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|cdk\\.out)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.json'] },
  },
};
