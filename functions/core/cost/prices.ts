/**
 * The price table of the cost model: public on-demand list prices, us-east-1, USD, as of the `asOf` date. One table
 * feeds both the CloudWatch cost dashboard (metric math) and `npm run cost:report`, so a price change is one edit here.
 *
 * Prices are per single unit (one request, one GB-second, one request unit) so formulas multiply usage by price
 * directly; the comment next to each gives the price as AWS/Upstash quote it.
 */
export interface PriceTable {
  readonly asOf: string;
  readonly currency: 'USD';
  /** Lambda (regional), arm64. */
  readonly lambdaArmGbSecond: number;
  readonly lambdaRequest: number;
  /** Lambda@Edge runs x86_64 only and has its own, higher prices. */
  readonly edgeGbSecond: number;
  readonly edgeRequest: number;
  /** CloudFront HTTPS requests (North America / Europe) and data transfer out (first 10 TB). */
  readonly cloudfrontHttpsRequest: number;
  readonly cloudfrontGbOut: number;
  /** API Gateway HTTP API requests (first 300 M). */
  readonly httpApiRequest: number;
  /** SQS standard queue requests (each 64 KB chunk of a payload is one request). */
  readonly sqsRequest: number;
  /** DynamoDB on-demand request units (prices after the November 2024 reduction). */
  readonly dynamoWriteUnit: number;
  readonly dynamoReadUnit: number;
  /** Upstash Redis pay-as-you-go commands. */
  readonly upstashCommand: number;
  /** Monthly fixed costs that do not scale per request; the report spreads them over the stated volumes. */
  readonly fixedMonthly: Readonly<Record<string, number>>;
}

/** Current list prices. Sources: aws.amazon.com/{lambda,cloudfront,api-gateway,sqs,dynamodb}/pricing, upstash.com/pricing. */
export const prices: PriceTable = {
  asOf: '2026-11-01',
  currency: 'USD',
  lambdaArmGbSecond: 0.0000133334, // $0.0000133334 per GB-s (arm64, first 7.5 B GB-s)
  lambdaRequest: 0.2 / 1e6, // $0.20 per 1 M requests
  edgeGbSecond: 0.00005001, // $0.00005001 per GB-s
  edgeRequest: 0.6 / 1e6, // $0.60 per 1 M requests
  cloudfrontHttpsRequest: 0.01 / 1e4, // $0.0100 per 10,000 HTTPS requests
  cloudfrontGbOut: 0.085, // $0.085 per GB
  httpApiRequest: 1.0 / 1e6, // $1.00 per 1 M requests
  sqsRequest: 0.4 / 1e6, // $0.40 per 1 M requests
  dynamoWriteUnit: 0.625 / 1e6, // $0.625 per 1 M write request units
  dynamoReadUnit: 0.125 / 1e6, // $0.125 per 1 M read request units
  upstashCommand: 0.2 / 1e5, // $0.20 per 100 K commands
  fixedMonthly: {
    // Assumption, not a quote: AuraDB Professional 16 GB ($65 per GB-month). Replace with the contract price.
    neo4jAura: 1040,
    // 3 secrets × $0.40; API calls are negligible because functions cache them per container.
    secretsManager: 1.2,
    // One customer-managed KMS key for the alarm topics.
    kms: 1,
    // 4 dashboards beyond the free 3 × $3, ~25 alarms × $0.10 (composite alarms $0.50 each, counted roughly).
    cloudwatch: 12 + 25 * 0.1 + 8 * 0.5,
  },
};
