import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in infra/local/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Machine-wide cache for tools the twin installs (Go binaries); override with GRAPHGATE_CACHE. */
export const cacheDir = process.env.GRAPHGATE_CACHE ?? join(homedir(), '.cache', 'graphgate');

/** Known path of the tools scripts use. */
export const toolBin = join(cacheDir, 'bin');
export const opaBin = join(toolBin, 'opa');
export const vegetaBin = join(toolBin, 'vegeta');

/** State and logs of `npm start` (gitignored). */
export const startRunDir = join(repoRoot, '.run');
