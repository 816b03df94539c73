import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values always hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (
      Buffer.isBuffer(inner) ||
      (inner && typeof inner === 'object' && (inner as { type?: string }).type === 'Buffer')
    )
      return inner;
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(
        Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return inner;
  });
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function contentHash(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** A 31-bit seed derived from any parts, for deterministic providers. */
export function seedFrom(...parts: (string | number)[]): number {
  return Number.parseInt(sha256(parts.join('\u0000')).slice(0, 8), 16) & 0x7fffffff;
}
