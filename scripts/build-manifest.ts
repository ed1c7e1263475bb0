/**
 * `npm run manifest`: compiles schema/operations/*.graphql against schema/*.graphql into schema/manifest.json.
 * `--check` exits 1 when the committed manifest is out of date (the manifest test does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildManifest } from '../functions/core/manifest/build.js';
import {
  loadSchema,
  readFragmentSources,
  readOperationDocuments,
  readSdl,
  schemaDir,
} from '../functions/core/manifest/schema-source.js';

export function renderManifest(): string {
  const manifest = buildManifest(loadSchema(), readSdl(), readOperationDocuments(), readFragmentSources());
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const target = join(schemaDir, 'manifest.json');
const text = renderManifest();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('schema/manifest.json is out of date: run npm run manifest');
    process.exit(1);
  }
  console.log('schema/manifest.json is up to date');
} else {
  writeFileSync(target, text);
  const ops = Object.values(JSON.parse(text).operations) as { name: string; id: string; kind: string }[];
  for (const o of ops) console.log(`${o.kind.padEnd(5)} ${o.name.padEnd(16)} ${o.id}`);
}
