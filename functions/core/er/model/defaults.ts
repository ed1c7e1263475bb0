/**
 * The model of a cold tenant, whose records are too few to train on. Hand-set and deliberately cautious: without
 * term frequencies it cannot tell a common name from a rare one, so a name alone reaches MID, never HIGH; a name
 * plus an agreeing identifier, full date or address reaches HIGH. u values are rates among random pairs. Numbers are generic (not fitted to any data set); each line
 * says where it comes from. Each kind's m and u sum to 1 over its levels.
 */
import { defaultBands, type MatchModel } from './model.js';
import { withVersion } from './version.js';

/** The hand-set model (versioned like a trained one). */
export const defaultModel: MatchModel = withVersion({
  // A cold tenant holds at most a few thousand records, a third with a duplicate: about 1 random pair in 1,000 matches.
  prior: 0.001,
  bands: defaultBands,
  comparisons: {
    name: {
      // Most of one entity's records spell its name the same way; 1 in 10,000 random pairs share a full name.
      exact: { m: 0.6, u: 0.0001 },
      // A dropped middle or given name in about 1 record in 10; a short name inside another's is rarer than 1 in 2,000.
      subset: { m: 0.1, u: 0.0005 },
      // One keyboard or OCR slip in a part: a few records in a hundred; near-identical names of others are rare.
      jw92: { m: 0.08, u: 0.0002 },
      // Heavier misspelling or transliteration: rarer among matches; similar-sounding names of others appear.
      jw80: { m: 0.05, u: 0.001 },
      // Nicknames and initials: a few records in a hundred; shared initials among others are common enough to discount.
      alias: { m: 0.05, u: 0.001 },
      // A record giving one word of the name (mostly the surname): a few matches in a hundred; a shared surname among
      // others, rare over a tenant but common within a household, so it is evidence only next to something else.
      single: { m: 0.03, u: 0.003 },
      // One part agrees and another clearly differs: heavy corruption for a match; a shared common name for 1 in 20.
      partial: { m: 0.07, u: 0.05 },
      // Nothing pairs: a data error or another legal name for a match; nearly every random pair.
      different: { m: 0.02, u: 0.9442 },
    },
    identifier: {
      // Identifiers are issued to be unique; 1 in 10,000 allows for reuse and placeholder values.
      exact: { m: 0.9, u: 0.0001 },
      // Typing slips and swapped digits in a few records in a hundred; random values one edit apart are rare.
      edit1: { m: 0.06, u: 0.001 },
      // Two slips are rarer among matches; among random values of short identifiers two edits happen now and then.
      edit2: { m: 0.01, u: 0.005 },
      // A re-issued number or a worse error for a match; nearly every non-match.
      different: { m: 0.03, u: 0.9939 },
    },
    date: {
      // Dates are mostly copied right; two random dates over a lifetime span agree about 1 in 20,000, ×10 for heaping.
      exact: { m: 0.88, u: 0.0005 },
      // Day and month swapped (US vs ISO habits) in a few records in a hundred where the day is ≤ 12.
      swap: { m: 0.02, u: 0.0002 },
      // One mistyped or misread digit; six digits each with a few plausible wrong values make it rare among others.
      digit: { m: 0.05, u: 0.004 },
      // Same year only: as likely among matches (half-known dates) as among others born the same year.
      year: { m: 0.02, u: 0.02 },
      // A different year: an error for a match, nearly every non-match.
      different: { m: 0.03, u: 0.9753 },
    },
    address: {
      // People move: about 6 in 10 of one entity's records share an address; households and shared buildings make it
      // about 1 in 2,000 random pairs of a tenant, so an address alone never outweighs a differing identifier or date.
      exact: { m: 0.6, u: 0.0005 },
      // Same postcode, street written differently or with a flat number: some matches; a postcode holds many others.
      postcode: { m: 0.1, u: 0.001 },
      // Same town and a near street: a typo in the postcode or street for matches, neighbours for others.
      near: { m: 0.05, u: 0.001 },
      // A move for a quarter of matches; nearly every random pair.
      different: { m: 0.25, u: 0.9975 },
    },
  },
});
