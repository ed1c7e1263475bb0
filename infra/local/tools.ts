import { ensureGoTool } from './install.js';
import { opaBin, toolBin, vegetaBin } from './paths.js';

export const opaModule = { module: 'github.com/open-policy-agent/opa', version: 'v1.22.3' } as const;
export const vegetaModule = { module: 'github.com/tsenart/vegeta/v12', version: 'v12.13.0' } as const;

/** Installs OPA and vegeta with `go install` into the known tool path (cached per version). */
export async function installGoTools(): Promise<{ opa: string; vegeta: string }> {
  const opa = await ensureGoTool('opa', toolBin, 'opa', opaModule.module, opaModule.version);
  const vegeta = await ensureGoTool('vegeta', toolBin, 'vegeta', vegetaModule.module, vegetaModule.version);
  if (opa !== opaBin || vegeta !== vegetaBin) throw new Error('tool paths drifted from infra/local/paths.ts');
  return { opa, vegeta };
}

/** A local AWS KMS (nsmithuk/local-kms): the release signer's KMS adapter is tested against it (infra/local/kms.ts). */
export const localKmsModule = {
  module: 'github.com/nsmithuk/local-kms',
  version: 'v0.0.0-20260228092603-2a5e92d09ab6',
} as const;

/** Installs local-kms with `go install` into the tool path (cached per version, like OPA and vegeta). */
export function installLocalKms(): Promise<string> {
  return ensureGoTool('local-kms', toolBin, 'local-kms', localKmsModule.module, localKmsModule.version);
}
