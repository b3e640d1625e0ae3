import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors/engine-error.ts';
import { allowedOperators, checkFilterOperators } from './operators.ts';
import { parseFilter } from './parse.ts';

const equalityOnly = [{ attributePatterns: ['doggos.*'] }];

function failure(filter: string, setting: Parameters<typeof checkFilterOperators>[1]): EngineError {
  try {
    checkFilterOperators(parseFilter(filter), setting, 'invalid_search_filter');
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return e as EngineError;
  }
  throw new Error('expected a failure');
}

describe('checkFilterOperators', () => {
  it('uses Meilisearch wording for a comparison on an equality-only rule', () => {
    expect(failure('doggos.age > 2', equalityOnly).message).toBe(
      'Filter operator `>` is not allowed for the attribute `doggos.age`.\n' +
        '  - Note: allowed operators: OR, AND, NOT, =, !=, IN, IS EMPTY, IS NULL, EXISTS.\n' +
        '  - Note: field `doggos.age` matched rule #0 in `filterableAttributes`\n' +
        '  - Hint: enable comparison in rule #0 by modifying the features.filter object\n' +
        '  - Hint: prepend another rule matching `doggos.age` with appropriate filter features before rule #0',
    );
    expect(failure('doggos.age 1 TO 2', equalityOnly).message).toMatch(/^Filter operator `TO` is not allowed/);
  });

  it('reports IN as `=` when equality is off', () => {
    const comparisonOnly = ['x', { attributePatterns: ['n'], features: { filter: { equality: false, comparison: true } } }];
    const error = failure('n IN [1, 2]', comparisonOnly);
    expect(error.message).toMatch(/^Filter operator `=` is not allowed for the attribute `n`\.\n {2}- Note: allowed operators: OR, AND, NOT, <, >, <=, >=, TO, IS EMPTY, IS NULL, EXISTS\./);
    expect(error.message).toContain('matched rule #1');
    expect(error.message).toContain('enable equality in rule #1');
  });

  it('lets everything else through', () => {
    const ok = (filter: string) => expect(() => checkFilterOperators(parseFilter(filter), equalityOnly, 'invalid_search_filter')).not.toThrow();
    ok('doggos.name = rex AND doggos.age != 2 AND doggos.age IN [1]');
    ok('doggos.age EXISTS AND doggos.age IS NULL AND doggos.age IS NOT EMPTY AND doggos.name CONTAINS r');
    ok('_geoRadius(1, 2, 3) AND other > 1');
    expect(() => checkFilterOperators(parseFilter('year > 1'), ['year'], 'invalid_search_filter')).not.toThrow();
  });
});

describe('allowedOperators', () => {
  it('lists nothing for a rule that does not filter', () => {
    expect(allowedOperators({ equality: false, comparison: false })).toEqual([]);
  });
});
