import { describe, expect, it } from 'vitest';
import type { ExportEntity } from '../graph/types.js';
import { toExportRecord } from './record.js';

const entity = (over: Partial<ExportEntity> = {}): ExportEntity => ({
  id: 'e1',
  kind: 'PERSON',
  names: ['Ada'],
  attributes: { email: 'a@x.example', sector: 'maths', id: 'spoof' },
  dataClass: 'CASE_NOTE',
  licence: 'PUBLIC',
  sources: [
    { system: 's', recordId: 'r', licence: 'PARTNER_SHAREABLE' },
    { system: 't', recordId: 'q' },
  ],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  purposes: ['investigation'],
  legalHold: false,
  ...over,
});

describe('toExportRecord', () => {
  it('classifies well-known attributes on their own and the rest by the entity class', () => {
    const r = toExportRecord(entity(), 'bulk');
    expect(r.fields).toEqual({
      id: 'entity',
      kind: 'entity',
      names: 'case-note',
      email: 'contact',
      sector: 'case-note',
    });
    expect(r.classes).toEqual(['case-note', 'contact', 'entity']);
  });

  it("classifies each attribute history a merge keeps by that attribute's class", () => {
    const observed = {
      email: [{ value: 'b@x.example', sources: ['t/q'] }],
      sector: [{ value: 'logic', sources: ['t/q'] }],
    };
    const r = toExportRecord(entity({ attributes: { email: 'a@x.example', observed } }), 'bulk');
    expect(r.fields).toMatchObject({ email: 'contact', 'observed.email': 'contact', 'observed.sector': 'case-note' });
    expect(r.fields).not.toHaveProperty('observed');
    expect(r.values['observed.email']).toEqual(observed.email);
    const nlq = toExportRecord(
      entity({ attributes: { age: 30, observed: { age: [{ value: 31, sources: [] }] } } }),
      'nlq',
    );
    expect(Object.keys(nlq.values).sort()).toEqual(['age', 'kind']);
  });

  it("declares the entity's and every source's licence, so the policy can take the most restrictive", () => {
    expect(toExportRecord(entity(), 'bulk').licences).toEqual(['partner-shareable', 'public']);
  });

  it('never lets an attribute overwrite a built-in field', () => {
    expect(toExportRecord(entity(), 'bulk').values.id).toBe('e1');
  });

  it('leaves direct identifiers out of NLQ exports', () => {
    const r = toExportRecord(entity(), 'nlq');
    expect(Object.keys(r.values).sort()).toEqual(['email', 'kind', 'sector']);
    expect(r).toMatchObject({ purposes: ['investigation'], created_at_ms: Date.UTC(2026, 0, 1), legal_hold: false });
  });
});
