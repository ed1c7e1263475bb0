/**
 * `npm run manifest`: compiles schema/operations/*.graphql and the trusted documents in schema/trusted-documents/
 * against schema/*.graphql into schema/manifest.json (the registry the edge and origin bundle) and
 * schema/persisted-query-manifest.json (the same registry in Apollo's persisted-query manifest format, for client apps).
 * `--check` exits 1 when a committed file is out of date (the manifest test does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { renderManifestFiles } from '../functions/core/manifest/schema-source.js';
import type { Manifest } from '../functions/core/manifest/types.js';

const files = renderManifestFiles();
if (process.argv.includes('--check')) {
  const stale = files.filter((f) => {
    try {
      return readFileSync(f.path, 'utf8') !== f.text;
    } catch {
      return true;
    }
  });
  for (const f of stale) console.error(`${relative(process.cwd(), f.path)} is out of date: run npm run manifest`);
  if (stale.length > 0) process.exit(1);
  console.log('the registry files under schema/ are up to date');
} else {
  for (const f of files) writeFileSync(f.path, f.text);
  const m = JSON.parse(files[0]!.text) as Manifest;
  for (const o of Object.values(m.operations))
    console.log(`${o.kind.padEnd(5)} ${o.name.padEnd(16)} ${o.id}  ${o.registeredBy}`);
  console.log(`${Object.keys(m.aliases).length} aliases (other printings, client tooling ids)`);
}
