import { describe, expect, it } from 'vitest';
import { type Classify, StageLog, stageFailures } from './stages.js';

const classify: Classify = ({ status }) => (status === 200 ? 'accepted' : status === 401 ? 'refused' : 'other');
const quiet = () => new StageLog(() => {});

describe('rotation drill stages', () => {
  it('passes a stage whose claims all held', () => {
    const failures = stageFailures(
      { old: 'refused', new: 'accepted' },
      { old: { status: 401 }, new: { status: 200 } },
      classify,
    );

    expect(failures).toEqual([]);
  });

  it('fails a retire stage whose old credential is still accepted, naming it', () => {
    const failures = stageFailures(
      { old: 'refused', new: 'accepted' },
      { old: { status: 200 }, new: { status: 200 } },
      classify,
    );

    expect(failures).toEqual(['old: expected refused, got accepted ({"status":200})']);
  });

  it('fails a stage that checks nothing, a missing probe, and an answer that is neither', () => {
    expect(stageFailures({}, { old: { status: 200 } }, classify)).toEqual(['the stage checks nothing']);
    expect(stageFailures({ new: 'accepted' }, {}, classify)).toEqual(['new: no probe']);
    expect(stageFailures({ new: 'accepted' }, { new: { status: 503 } }, classify)).toHaveLength(1);
  });

  it('fails the drill when one stage of many failed, and when there were no stages', () => {
    const log = quiet();
    log.record('upstash.add-new-token', {
      expected: { old: 'accepted', new: 'accepted' },
      observed: { old: { status: 200 }, new: { status: 200 } },
      classify,
    });
    const healthy = log.passed('upstash.');
    log.record('upstash.retire-old-token', {
      expected: { old: 'refused', new: 'accepted' },
      observed: { old: { status: 200 }, new: { status: 200 } },
      classify,
    });

    expect(healthy).toBe(true);
    expect(log.passed('upstash.')).toBe(false);
    expect(log.stages.map((s) => s.ok)).toEqual([true, false]);
    expect(quiet().passed('signing.')).toBe(false);
  });
});
