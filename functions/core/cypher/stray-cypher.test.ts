import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { cypherModules, cypherRegistry } from './registry.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** Everything that ships or runs against a real graph: the kernel, deployables, edge, infra, load runners, CLIs. */
const scannedRoots = ['functions', 'edge', 'infra', 'load', 'scripts'];
const skippedDirs = new Set(['node_modules', 'cdk.out', 'dist', 'target', '.cache', '.run', 'test-support']);
/** Tests talk to Neo4j directly to assert on what the code wrote (and to plant cross-tenant edges on purpose). */
const isTest = (file: string) => /\.(int\.)?test\.[cm]?[jt]sx?$/.test(file);
const isSource = (file: string) => /\.[cm]?[jt]sx?$/.test(file) && !file.endsWith('.d.ts');

/** Text that starts like a Cypher statement. */
const cypherStart =
  /^\s*(OPTIONAL\s+MATCH|MATCH|MERGE|CREATE|UNWIND|CALL|RETURN|WITH|DROP|FOREACH|LOAD\s+CSV|SHOW)\s+[\w($`{[:'"]/;

const mayHoldCypher = /\b(MATCH|MERGE|CREATE|UNWIND|CALL|RETURN|DROP|FOREACH|SHOW)\s|\.run\(|executeQuery\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return skippedDirs.has(d.name) ? [] : sourceFiles(path);
    return isSource(d.name) && !isTest(d.name) ? [path] : [];
  });
}

/** A literal's text with `${…}` holes, so templates built with interpolation are seen too. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((s) => `\${}${s.literal.text}`).join('');
  return undefined;
}

/** The export a template argument is reached through: `neighborsCypher[hops].cypher` → `neighborsCypher`. */
function rootName(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return rootName(node.expression);
  return undefined;
}

const tenantScoped = new Set(
  cypherRegistry.filter((r) => r.template.kind === 'read' || r.template.kind === 'write').map((r) => r.exportName),
);

/** Cypher text outside the registry, and tenant-scoped templates run without a `tenant` parameter. */
function findStrays(file: string, source: string, allowCypher: boolean): string[] {
  const found: string[] = [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const where = (n: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    const text = literalText(node);
    if (text !== undefined && !allowCypher && cypherStart.test(text)) {
      found.push(`${where(node)} holds Cypher outside the registry: ${text.trim().split('\n')[0]}`);
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const [template, params] = node.arguments;
      const name = template && rootName(template);
      if ((method === 'run' || method === 'executeQuery') && name && tenantScoped.has(name)) {
        const passesTenant =
          params !== undefined &&
          (!ts.isObjectLiteralExpression(params) ||
            params.properties.some((p) => ts.isSpreadAssignment(p) || p.name?.getText(sf) === 'tenant'));
        if (!passesTenant) found.push(`${where(node)} runs ${name} without a tenant parameter`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('Cypher outside the registry', () => {
  it('lives nowhere but the registered modules, and tenant-scoped templates always get a tenant', () => {
    const registered = new Set(cypherModules.map((m) => m.file));
    const files = scannedRoots.flatMap((dir) => sourceFiles(join(root, dir)));
    const strays = files.flatMap((abs) => {
      const file = relative(root, abs).split('\\').join('/');
      const source = readFileSync(abs, 'utf8');
      // Parsing is the slow part; a file without a Cypher clause word or a driver call has nothing to report.
      if (!mayHoldCypher.test(source)) return [];
      return findStrays(file, source, registered.has(file));
    });
    expect(strays).toEqual([]);
  });

  it('reports an inline statement and a template run without its tenant', () => {
    const source = `
      const q = 'MATCH (e:Entity) RETURN e';
      await tx.run(\`UNWIND $rows AS row MERGE (n {id: row.id})\`, {});
      await tx.run(getEntityCypher.cypher, { id });
      await tx.run(getEntityCypher.cypher, { tenant, id });`;
    expect(findStrays('bad.ts', source, false)).toEqual([
      'bad.ts:2 holds Cypher outside the registry: MATCH (e:Entity) RETURN e',
      'bad.ts:3 holds Cypher outside the registry: UNWIND $rows AS row MERGE (n {id: row.id})',
      'bad.ts:4 runs getEntityCypher without a tenant parameter',
    ]);
  });
});
