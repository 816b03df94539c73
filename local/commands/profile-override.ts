import { parseDocument } from 'yaml';
import { PROVIDER_PROFILES } from '../../lambdas/core/manifest/schema.js';

export type ProfileOverride = (typeof PROVIDER_PROFILES)[number];

export function parseProfileOverride(value: string | undefined): ProfileOverride | undefined {
  if (value === undefined) return undefined;
  if (!(PROVIDER_PROFILES as readonly string[]).includes(value)) throw new Error(`--profile must be one of ${PROVIDER_PROFILES.join(', ')}`);
  return value as ProfileOverride;
}

/**
 * The manifest with `providers.profile` replaced, as the bytes that get uploaded: the
 * run's profile is then visible in the normalized manifest and part of the
 * execution name (different bytes), and per-stage overrides still apply.
 */
export function withProfile(manifest: Buffer, profile: ProfileOverride): Buffer {
  const document = parseDocument(manifest.toString('utf8'));
  document.setIn(['providers', 'profile'], profile);
  return Buffer.from(document.toString(), 'utf8');
}
