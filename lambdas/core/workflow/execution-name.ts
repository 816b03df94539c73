import { createHash } from 'node:crypto';

/**
 * The execution name for an uploaded manifest: its file name and its content hash
 * (the object's ETag). Step Functions refuses a second execution with the same name,
 * so uploading the same bytes twice starts one production, not two.
 * Names are at most 80 characters of [A-Za-z0-9-_].
 */
export function executionNameFor(key: string, etag: string): string {
  const base = (key.split('/').pop() ?? key)
    .replace(/\.(ya?ml|json)$/i, '')
    .replace(/[^A-Za-z0-9-_]/g, '-')
    .slice(0, 50);
  const hash = etag.replace(/[^A-Za-z0-9]/g, '').slice(0, 24);
  return `${base}-${hash}`;
}

/** Step Functions' limit on an execution name. */
export const MAX_EXECUTION_NAME_LENGTH = 80;

/**
 * The child execution that produces one episode of a production execution: the parent's
 * name (itself unique per manifest content) and the episode id, so the same content names
 * the same children. A name that would pass 80 characters keeps its start and ends with a
 * hash of the whole, so two long episode ids never collide.
 */
export function episodeExecutionName(productionExecutionName: string, episodeId: string): string {
  const full = `${productionExecutionName}--${episodeId}`.replace(/[^A-Za-z0-9-_]/g, '-');
  if (full.length <= MAX_EXECUTION_NAME_LENGTH) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 16);
  return `${full.slice(0, MAX_EXECUTION_NAME_LENGTH - hash.length - 1)}-${hash}`;
}
