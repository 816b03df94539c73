import type { Bound, BoundProviders, ProviderPort } from '../../core/contracts/bound-providers.js';

/**
 * How one port is served offline; the registry builds it once per process, when a manifest routes the
 * port offline. Its model's module is imported then, not at cold start: a deployed function whose
 * manifests route to real providers never loads the offline models (the phrasebooks alone are about
 * 100 KB of a script-writing function).
 */
export type OfflinePort<Port extends ProviderPort> = () => Promise<BoundProviders[Port]>;

/**
 * The ports a provider-calling stage's handler declares, each with its offline model. Each port is
 * a module of its own in this folder, and a handler imports only the ones its stage uses, so its
 * bundle carries no other offline model (the phrasebooks and the storyboard are most of the
 * offline profile's size).
 */
export type OfflinePorts<Ports extends ProviderPort> = { readonly [Port in Ports]: OfflinePort<Port> };

/** The port of a bound port: what an offline model's module builds. */
type PortOf<Port extends ProviderPort> = NonNullable<BoundProviders[Port]> extends Bound<infer Model> ? Model : never;

/** An offline port whose model `load` imports and builds the first time it is bound. */
export function offlineModel<Port extends ProviderPort>(
  load: () => Promise<PortOf<Port>>,
  model: string,
): OfflinePort<Port> {
  return async () => ({ port: await load(), provider: 'offline', model }) as BoundProviders[Port];
}
