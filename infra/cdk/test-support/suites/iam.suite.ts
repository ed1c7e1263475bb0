import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actionsOf, referencedIds, type Statement, type SynthesizedStage, statementsOfRole } from '../synth.js';

const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** Statements of a role without the X-Ray ones (which must be the only Resource "*"). */
function grants(template: Template, rolePrefix: string): Statement[] {
  const all = statementsOfRole(template, rolePrefix);
  expect(all.length, `${rolePrefix} has a policy`).toBeGreaterThan(0);
  for (const s of all) if (s.Resource === '*') expect(actionsOf([s])).toEqual(XRAY);
  return all.filter((s) => s.Resource !== '*');
}

/** What a role's statements name: logical ids or cross-stack import names, simplified to the construct id. */
function targets(statements: Statement[], prefix = ''): string[] {
  const names = statements.flatMap((s) => referencedIds(s.Resource));
  return [...new Set(names.map((n) => n.replace(/^.*ExportsOutput(Ref|FnGetAtt)/, '').replace(/[0-9A-F]{8}.*$/, '')))]
    .filter((n) => n.startsWith(prefix))
    .sort();
}

const onlyActions = (statements: Statement[], service: string) =>
  actionsOf(statements).filter((a) => a.startsWith(`${service}:`));

/**
 * Least privilege, asserted on the synthesized policy documents: each function reaches only its own tables, queues
 * and secrets, with only the actions its use needs.
 */
export function iamSuite(stage: () => SynthesizedStage): void {
  describe('least-privilege IAM', () => {
    const templates = () => stage().templates;
    it('origin (GraphQL): reads its three secrets and step-up grants, appends to the ledger and the journal, no queue', () => {
      const s = grants(templates().api, 'GraphqlFnServiceRole');
      expect(targets(s)).toEqual([
        'AuditLedger',
        'Neo4jSecret',
        'SigningKeysSecret',
        'Stepup',
        'UpstashSecret',
        'WriteJournal',
      ]);
      expect(actionsOf(s.filter((st) => targets([st]).includes('WriteJournal')))).toEqual(['dynamodb:PutItem']);
      const ledger = s.filter((st) => targets([st]).includes('AuditLedger'));
      expect(onlyActions(ledger, 'dynamodb')).not.toContain('dynamodb:DeleteItem');
      expect(onlyActions(ledger, 'dynamodb')).not.toContain('dynamodb:UpdateItem');
      const stepUp = s.filter((st) => targets([st]).includes('Stepup'));
      expect(onlyActions(stepUp, 'dynamodb').some((a) => /Put|Update|Delete/.test(a))).toBe(false);
      expect(onlyActions(s, 'sqs')).toEqual([]);
    });

    it('step-up service: its table read/write and ledger append only, no secrets', () => {
      const s = grants(templates().api, 'StepUpFnServiceRole');
      expect(targets(s)).toEqual(['AuditLedger', 'Stepup']);
      expect(onlyActions(s, 'secretsmanager')).toEqual([]);
    });

    it('intake API: sends to the intake queue, reads the Upstash secret (rate limits), adds to the journal only', () => {
      const s = grants(templates().ingest, 'IntakeFnServiceRole');
      expect(targets(s)).toEqual(['IntakeQueue', 'UpstashSecret', 'WriteJournal']);
      const queue = s.filter((st) => targets([st]).includes('IntakeQueue'));
      expect(actionsOf(queue)).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
      expect(onlyActions(s, 'dynamodb')).toEqual(['dynamodb:PutItem']);
    });

    it('ER consumer: idempotency and audit tables only, never deletes from the ledger, no signing keys', () => {
      const s = grants(templates().ingest, 'ConsumerFnServiceRole');
      expect(targets(s)).toEqual(['AuditLedger', 'Idempotency', 'IntakeQueue', 'Neo4jSecret', 'UpstashSecret']);
      const ledger = s.filter((st) => targets([st]).includes('AuditLedger'));
      expect(actionsOf(ledger)).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
      const idem = s.filter((st) => targets([st]).includes('Idempotency'));
      // UpdateItem and DeleteItem only for the previous (Powertools) version during the canary and a rollback.
      expect(actionsOf(idem)).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]);
      expect(onlyActions(s, 'dynamodb')).not.toContain('dynamodb:Scan');
    });

    it('replay: the DLQ (consume, move tasks), the intake queue (send) and failure reasons (read) only', () => {
      const s = grants(templates().ingest, 'ReplayFnServiceRole');
      expect(targets(s)).toEqual(['Idempotency', 'IntakeDlq', 'IntakeQueue']);
      const idem = s.filter((st) => targets([st]).includes('Idempotency'));
      expect(
        onlyActions(idem, 'dynamodb').every((a) =>
          /^dynamodb:(Get|Query|Scan|BatchGet|Describe|ConditionCheck)/.test(a),
        ),
      ).toBe(true);
      const send = s.filter((st) => targets([st]).includes('IntakeQueue'));
      expect(actionsOf(send)).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    });

    it('edge: reads the Upstash and signing-key secrets of its stage by name, nothing else', () => {
      const s = grants(templates().edge, 'EdgeFnServiceRole');
      expect(actionsOf(s)).toEqual(['secretsmanager:GetSecretValue']);
      const resources = JSON.stringify(s.map((st) => st.Resource));
      expect(resources).toContain('secret:graphgate/prod/upstash-??????');
      expect(resources).toContain('secret:graphgate/prod/signing-keys-??????');
      expect(resources).not.toContain('neo4j');
    });
  });
}
