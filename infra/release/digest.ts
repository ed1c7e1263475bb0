import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Hex sha256 of bytes. */
export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Hex sha256 of a file's bytes. */
export const sha256File = (path: string): string => sha256(readFileSync(path));

/** Every file under `dir`, as sorted POSIX paths relative to it (the order digests and manifests list them in). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() || statSync(full).isFile()) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** `{ relativePath: sha256 }` of every file under `dir`, sorted by path. */
export function digestTree(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, sha256File(join(dir, f))]));
}
