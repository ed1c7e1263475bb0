/**
 * The graph benchmark's peer: what a team would run instead of the origin's hand-written Cypher — `@neo4j/graphql`
 * (v7) over the SAME Neo4j, with type definitions for the stored graph (one relationship field per type and direction,
 * relationship properties on every edge). A neighbourhood takes the two documents a client of it would send:
 * a walk nested `hops` deep over every type in both directions (tenant and liveness filtered on every node and edge,
 * as the origin does), then every relationship among the members it found (outgoing side, both endpoints members).
 * `POST /neighborhood {tenant, id, hops, timeoutMs?}` runs both in-process and answers `{center, entities, relationships}`, so an
 * open-model load generator can send one request per neighbourhood; documents are parsed once per hop count.
 *   tsx load/neo4j-graphql-peer-server.ts --port N --neo4j bolt://… [--timeout-ms N (per request, server-side)]
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Neo4jGraphQL } from '@neo4j/graphql';
import { type DocumentNode, execute, parse } from 'graphql';
import neo4j from 'neo4j-driver';
import { relTypes } from '../functions/core/graph/types.js';

const { values } = parseArgs({
  options: { port: { type: 'string' }, neo4j: { type: 'string' }, 'timeout-ms': { type: 'string', default: '60000' } },
});
if (!values.port || !values.neo4j) {
  console.error('usage: neo4j-graphql-peer-server.ts --port N --neo4j bolt://… [--timeout-ms N]');
  process.exit(2);
}

/** `WORKS_FOR` → `worksFor`. */
const field = (type: string) => type.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
const edges = relTypes.flatMap((t) => [
  { name: `${field(t)}Out`, type: t, direction: 'OUT' },
  { name: `${field(t)}In`, type: t, direction: 'IN' },
]);

const typeDefs = `
type Entity @node {
  id: ID!
  tenant: String!
  kind: String!
  names: [String!]
  identifiers: [String!]
  attributes: String
  dataClass: String
  licence: String
  sources: String
  createdAt: BigInt
  updatedAt: BigInt
  mergedInto: String
  expiresAt: BigInt
${edges.map((e) => `  ${e.name}: [Entity!]! @relationship(type: "${e.type}", direction: ${e.direction}, properties: "Link")`).join('\n')}
}
type Link @relationshipProperties {
  id: ID!
  tenant: String!
  properties: String
  confidence: Float
  since: String
  createdAt: BigInt
}
`;

const entityFields = 'id kind names identifiers attributes dataClass licence sources createdAt updatedAt';
const linkFields = 'id properties confidence since createdAt';

/** Every type, both directions, `depth` levels below one entity; edges filtered by tenant, nodes by `$live`. */
function walk(depth: number): string {
  if (depth === 0) return '';
  return edges
    .map(
      (e) =>
        `${e.name}Connection(where: {edge: {tenant: {eq: $tenant}}, node: $live}) { edges { node { ${entityFields} ${walk(depth - 1)} } } }`,
    )
    .join('\n');
}

const walkDocs = new Map<number, DocumentNode>(
  [1, 2, 3].map((hops) => [
    hops,
    parse(`query Walk($tenant: String!, $id: ID!, $live: EntityWhere!) {
  entities(where: {AND: [{id: {eq: $id}}, $live]}) { ${entityFields} ${walk(hops)} }
}`),
  ]),
);

const relsDoc = parse(`query Rels($tenant: String!, $ids: [ID!]!) {
  entities(where: {tenant: {eq: $tenant}, id: {in: $ids}}) {
    id
${edges
  .filter((e) => e.direction === 'OUT')
  .map(
    (e) =>
      `    ${e.name}Connection(where: {edge: {tenant: {eq: $tenant}}, node: {tenant: {eq: $tenant}, id: {in: $ids}}}) { edges { node { id } properties { ${linkFields} } } }`,
  )
  .join('\n')}
  }
}`);

type Node = Record<string, unknown> & { id: string };
interface Conn {
  edges: { node: Node; properties?: Record<string, unknown> }[];
}

const driver = neo4j.driver(values.neo4j);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();

const timeoutMs = Number(values['timeout-ms']);

/**
 * One document in its own read transaction that Neo4j ends at the request's deadline: a request the client gave up on
 * (at the same timeout) must not keep Neo4j busy (a 3-hop walk can run for minutes) while the next case is measured.
 */
async function run(document: DocumentNode, variableValues: Record<string, unknown>, deadline: number) {
  const left = Math.ceil(deadline - Date.now());
  if (left <= 0) throw new Error('request timed out');
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    const tx = session.beginTransaction({ timeout: left });
    const result = await execute({ schema, document, variableValues, contextValue: { executionContext: tx } });
    if (result.errors?.length) {
      await tx.rollback().catch(() => undefined);
      throw new Error(result.errors.map((e) => e.message).join('; '));
    }
    await tx.commit();
    return result.data as { entities: Node[] };
  } finally {
    await session.close();
  }
}

/** The center, every member the walk reached (deduplicated, center excluded) and the relationships among them. */
async function neighborhood(tenant: string, id: string, hops: number, requestTimeoutMs = timeoutMs) {
  const deadline = Date.now() + requestTimeoutMs;
  const live = {
    tenant: { eq: tenant },
    mergedInto: { eq: null },
    OR: [{ expiresAt: { eq: null } }, { expiresAt: { gt: String(Date.now()) } }],
  };
  const walked = await run(walkDocs.get(hops)!, { tenant, id, live }, deadline);
  const center = walked.entities[0];
  if (!center) return null;
  const members = new Map<string, Node>();
  const visit = (n: Node) => {
    for (const e of edges) {
      for (const { node } of (n[`${e.name}Connection`] as Conn | undefined)?.edges ?? []) {
        if (node.id !== center.id && !members.has(node.id)) members.set(node.id, node);
        visit(node);
      }
    }
  };
  visit(center);
  const ids = [center.id, ...members.keys()];
  const rels = await run(relsDoc, { tenant, ids }, deadline);
  const relationships = rels.entities.flatMap((from) =>
    edges
      .filter((e) => e.direction === 'OUT')
      .flatMap((e) =>
        (from[`${e.name}Connection`] as Conn).edges.map((x) => ({
          type: e.type,
          from: from.id,
          to: x.node.id,
          ...x.properties,
        })),
      ),
  );
  const strip = ({
    id: nid,
    kind,
    names,
    identifiers,
    attributes,
    dataClass,
    licence,
    sources,
    createdAt,
    updatedAt,
  }: Node) => ({ id: nid, kind, names, identifiers, attributes, dataClass, licence, sources, createdAt, updatedAt });
  return { center: strip(center), entities: [...members.values()].map(strip), relationships };
}

const server = createServer(async (req, res) => {
  try {
    if (req.method !== 'POST' || req.url !== '/neighborhood') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      tenant: string;
      id: string;
      hops: number;
      /** A longer deadline for this request (the bench's warm-up), instead of --timeout-ms. */
      timeoutMs?: number;
    };
    const data = await neighborhood(body.tenant, body.id, body.hops, body.timeoutMs);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
  } catch (error) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(values.port), '127.0.0.1', () =>
  console.log(`GRAPHGATE_PEER_READY http://127.0.0.1:${values.port}/neighborhood`),
);
// Keep-alive connections (the bench's, vegeta's) would hold a plain close open for ever: close them too.
process.on('SIGTERM', () => {
  server.close(() => void driver.close().finally(() => process.exit(0)));
  server.closeAllConnections();
});
