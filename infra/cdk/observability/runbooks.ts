/**
 * Where each alarm's runbook section lives. Every CloudWatch alarm and PrometheusRule alert carries the link of its
 * section (`runbooks/alerts.md#<anchor>`); `infra/cdk/runbooks.test.ts` walks the synthesised alarms and the rule file
 * and checks that each link resolves to a heading of that file.
 */

/** Base URL of the repository's runbooks folder as the on-call engineer opens it (replace with your repository). */
export const runbookBaseUrl = 'https://github.com/graphgate/graphgate/blob/main/runbooks';

/** Runbook sections: file under runbooks/ and the GitHub anchor of its heading. */
export const runbookSections = {
  sloBurn: (sloId: string) => ({ file: 'alerts.md', anchor: `slo-burn-${sloId}` }),
  erQueueLag: { file: 'alerts.md', anchor: 'er-queue-lag' },
  erDlqRate: { file: 'alerts.md', anchor: 'er-dlq-rate' },
  erReviewBacklogAge: { file: 'alerts.md', anchor: 'er-review-backlog-age' },
  llmSpendPace: { file: 'alerts.md', anchor: 'llm-spend-pace' },
  canaryRollback: { file: 'alerts.md', anchor: 'canary-rollback' },
  graphBackupFailed: { file: 'alerts.md', anchor: 'graph-backup-failed' },
  graphBackupMissing: { file: 'alerts.md', anchor: 'graph-backup-missing' },
} as const;

export interface RunbookSection {
  readonly file: string;
  readonly anchor: string;
}

/** The URL of a runbook section. */
export const runbookUrl = (s: RunbookSection): string => `${runbookBaseUrl}/${s.file}#${s.anchor}`;

/** An alarm description that ends with its runbook link (CloudWatch caps descriptions at 1024 characters). */
export function withRunbook(description: string, s: RunbookSection): string {
  const text = `${description} — runbook: ${runbookUrl(s)}`;
  if (text.length > 1024) throw new Error(`alarm description over 1024 characters: ${text}`);
  return text;
}
