/**
 * The real PolicyEngine adapter: the OPA wasm build evaluated with @open-policy-agent/opa-wasm.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { z } from 'zod';
import { engineFrom, type PolicyEngine } from './engine.js';
import { ENTRYPOINTS } from './entrypoints.js';
import { PolicyBundleInvalidError, PolicyBundleMissingError, PolicyEvaluationError } from './errors.js';

/** The files the build writes next to the bundle; see infra/local/policies/build.ts. */
export const BUNDLE_FILES = { wasm: 'policy.wasm', data: 'data.json', revision: 'revision.json' } as const;

/** The stamp the build writes: the revision is the sha256 of the policy sources. */
export const revisionFileSchema = z.object({
  revision: z.string().regex(/^[0-9a-f]{64}$/),
  opa_version: z.string(),
  entrypoints: z.array(z.string()),
});
export type RevisionFile = z.infer<typeof revisionFileSchema>;

/** The compiled bundle as bytes and data, e.g. embedded in an edge build. */
export interface PolicyBundle {
  wasm: BufferSource;
  data: unknown;
  revision: string;
}

/** Where the built bundle lives: GRAPHGATE_POLICY_DIR, else policies/dist under the working directory. */
export function defaultBundleDir(): string {
  return resolve(process.env.GRAPHGATE_POLICY_DIR ?? join(process.cwd(), 'policies', 'dist'));
}

/** Reads policy.wasm, data.json and revision.json from `dir`; fails with POLICY_BUNDLE_MISSING. */
export async function readPolicyBundle(dir = defaultBundleDir()): Promise<PolicyBundle> {
  let files: [Buffer, string, string];
  try {
    files = await Promise.all([
      readFile(join(dir, BUNDLE_FILES.wasm)),
      readFile(join(dir, BUNDLE_FILES.data), 'utf8'),
      readFile(join(dir, BUNDLE_FILES.revision), 'utf8'),
    ]);
  } catch (cause) {
    throw new PolicyBundleMissingError(dir, { cause });
  }
  const [wasm, data, stamp] = files;
  const revisionFile = revisionFileSchema.safeParse(JSON.parse(stamp));
  if (!revisionFile.success) throw new PolicyBundleInvalidError(`bad ${BUNDLE_FILES.revision} in ${dir}`, { dir });
  return { wasm: new Uint8Array(wasm), data: JSON.parse(data), revision: revisionFile.data.revision };
}

/**
 * Instantiates the wasm policy, loads its data and checks every entrypoint is present.
 * @example const engine = await createWasmPolicyEngine(await readPolicyBundle());
 */
export async function createWasmPolicyEngine(bundle: PolicyBundle): Promise<PolicyEngine> {
  const policy = await loadPolicy(bundle.wasm);
  policy.setData(bundle.data as object);
  const present = new Set(Object.keys(policy.entrypoints as Record<string, number>));
  const missing = ENTRYPOINTS.filter((e) => !present.has(e));
  if (missing.length > 0) {
    throw new PolicyBundleInvalidError(`bundle lacks entrypoints: ${missing.join(', ')}`, { missing });
  }
  return engineFrom(bundle.revision, (entrypoint, input) => {
    let resultSet: unknown;
    try {
      resultSet = policy.evaluate(input, entrypoint);
    } catch (cause) {
      // opa-wasm throws strings as well as Errors
      throw new PolicyEvaluationError(entrypoint, { cause: cause instanceof Error ? cause : new Error(String(cause)) });
    }
    const first = Array.isArray(resultSet) ? (resultSet[0] as { result?: unknown } | undefined) : undefined;
    if (first?.result === undefined)
      throw new PolicyEvaluationError(entrypoint, { cause: new Error('undefined result') });
    return first.result;
  });
}

/** Reads the bundle from `dir` and returns a ready engine. */
export async function loadWasmPolicyEngine(dir = defaultBundleDir()): Promise<PolicyEngine> {
  return createWasmPolicyEngine(await readPolicyBundle(dir));
}
