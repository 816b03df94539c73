/**
 * The provider profiles a manifest may name and the roles it routes to them, apart from the
 * schema: the CLI's `--help` lists them without loading zod, and a function that only checks a
 * role (the fault plan every function parses) does not build the manifest schema at cold start.
 */
export const PROVIDER_PROFILES = ['offline', 'openai-compatible', 'bedrock'] as const;

/** The roles a manifest routes to a provider (`providers.script`, …): each picks a profile. */
export const PROVIDER_ROLES = ['script', 'image', 'video', 'speech'] as const;
export type ProviderRole = (typeof PROVIDER_ROLES)[number];
