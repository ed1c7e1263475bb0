/**
 * `npm run release:rules -- [--release <id>] [--now <ISO>] [--override <file>] [--rules <file>]
 * [--budget <file> | --budget-source cloudwatch --origin-function <name> [--region <region>]]
 * [--trust-policy <bundle> --policy-root <pem>]`:
 * may this release deploy now? Freeze windows (infra/release/release-rules.json), a signed override, and the month's
 * API error budget — from a file locally (infra/release/error-budget.local.json), from CloudWatch when deployed (the
 * origin function's Url5xxCount / UrlRequestCount this month; region from --region or AWS_REGION). Prints the decision,
 * appends used overrides to evidence/release/override-audit.jsonl, writes $GITHUB_OUTPUT when set. Exit 0 allowed,
 * 10 freeze, 11 budget; 2 for bad usage.
 *
 * `npm run release:rules -- sign-override --who <name> --why <text> --until <ISO> --release <id|*> --key <pem> --out <file>`
 * signs an approval with an approver key (listed under `approvers` in the trust policy).
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { repoRoot } from '../infra/local/paths.js';
import { gitState } from '../infra/release/git.js';
import { openLocalKeys, sourceRepository } from '../infra/release/keystore.js';
import { latestPointer } from '../infra/release/release.js';
import { type ErrorBudgetSource, FileErrorBudget } from '../infra/release/rules/budget.js';
import { CloudWatchErrorBudget } from '../infra/release/rules/cloudwatch-budget.js';
import { evaluateRelease, exitCodeOf, githubOutput } from '../infra/release/rules/evaluate.js';
import { signOverride } from '../infra/release/rules/override.js';
import { loadReleaseRules } from '../infra/release/rules/windows.js';
import { FileKeySigner } from '../infra/release/signer.js';
import { loadTrustPolicy } from '../infra/release/trust-policy.js';

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};

if (argv[0] === 'sign-override') {
  const [who, why, until, release, key, out] = ['--who', '--why', '--until', '--release', '--key', '--out'].map(flag);
  if (!who || !why || !until || !release || !key || !out) {
    console.error('sign-override needs --who --why --until --release --key --out');
    process.exit(2);
  }
  const bundle = await signOverride({ who, why, until, release }, new FileKeySigner(key));
  writeFileSync(out, `${JSON.stringify(bundle, null, 2)}\n`);
  console.log(`signed override by ${who} until ${until} → ${out}`);
  process.exit(0);
}

// Approver keys come from the signed trust policy: given explicitly (CI), or the local key store's.
const trustPolicy = flag('--trust-policy');
const policy = trustPolicy
  ? loadTrustPolicy({ bundle: trustPolicy, rootPublicKeyPem: readFileSync(flag('--policy-root') ?? '', 'utf8') })
  : await openLocalKeys(sourceRepository(gitState().origin)).then((keys) =>
      loadTrustPolicy({
        bundle: keys.paths.policyBundle,
        plain: keys.paths.policy,
        rootPublicKeyPem: keys.rootPublicKeyPem,
      }),
    );
/** The budget port's adapter: the file (default) or CloudWatch, chosen by `--budget-source`. */
function budgetSource(): ErrorBudgetSource {
  const source = flag('--budget-source') ?? 'file';
  if (source === 'file') {
    return new FileErrorBudget(flag('--budget') ?? join(repoRoot, 'infra', 'release', 'error-budget.local.json'));
  }
  const functionName = flag('--origin-function') ?? process.env.GRAPHGATE_ORIGIN_FUNCTION;
  const region = flag('--region') ?? process.env.AWS_REGION;
  if (source !== 'cloudwatch' || !functionName || !region) {
    console.error(
      '--budget-source is file (with --budget <file>) or cloudwatch (with --origin-function <name> or GRAPHGATE_ORIGIN_FUNCTION, and --region or AWS_REGION)',
    );
    process.exit(2);
  }
  return new CloudWatchErrorBudget({ client: new CloudWatchClient({ region }), resource: functionName });
}

const overridePath = flag('--override');
const releaseId =
  flag('--release') ?? (existsSync(latestPointer) ? readFileSync(latestPointer, 'utf8').trim() : 'unreleased');
const decision = evaluateRelease({
  rules: loadReleaseRules(flag('--rules') ?? join(repoRoot, 'infra', 'release', 'release-rules.json')),
  now: new Date(flag('--now') ?? Date.now()),
  releaseId,
  budget: await budgetSource()
    .read()
    .catch((error: Error) => {
      // No reading, no judgement: the deploy job does not run (CI fails on any exit but 0).
      console.error(`error budget unreadable (${error.name}): ${error.message}`);
      process.exit(1);
    }),
  policy,
  override: overridePath ? JSON.parse(readFileSync(overridePath, 'utf8')) : undefined,
  auditLog: join(repoRoot, 'evidence', 'release', 'override-audit.jsonl'),
});
console.log(
  `${decision.allowed ? 'ALLOWED' : 'REFUSED'} ${releaseId} at ${decision.at} (error budget left ${(decision.budgetRemaining * 100).toFixed(1)}%)`,
);
if (decision.override)
  console.log(`  override by ${decision.override.who} until ${decision.override.until}: ${decision.override.why}`);
for (const r of decision.refusals) console.log(`  ${r.rule}: ${r.reason}\n    unlock: ${r.unlock}`);
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, githubOutput(decision));
process.exit(exitCodeOf(decision));
