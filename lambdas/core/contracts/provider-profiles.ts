/**
 * The provider profiles a manifest may name, apart from the schema so that the CLI's `--help`
 * can list them without loading zod.
 */
export const PROVIDER_PROFILES = ['offline', 'openai-compatible', 'bedrock'] as const;
