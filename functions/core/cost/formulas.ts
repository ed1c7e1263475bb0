import type { CostFormula, CostTerm, UnitPriceKey, UsageKey } from './model.js';

/** A Lambda function's two terms: requests and compute (GB-s), by default at the regional ARM prices. */
function lambdaTerms(
  label: string,
  fn: 'edge' | 'origin' | 'intake' | 'consumer',
  prices: { request: UnitPriceKey; compute: UnitPriceKey } = { request: 'lambdaRequest', compute: 'lambdaArmGbSecond' },
): CostTerm[] {
  return [
    { label: `${label} requests`, usage: `${fn}Invocations` satisfies UsageKey, price: prices.request },
    { label: `${label} compute`, usage: `${fn}GbSeconds` satisfies UsageKey, price: prices.compute },
  ];
}

/**
 * $ per 1M GraphQL calls: everything a call can touch on the read path — CloudFront, the Hono edge on Lambda@Edge,
 * Upstash, and the origin Lambda on a miss. Neo4j is a fixed monthly cost (see `prices.fixedMonthly`), not a term.
 */
export const gatewayCostFormula: CostFormula = {
  id: 'gateway',
  label: '$ per 1M GraphQL calls',
  denominator: 'graphqlCalls',
  per: 1_000_000,
  terms: [
    { label: 'CloudFront requests', usage: 'graphqlCalls', price: 'cloudfrontHttpsRequest' },
    { label: 'CloudFront data out', usage: 'cloudfrontGbOut', price: 'cloudfrontGbOut' },
    ...lambdaTerms('Lambda@Edge', 'edge', { request: 'edgeRequest', compute: 'edgeGbSecond' }),
    ...lambdaTerms('Origin Lambda', 'origin'),
    { label: 'Upstash commands', usage: 'upstashCommands', price: 'upstashCommand' },
  ],
};

/** $ per 1k ingested events: intake API, SQS, intake and ER consumer Lambdas, DynamoDB, cache invalidations. */
export const ingestCostFormula: CostFormula = {
  id: 'ingest',
  label: '$ per 1k ingested events',
  denominator: 'ingestedEvents',
  per: 1_000,
  terms: [
    { label: 'HTTP API requests', usage: 'intakeApiRequests', price: 'httpApiRequest' },
    ...lambdaTerms('Intake Lambda', 'intake'),
    { label: 'SQS requests', usage: 'sqsRequests', price: 'sqsRequest' },
    ...lambdaTerms('ER consumer', 'consumer'),
    { label: 'DynamoDB writes', usage: 'dynamoWriteUnits', price: 'dynamoWriteUnit' },
    { label: 'DynamoDB reads', usage: 'dynamoReadUnits', price: 'dynamoReadUnit' },
    { label: 'Upstash invalidations', usage: 'ingestUpstashCommands', price: 'upstashCommand' },
  ],
};

/** Both per-unit formulas, in dashboard order. */
export const costFormulas = [gatewayCostFormula, ingestCostFormula] as const;
