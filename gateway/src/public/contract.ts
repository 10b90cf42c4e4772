import {
  Kind,
  parse,
  print,
  printSchema,
  visit,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
  type TypeNode,
} from 'graphql';

export const PUBLIC_TAG = 'public';

const BUILT_IN_SCALARS = ['String', 'Int', 'Float', 'Boolean', 'ID'];

type FieldsOwner = Extract<DefinitionNode, { fields?: readonly unknown[] }>;

/**
 * The public (third-party) schema: the API schema filtered to the elements tagged @tag(name: "public")
 * in the subgraphs, with Apollo contract semantics. Deny by default: a field is public when it, or its
 * type, carries the tag; every other field is hidden. Types come along when a public field reaches them
 * (a scalar, an enum, an input, a PageInfo) and disappear when nothing public reaches them; an object
 * type left with no public fields is removed together with the fields that return it.
 *
 * @param supergraphSdl read for its @tag applications (composition keeps them in the supergraph)
 * @param apiSchema the client-facing schema of that supergraph (no join__/link__ machinery, no @inaccessible)
 */
export function publicSchemaSdl(supergraphSdl: string, apiSchema: GraphQLSchema, tag = PUBLIC_TAG): string {
  const tagged = taggedCoordinates(parse(supergraphSdl), tag);
  const api = parse(printSchema(apiSchema));
  let defs = api.definitions.map((def) => keepTaggedFields(def, tagged));
  // Removing a type can leave a field pointing at nothing, which can empty another type: repeat to a fixed point.
  for (;;) {
    const objects = new Set(
      defs
        .filter(isObjectLike)
        .filter((d) => d.fields?.length)
        .map((d) => d.name.value),
    );
    const declared = new Set([...BUILT_IN_SCALARS, ...defs.flatMap((d) => ('name' in d && d.name ? [d.name.value] : []))]);
    const next = defs
      .map((def) =>
        isObjectLike(def)
          ? withFields(
              def,
              (f) => declared.has(namedType(f.type)) && (objects.has(namedType(f.type)) || !isObjectName(defs, namedType(f.type))),
            )
          : def,
      )
      .filter((def) => !isObjectLike(def) || def.fields?.length);
    const reachable = reachableTypes(next);
    const pruned = next.filter(
      (def) => !('name' in def) || !def.name || reachable.has(def.name.value) || def.kind === Kind.DIRECTIVE_DEFINITION,
    );
    if (pruned.length === defs.length && pruned.every((d, i) => d === defs[i])) break;
    defs = pruned;
  }
  const doc: DocumentNode = { kind: Kind.DOCUMENT, definitions: defs.filter((d) => d.kind !== Kind.SCHEMA_DEFINITION) };
  return prettierStyle(print(trimDescriptions(doc)));
}

/** Descriptions without leading or trailing blank lines (some subgraph SDL has them). */
function trimDescriptions(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    StringValue(node) {
      return node.block ? { ...node, value: node.value.trim() } : undefined;
    },
  });
}

/**
 * The file is committed and the repository is formatted by Prettier, which writes every block-string
 * description on three lines; graphql-js prints a one-line description on one. Printing it Prettier's
 * way keeps `prettier --check` and `compose:check` agreeing without running Prettier at compose time.
 */
function prettierStyle(printed: string): string {
  const quotes = '"""';
  const text = printed.replace(/^( *)"""(.+)"""$/gm, (_m, indent: string, body: string) =>
    [indent + quotes, indent + body, indent + quotes].join('\n'),
  );
  return text ? `${text}\n` : '';
}

/** "Type" for tagged types and "Type.field" for tagged fields, merged over type extensions. */
function taggedCoordinates(supergraph: DocumentNode, tag: string): Set<string> {
  const coordinates = new Set<string>();
  const hasTag = (directives: readonly DirectiveNode[] | undefined) =>
    (directives ?? []).some(
      (d) =>
        d.name.value === 'tag' &&
        d.arguments?.some((a) => a.name.value === 'name' && a.value.kind === Kind.STRING && a.value.value === tag),
    );
  for (const def of supergraph.definitions) {
    if (!('name' in def) || !def.name) continue;
    if ('directives' in def && hasTag(def.directives)) coordinates.add(def.name.value);
    if (!isObjectLike(def)) continue;
    for (const field of def.fields ?? []) if (hasTag(field.directives)) coordinates.add(`${def.name.value}.${field.name.value}`);
  }
  return coordinates;
}

function keepTaggedFields(def: DefinitionNode, tagged: Set<string>): DefinitionNode {
  if (!isObjectLike(def)) return def;
  if (tagged.has(def.name.value)) return def;
  return withFields(def, (f) => tagged.has(`${def.name.value}.${f.name.value}`));
}

/** Named types reachable from the root operation types through fields and their arguments. */
function reachableTypes(defs: DefinitionNode[]): Set<string> {
  const byName = new Map(defs.flatMap((d) => ('name' in d && d.name ? [[d.name.value, d] as const] : [])));
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const def = byName.get(name);
    if (!def) return;
    if (isObjectLike(def)) {
      for (const f of def.fields ?? []) {
        visit(namedType(f.type));
        for (const arg of f.arguments ?? []) visit(namedType(arg.type));
      }
      for (const i of def.interfaces ?? []) visit(i.name.value);
    }
    if (def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) for (const f of def.fields ?? []) visit(namedType(f.type));
    if (def.kind === Kind.UNION_TYPE_DEFINITION) for (const t of def.types ?? []) visit(t.name.value);
  };
  for (const root of ['Query', 'Mutation', 'Subscription']) visit(root);
  return seen;
}

function isObjectLike(
  def: DefinitionNode,
): def is Extract<FieldsOwner, { kind: Kind.OBJECT_TYPE_DEFINITION | Kind.INTERFACE_TYPE_DEFINITION }> {
  return def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INTERFACE_TYPE_DEFINITION;
}

function isObjectName(defs: DefinitionNode[], name: string): boolean {
  return defs.some((d) => isObjectLike(d) && d.name.value === name);
}

function withFields<T extends { fields?: readonly FieldDefinitionNode[] }>(def: T, keep: (f: FieldDefinitionNode) => boolean): T {
  const fields = (def.fields ?? []).filter(keep);
  return fields.length === (def.fields ?? []).length ? def : { ...def, fields };
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}
