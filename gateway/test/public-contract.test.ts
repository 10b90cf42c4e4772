import { composeServices } from '@apollo/composition';
import { buildSchema, parse, printSchema } from 'graphql';
import { publicSchemaSdl } from '../src/public/contract';

/** Composes one subgraph and returns its public schema as written. */
function publicSdlOf(sdl: string): string {
  const typeDefs = parse(
    `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@tag", "@inaccessible"])\n${sdl}`,
  );
  const composed = composeServices([{ name: 'one', url: 'http://one.invalid/graphql', typeDefs }]);
  if (composed.errors) throw composed.errors[0];
  return publicSchemaSdl(composed.supergraphSdl, composed.schema.toAPISchema().toGraphQLJSSchema());
}

/** The same, checked to be a valid schema and printed by graphql-js. */
const publicOf = (sdl: string) => printSchema(buildSchema(publicSdlOf(sdl)));

describe('public schema (Apollo contract semantics, deny by default)', () => {
  const sdl = publicOf(`
    scalar DateTime
    enum Color { RED, BLUE }
    type Query {
      user(id: ID!): User @tag(name: "public")
      me: User
      audit: AuditLog
    }
    type Mutation { login(name: String!): String! }
    type User @key(fields: "id") {
      id: ID! @tag(name: "public")
      joined: DateTime! @tag(name: "public")
      favourite: Color! @tag(name: "public")
      email: String
      page: Page! @tag(name: "public")
      hidden: Hidden! @tag(name: "public")
      _internal: String @tag(name: "public") @inaccessible
    }
    type Page @tag(name: "public") { size: Int!, next: String }
    type Hidden { secret: String! }
    type AuditLog { entries: [String!]! }
  `);

  it('keeps tagged fields and every field of a tagged type', () => {
    expect(sdl).toContain('user(id: ID!): User');
    expect(sdl).toMatch(/type Page \{\s+size: Int!\s+next: String\s+\}/);
  });

  it('hides untagged fields, untagged root fields and a root type left empty', () => {
    expect(sdl).not.toMatch(/\bme\b|email|audit|Mutation|login/);
  });

  it('keeps types reached only through public fields (scalars, enums) and drops unreachable ones', () => {
    expect(sdl).toContain('scalar DateTime');
    expect(sdl).toContain('enum Color');
    expect(sdl).not.toContain('AuditLog');
  });

  it('removes a public field whose type has no public field, and never shows @inaccessible ones', () => {
    expect(sdl).not.toMatch(/Hidden|hidden|_internal/);
  });
});

describe('a supergraph with nothing tagged public', () => {
  it('has an empty public schema (the gateway then serves no public endpoint)', () => {
    expect(publicSdlOf('type Query { me: String }').trim()).toBe('');
  });
});
