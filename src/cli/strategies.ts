/**
 * Which strategies a compare or sweep evaluates: `--balancers` specs, else the scenario's
 * `compare:` list, else its `balancer`. A spec is a bare kind (`round_robin`) or a YAML flow
 * mapping (`{kind: least_request, choices: 3}`), validated by the same schema as the scenario's
 * balancer so defaults and messages agree.
 */
import { parseDocument } from 'yaml';
import { balancerConfig, type BalancerConfig } from '../balancers/configs.js';
import { describeIssues } from '../scenario/issues.js';
import { formatPath } from '../scenario/render-value.js';
import type { Scenario } from '../scenario/schema.js';
import { splitTopLevel } from './flag-lists.js';
import { UsageError } from './errors.js';

/** Parses one `--balancers` item; a problem is a message naming the flag and the item. */
function parseSpec(spec: string): BalancerConfig | string {
  const where = `--balancers ${spec === '' ? '(empty item)' : spec}`;
  if (spec === '') return `${where}: expected a balancer kind such as round_robin or a mapping such as {kind: least_request, choices: 3}`;
  const doc = parseDocument(spec, { prettyErrors: false });
  const error = doc.errors[0];
  if (error !== undefined) return `${where}: not valid YAML: ${error.message.split('\n')[0]}`;
  const value: unknown = doc.toJS();
  const input = typeof value === 'string' ? { kind: value } : value;
  const parsed = balancerConfig.safeParse(input);
  if (parsed.success) return parsed.data;
  const reports = describeIssues(parsed.error.issues, balancerConfig, input);
  return reports.map((r) => `${where}: ${r.path.length > 0 ? `${formatPath(r.path)}: ` : ''}${r.message}`).join('\n');
}

/** Every strategy named by the (repeatable, comma-separated) `--balancers` values. */
export function parseBalancerSpecs(values: readonly string[]): BalancerConfig[] {
  const configs: BalancerConfig[] = [];
  const problems: string[] = [];
  for (const spec of values.flatMap(splitTopLevel)) {
    const outcome = parseSpec(spec);
    if (typeof outcome === 'string') problems.push(outcome);
    else configs.push(outcome);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return configs;
}

/** The strategies of a scenario: the flag's, else `compare:`, else the one `balancer`. */
export function strategiesOf(scenario: Scenario, fromFlag: readonly BalancerConfig[] | undefined): BalancerConfig[] {
  if (fromFlag !== undefined && fromFlag.length > 0) return [...fromFlag];
  return scenario.compare !== undefined ? [...scenario.compare] : [scenario.balancer];
}
