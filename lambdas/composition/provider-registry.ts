import type { Bound, BoundPorts, BoundProviders, ProviderPort } from '../core/contracts/bound-providers.js';
import { processEnvironment } from '../core/contracts/environment.js';
import { ProviderNotConfigured } from '../core/contracts/errors.js';
import type { LineTranslator, LipSyncMode } from '../core/contracts/ports.js';
import type { ProviderProfile } from '../core/contracts/provider-profile.js';
import type { Manifest } from '../core/manifest/schema.js';
import type { OfflinePort, OfflinePorts } from './offline-ports/offline-port.js';
import {
  lipSyncModel,
  lipSyncProvider,
  lipSyncProviderProblem,
  MAX_BILLED_CALLS,
  MODEL_ROLES,
  type ModelRole,
  type ProfileName,
  roleRoute,
  transcriptionRung,
  videoPollSettings,
} from './provider-config.js';
import type { ProviderEnvironment, RealProfileName } from './real-providers.js';
import type { Rung } from './routing/route.js';

export type { ProviderEnvironment } from './real-providers.js';

/**
 * The real providers' side (guards, the shared rate limiter, each profile's module) and the routed
 * ports (with the prompts' token estimates they route by), imported when a manifest first routes to
 * a real profile: a function serving offline manifests loads neither at cold start.
 */
const loadRealProviders = () => import('./real-providers.js');
const loadRoutedPorts = () => import('./routing/routed-ports.js');
type RoutedPorts = Awaited<ReturnType<typeof loadRoutedPorts>>;

/** Each offline port is built once per process, on the first manifest that routes to it: the espeak worker is shared. */
const offlineBuilt = new Map<OfflinePort<ProviderPort>, Promise<unknown>>();

function offline<Port extends ProviderPort>(port: OfflinePort<Port>): Promise<BoundProviders[Port]> {
  let built = offlineBuilt.get(port);
  if (!built) {
    built = port();
    offlineBuilt.set(port, built);
    // A model that failed to load or build is tried again by the next binding, not kept as a failure.
    built.catch(() => offlineBuilt.delete(port));
  }
  return built as Promise<BoundProviders[Port]>;
}

/** What binding one manifest's ports reads: its routes, the environment and the real profiles they use, loaded. */
interface PortRoutes {
  settings: Manifest['providers'];
  environment: ProviderEnvironment | undefined;
  env: Record<string, string | undefined>;
  profiles: Map<ProfileName, ProviderProfile>;
  lipSyncMode: LipSyncMode | undefined;
}

/** The lip-sync model a manifest's mode and route ask for: offline, its gateway's, or sync.so's. */
async function bindLipSync(
  routes: PortRoutes,
  mode: LipSyncMode,
  offlinePort: OfflinePort<'lipSync'>,
): Promise<BoundProviders['lipSync']> {
  const { settings, environment, profiles } = routes;
  const polling = videoPollSettings(routes.env);
  const provider = lipSyncProvider(settings);
  const env = environment?.env ?? processEnvironment();
  const model = lipSyncModel(provider, mode, env);
  if (provider === 'offline') return offline(offlinePort);
  if (provider === 'openai-compatible') {
    const profile = profiles.get(provider) ?? (await (await loadRealProviders()).realProfile(environment, provider));
    return { port: profile.lipSync!(model, polling), provider, model };
  }
  if (!environment) throw new ProviderNotConfigured("sync.so lip-sync needs the stage's table and bucket");
  const problem = lipSyncProviderProblem(provider, env);
  if (problem) throw new ProviderNotConfigured(`sync.so is not configured: ${problem}`);
  const { loadSyncSo, realProviders } = await loadRealProviders();
  const { createLipSyncModel } = await loadSyncSo();
  return { port: createLipSyncModel(realProviders(environment).context, model, polling), provider, model };
}

/** Every real profile a manifest's routes use, loaded: the ports are then built without waiting. */
async function loadProfiles(
  profiles: Iterable<ProfileName>,
  environment: ProviderEnvironment | undefined,
): Promise<Map<ProfileName, ProviderProfile>> {
  const real = [...new Set(profiles)].filter((name): name is RealProfileName => name !== 'offline');
  if (real.length === 0) return new Map();
  const { realProfile } = await loadRealProviders();
  const loaded = await Promise.all(real.map(async (name) => [name, await realProfile(environment, name)] as const));
  return new Map(loaded);
}

async function bindRoute<Port>(
  stage: ModelRole,
  routes: PortRoutes,
  offlinePort: () => Promise<Bound<Port>>,
  build: (profile: ProviderProfile, model: string) => Port,
  routed: (ladders: Rung<Port>[][], routing: RoutedPorts) => Port,
): Promise<Bound<Port>> {
  const { settings, env, profiles } = routes;
  const specs = roleRoute(settings, stage, env);
  if (specs.length === 1 && specs[0]![0]!.provider === 'offline') return offlinePort();
  const ladders = specs.map((ladder) =>
    ladder.map((rung) => ({ ...rung, port: build(profiles.get(rung.provider)!, rung.model) })),
  );
  const all = specs.flat();
  return {
    port: routed(ladders, await loadRoutedPorts()),
    provider: all[0]!.provider,
    model: specs.map((ladder) => ladder.map((rung) => rung.model).join('>')).join('|'),
    serving: all.map((rung) => ({
      provider: rung.provider,
      model: rung.model,
      maxBilledCalls: MAX_BILLED_CALLS[stage],
    })),
  };
}

/** Validation refuses dubs routed to a profile without a translator (none today); this only answers a manifest that skipped it. */
function untranslatable(model: string): LineTranslator {
  const refuse = () =>
    Promise.reject(new ProviderNotConfigured(`${model} cannot translate a dub: its profile has no translator yet`));
  return { translateLine: refuse, translateTitle: refuse, translateListing: refuse };
}

/** How each port is bound to a manifest's route, given its offline model for a route that stays offline. */
const PORT_BINDINGS: {
  readonly [Port in ProviderPort]: (
    routes: PortRoutes,
    offlinePort: OfflinePort<Port>,
  ) => BoundProviders[Port] | Promise<BoundProviders[Port]>;
} = {
  text: (routes, offlinePort) =>
    bindRoute(
      'script',
      routes,
      () => offline(offlinePort),
      (p, model) => p.text(model),
      (l, routing) => new routing.RoutedTextModel(l),
    ),
  development: (routes, offlinePort) =>
    bindRoute(
      'script',
      routes,
      () => offline(offlinePort),
      (p, model) => p.developer(model),
      (l, routing) => new routing.RoutedEpisodeDeveloper(l),
    ),
  translation: (routes, offlinePort) =>
    bindRoute(
      'script',
      routes,
      () => offline(offlinePort),
      (p, model) => p.translator?.(model) ?? untranslatable(model),
      (l, routing) => new routing.RoutedLineTranslator(l),
    ),
  image: (routes, offlinePort) =>
    bindRoute(
      'image',
      routes,
      () => offline(offlinePort),
      (p, model) => p.image(model),
      (l, routing) => new routing.RoutedImageModel(l),
    ),
  consistency: (routes, offlinePort) =>
    bindRoute(
      'consistency',
      routes,
      () => offline(offlinePort),
      (p, model) => p.consistency(model),
      (l, routing) => new routing.RoutedConsistencyScorer(l),
    ),
  speech: (routes, offlinePort) =>
    bindRoute(
      'speech',
      routes,
      () => offline(offlinePort),
      (p, model) => p.speech(model),
      (l, routing) => new routing.RoutedSpeechModel(l),
    ),
  video: (routes, offlinePort) => {
    const videoRung = roleRoute(routes.settings, 'video', routes.env)[0]![0]!;
    if (videoRung.provider === 'offline') return offline(offlinePort);
    return {
      port: routes.profiles.get(videoRung.provider)!.video(videoRung.model, videoPollSettings(routes.env)),
      provider: videoRung.provider,
      model: videoRung.model,
    };
  },
  lipSync: (routes, offlinePort) =>
    routes.lipSyncMode ? bindLipSync(routes, routes.lipSyncMode, offlinePort) : undefined,
  // No real profile offers a music model: every profile lays the offline bed, at $0 (docs/audio-and-qa.md).
  music: (_routes, offlinePort) => offline(offlinePort),
  // Not routed: a line whose transcription fails keeps the timing of its whole audio, so there is nothing to fail over to.
  transcription: (routes, offlinePort) => {
    const transcription = transcriptionRung(routes.settings, routes.env);
    if (!transcription) return offline(offlinePort);
    const transcriber = routes.profiles.get(transcription.provider)?.transcriber;
    if (!transcriber)
      throw new ProviderNotConfigured(
        `the "${transcription.provider}" profile has no speech-to-text for subtitle timing`,
      );
    return { port: transcriber(transcription.model), provider: transcription.provider, model: transcription.model };
  },
};

/** Binds a manifest's providers for the ports a stage declared: `ports` names them, `bind` serves them. */
export interface PortBinding<Ports extends ProviderPort> {
  ports: readonly Ports[];
  bind: (
    settings: Manifest['providers'],
    environment?: ProviderEnvironment,
    lipSyncMode?: LipSyncMode,
  ) => Promise<BoundPorts<Ports>>;
}

async function bindPort<Port extends ProviderPort>(
  port: Port,
  routes: PortRoutes,
  offlinePort: OfflinePort<Port>,
): Promise<BoundProviders[Port]> {
  return PORT_BINDINGS[port](routes, offlinePort);
}

/**
 * The providers a manifest asks for, for the ports a stage declared with their offline models: its
 * profile, with per-stage overrides, routed by provider-config.ts, and a lip-sync model when the
 * manifest sets a lip-sync mode. Every real profile the manifest routes to is loaded, whichever ports
 * the stage declared, so a profile that cannot be served fails every stage the same way.
 */
export function providersFor<Ports extends ProviderPort>(offlinePorts: OfflinePorts<Ports>): PortBinding<Ports> {
  const ports = Object.keys(offlinePorts) as Ports[];
  return {
    ports,
    bind: async (settings, environment, lipSyncMode) => {
      const env = environment?.env ?? processEnvironment();
      const transcription = transcriptionRung(settings, env);
      const routedProfiles = MODEL_ROLES.flatMap((stage) =>
        roleRoute(settings, stage, env)
          .flat()
          .map((rung) => rung.provider),
      );
      const profiles = await loadProfiles(
        [...routedProfiles, ...(transcription ? [transcription.provider] : [])],
        environment,
      );
      const routes: PortRoutes = { settings, environment, env, profiles, lipSyncMode };
      const bound = await Promise.all(
        ports.map(async (port) => [port, await bindPort(port, routes, offlinePorts[port])] as const),
      );
      // A port bound to nothing (no lip-sync mode, no transcription) is left out, as BoundProviders' optional ports are.
      return Object.fromEntries(bound.filter(([, value]) => value !== undefined)) as BoundPorts<Ports>;
    },
  };
}
