import { parseDocument } from 'yaml';
import type { PROVIDER_PROFILES } from '../../lambdas/core/contracts/provider-profiles.js';

export type ProfileOverride = (typeof PROVIDER_PROFILES)[number];

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
