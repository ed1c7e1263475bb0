import type { CostFormula } from './model.js';

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
    { label: 'Lambda@Edge requests', usage: 'edgeInvocations', price: 'edgeRequest' },
    { label: 'Lambda@Edge compute', usage: 'edgeGbSeconds', price: 'edgeGbSecond' },
    { label: 'Origin Lambda requests', usage: 'originInvocations', price: 'lambdaRequest' },
    { label: 'Origin Lambda compute', usage: 'originGbSeconds', price: 'lambdaArmGbSecond' },
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
    { label: 'Intake Lambda requests', usage: 'intakeInvocations', price: 'lambdaRequest' },
    { label: 'Intake Lambda compute', usage: 'intakeGbSeconds', price: 'lambdaArmGbSecond' },
    { label: 'SQS requests', usage: 'sqsRequests', price: 'sqsRequest' },
    { label: 'ER consumer requests', usage: 'consumerInvocations', price: 'lambdaRequest' },
    { label: 'ER consumer compute', usage: 'consumerGbSeconds', price: 'lambdaArmGbSecond' },
    { label: 'DynamoDB writes', usage: 'dynamoWriteUnits', price: 'dynamoWriteUnit' },
    { label: 'DynamoDB reads', usage: 'dynamoReadUnits', price: 'dynamoReadUnit' },
    { label: 'Upstash invalidations', usage: 'ingestUpstashCommands', price: 'upstashCommand' },
  ],
};

/** Both per-unit formulas, in dashboard order. */
export const costFormulas = [gatewayCostFormula, ingestCostFormula] as const;
