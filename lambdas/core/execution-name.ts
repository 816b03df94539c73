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
