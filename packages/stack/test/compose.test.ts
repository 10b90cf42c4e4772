import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { composeSupergraph, PUBLIC_SCHEMA_GRAPHQL, SUPERGRAPH_GRAPHQL } from '../src/compose';

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

  describe('public schema (elements tagged @tag(name: "public"))', () => {
    it('matches the committed public-schema.graphql (run `npm run compose` when this fails)', () => {
      expect(readFileSync(PUBLIC_SCHEMA_GRAPHQL, 'utf8')).toBe(result.publicSchemaSdl);
    });

    const schema = buildSchema(result.publicSchemaSdl ?? '');

    it("offers profiles, posts, comments, follower counts and a user's posts", () => {
      expect(Object.keys(schema.getQueryType()!.getFields()).sort()).toEqual(['comment', 'post', 'user', 'userByHandle']);
      const user = schema.getType('User') as GraphQLObjectType;
      expect(Object.keys(user.getFields())).toEqual(expect.arrayContaining(['handle', 'followerCount', 'posts']));
    });

    it('hides mutations (auth included), timelines, viewer-specific and internal fields', () => {
      expect(schema.getMutationType()).toBeUndefined();
      const sdl = result.publicSchemaSdl ?? '';
      for (const hidden of ['login', 'refreshToken', 'homeTimeline', 'me', 'suggestions', 'viewerHasLiked', 'isFollowing', 'email']) {
        expect(sdl).not.toMatch(new RegExp(`\\b${hidden}\\b`));
      }
      expect(sdl).not.toMatch(/^\s+_\w+/m);
    });
  });
});
