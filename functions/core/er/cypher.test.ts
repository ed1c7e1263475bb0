import { describe, expect, it } from 'vitest';
import { isCypherTemplate } from '../graph/cypher/template.js';
import * as er from './cypher.js';

describe('ER cypher templates', () => {
  it('keeps the templates and schema statements stable', () => {
    const texts = Object.fromEntries(
      Object.entries(er).map(([name, v]) => [
        name,
        isCypherTemplate(v) ? v.cypher : (v as readonly { cypher: string }[]).map((t) => t.cypher),
      ]),
    );
    expect(texts).toMatchSnapshot();
  });
});
