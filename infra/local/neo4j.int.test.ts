import neo4j from 'neo4j-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from './test-support/twin.js';

describe('neo4j twin', () => {
  const driver = neo4j.driver(twin().neo4jUri);
  afterAll(() => driver.close());

  it('round-trips a parameterised Cypher write and read over Bolt', async () => {
    const tenant = testTenant('neo4j');
    const name = `Ada ${Math.random()}`;
    await driver.executeQuery('CREATE (:TwinProbe {tenant: $tenant, name: $name})', { tenant, name });

    const { records } = await driver.executeQuery(
      'MATCH (p:TwinProbe {tenant: $tenant}) RETURN p.name AS name, count(*) AS n',
      { tenant },
      { routing: neo4j.routing.READ },
    );

    expect(records).toHaveLength(1);
    expect(records[0]!.get('name')).toBe(name);
    expect(records[0]!.get('n').toNumber()).toBe(1);
  });

  it('is Neo4j 5.26 LTS', async () => {
    const { records } = await driver.executeQuery('CALL dbms.components() YIELD name, versions RETURN name, versions');
    expect(records[0]!.get('name')).toBe('Neo4j Kernel');
    expect(records[0]!.get('versions')[0]).toMatch(/^5\.26\./);
  });
});
