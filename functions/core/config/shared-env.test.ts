import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { awsRegion, localEndpoint, neo4jEnvShape, neo4jFromEnv, stageSchema } from './shared-env.js';

const schema = z.object({
  GRAPHGATE_STAGE: stageSchema,
  ...neo4jEnvShape,
  DYNAMODB_ENDPOINT: localEndpoint,
  AWS_REGION: awsRegion,
});

describe('shared env shapes', () => {
  it('reads the Neo4j settings and defaults the region, leaving the endpoint out in AWS', () => {
    const e = schema.parse({ GRAPHGATE_STAGE: 'dev', NEO4J_URI: 'neo4j+s://db.example:7687', NEO4J_USER: 'u' });
    expect(neo4jFromEnv(e)).toEqual({ uri: 'neo4j+s://db.example:7687', user: 'u', password: undefined });
    expect(e.AWS_REGION).toBe('us-east-1');
    expect(e.DYNAMODB_ENDPOINT).toBeUndefined();
  });

  it('names each bad variable', () => {
    const parsed = schema.safeParse({ GRAPHGATE_STAGE: 'qa', NEO4J_URI: 'http://db', DYNAMODB_ENDPOINT: 'nope' });
    expect(parsed.error?.issues.map((i) => i.path[0]).sort()).toEqual([
      'DYNAMODB_ENDPOINT',
      'GRAPHGATE_STAGE',
      'NEO4J_URI',
    ]);
  });
});
