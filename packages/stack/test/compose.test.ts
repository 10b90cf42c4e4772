import { readFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_GRAPHQL } from '../src/compose';

describe('supergraph composition', () => {
  const result = composeSupergraph();

  it('composes without errors or warning-level hints', () => {
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('matches the committed supergraph.graphql (run `npm run compose` when this fails)', () => {
    expect(readFileSync(SUPERGRAPH_GRAPHQL, 'utf8')).toBe(result.supergraphSdl);
  });

  it('keeps internal service-to-service fields out of the API schema', () => {
    // @inaccessible fields stay in the supergraph for planning but never reach clients.
    const internal = [...(result.supergraphSdl ?? '').matchAll(/^\s+(_\w+)\(.*@inaccessible/gm)].map((m) => m[1]);
    expect(internal.length).toBeGreaterThan(0);
  });
});
