import { beforeAll } from 'vitest';
import { iamSuite } from './test-support/suites/iam.suite.js';
import { observabilitySuite } from './test-support/suites/observability.suite.js';
import { reviewSuite } from './test-support/suites/review.suite.js';
import { stacksSuite } from './test-support/suites/stacks.suite.js';
import { tracingSuite } from './test-support/suites/tracing.suite.js';
import { type SynthesizedStage, synthStage } from './test-support/synth.js';

// One synthesis of the prod stage (esbuild bundling and cdk-nag included, ~10 s) shared by every suite: the suites
// live in ./test-support/suites so each file stays small while the app is built once.
let prod: SynthesizedStage;
beforeAll(() => {
  prod = synthStage('prod');
}, 120_000);
const stage = () => prod;

stacksSuite(stage);
iamSuite(stage);
observabilitySuite(stage);
reviewSuite(stage);
tracingSuite(stage);
