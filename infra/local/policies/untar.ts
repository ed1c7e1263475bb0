import { gunzipSync } from 'node:zlib';

/** Extracts regular files from a gzipped tar (ustar) into a name → bytes map; enough for an `opa build` bundle. */
export function untarGz(gz: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(gz);
  const files = new Map<string, Buffer>();
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) =>
      header
        .subarray(start, start + len)
        .toString('utf8')
        .replace(/\0.*$/s, '')
        .trim();
    const size = Number.parseInt(field(124, 12) || '0', 8);
    const name = `${field(345, 155)}${field(345, 155) ? '/' : ''}${field(0, 100)}`.replace(/^\/+/, '');
    if (field(156, 1) === '0' || field(156, 1) === '') files.set(name, tar.subarray(off + 512, off + 512 + size));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
