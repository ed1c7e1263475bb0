import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { type StageConfig, type StageName, stageConfig } from '../config/stages.js';
import { addGraphgateStage, createApp, type GraphgateStacks } from '../graphgate-app.js';

/** One synthesized stage: its stacks, the cloud assembly, and a Template per stack. */
export interface SynthesizedStage {
  readonly stacks: GraphgateStacks;
  readonly assembly: CloudAssembly;
  readonly templates: Record<keyof GraphgateStacks, Template>;
}

const cache = new Map<string, SynthesizedStage>();

/**
 * Synthesizes a whole stage once per test file (bundling included unless `bundle: false`) into a temporary
 * directory. cdk-nag runs as a validation plugin, so an unacknowledged finding makes this throw with the report.
 * A stage given as a config (a variant of a real one) is synthesized every time.
 */
export function synthStage(
  stage: StageName | StageConfig = 'prod',
  options: { bundle?: boolean } = {},
): SynthesizedStage {
  const bundle = options.bundle ?? true;
  const name = typeof stage === 'string' ? stage : stage.name;
  const key = typeof stage === 'string' ? `${name}:${bundle}` : undefined;
  const hit = key ? cache.get(key) : undefined;
  if (hit) return hit;
  const app = createApp({
    outdir: mkdtempSync(join(tmpdir(), `graphgate-cdk-${name}-`)),
    // CDK's own switch: no stack listed means assets are not bundled (a placeholder is used), for tests that only
    // need the templates of a second stage.
    context: bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const stacks = addGraphgateStage(app, typeof stage === 'string' ? stageConfig(stage) : stage);
  const assembly = app.synth();
  const templates = Object.fromEntries(
    Object.entries(stacks).map(([area, stack]) => [
      area,
      Template.fromJSON(assembly.getStackByName(stack.stackName).template),
    ]),
  ) as SynthesizedStage['templates'];
  const result = { stacks, assembly, templates };
  if (key) cache.set(key, result);
  return result;
}

/** Every IAM policy statement of a template whose policy is attached to a role whose logical id starts with `rolePrefix`. */
export function statementsOfRole(template: Template, rolePrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** An IAM statement as synthesized. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Actions of statements as a flat, sorted list. */
export const actionsOf = (statements: Statement[]) =>
  [...new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();

/** Logical ids (Ref / Fn::GetAtt targets) a value refers to, e.g. the tables and queues a statement names. */
export function referencedIds(value: unknown): string[] {
  const ids = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (k === 'Ref' && typeof inner === 'string') ids.add(inner);
        else if (k === 'Fn::GetAtt' && Array.isArray(inner)) ids.add(String(inner[0]));
        else if (k === 'Fn::ImportValue') ids.add(JSON.stringify(inner));
        else walk(inner);
      }
    }
  };
  walk(value);
  return [...ids].sort();
}
