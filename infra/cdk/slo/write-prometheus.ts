/** `npm run slo:prometheus`: writes infra/cdk/slo/prometheus-rules.yaml from the SLO definitions. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prometheusRuleYaml } from './prometheus.js';

/** Where the generated PrometheusRule lives (a test checks it is up to date). */
export const prometheusRulesPath = join(dirname(fileURLToPath(import.meta.url)), 'prometheus-rules.yaml');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(prometheusRulesPath, prometheusRuleYaml());
  console.log(`wrote ${prometheusRulesPath}`);
}
