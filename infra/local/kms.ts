/**
 * A local AWS KMS for the release signer's KMS adapter (infra/release/signer.ts): nsmithuk/local-kms, built from the Go
 * module proxy like OPA (tools.ts), speaking the KMS JSON protocol on one port, its keys in a throwaway data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnComponent } from './process.js';
import { installLocalKms } from './tools.js';
import type { RunningComponent, TwinContext } from './types.js';

/** Region and account local-kms puts into key ARNs. */
export const localKmsRegion = 'eu-west-1';
const localKmsAccount = '111122223333';

/** Installs (once) and starts local-kms on a free port; `url` is the KMS endpoint for the AWS SDK. */
export async function startLocalKms(ctx: TwinContext): Promise<RunningComponent> {
  const binary = await installLocalKms();
  const port = await freePort();
  const dataDir = mkdtempSync(join(ctx.runDir, 'local-kms-'));
  const url = `http://127.0.0.1:${port}`;
  return spawnComponent({
    name: 'local-kms',
    command: binary,
    args: [],
    env: { PORT: String(port), KMS_REGION: localKmsRegion, KMS_ACCOUNT_ID: localKmsAccount, KMS_DATA_PATH: dataDir },
    port,
    url,
    logFile: join(ctx.runDir, 'local-kms.log'),
    // Any HTTP answer means it listens (it answers 4xx to a request without a KMS target).
    probe: async () => (await fetch(url, { method: 'POST' })).status > 0,
    timeoutMs: 30_000,
    afterStop: async () => rmSync(dataDir, { recursive: true, force: true }),
  });
}
