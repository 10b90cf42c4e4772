import { Kind, parse, type ConstDirectiveNode, type DefinitionNode } from 'graphql';
import { z } from 'zod';
import { InternalGraphQLClient, type InternalSigner } from '@social/kit';

/** Asks an internal root field `field(userId:)` for the ids it returns for `viewerId`. */
export type ViewerIdsLookup = (field: string, viewerId: string) => Promise<string[]>;

const idsSchema = z.object({ ids: z.array(z.string()) });

/**
 * The lookup behind `@liveSubjectsFrom`: the field is internal (`@inaccessible`), so it is not in the
 * API schema the gateway's query planner serves. It is asked directly of the subgraph that owns it
 * (read from the supergraph's join directives), signed as the gateway on behalf of the viewer, as
 * the feed asks the social graph for the same ids.
 */
export function internalViewerIds(
  supergraphSdl: string,
  subgraphUrls: Record<string, string>,
  signer: Pick<InternalSigner, 'sign'>,
): ViewerIdsLookup {
  const owners = queryFieldOwners(supergraphSdl);
  const clients = new Map<string, InternalGraphQLClient>();
  return async (field, viewerId) => {
    const subgraph = owners.get(field);
    const url = subgraph && subgraphUrls[subgraph];
    if (!url) throw new Error(`no subgraph of the supergraph resolves Query.${field}`);
    let client = clients.get(subgraph);
    if (!client) clients.set(subgraph, (client = new InternalGraphQLClient(url, signer, subgraph, 2_000)));
    const data = await client.request<unknown>(`query($u: ID!) { ids: ${field}(userId: $u) }`, { u: viewerId }, viewerId);
    return idsSchema.parse(data).ids;
  };
}

/** Query field name to the name of the subgraph resolving it (its first `@join__field(graph:)`). */
export function queryFieldOwners(supergraphSdl: string): Map<string, string> {
  const definitions = parse(supergraphSdl).definitions;
  const graphNames = new Map<string, string>();
  for (const def of definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION || def.name.value !== 'join__Graph') continue;
    for (const value of def.values ?? []) {
      const name = argOf(value.directives, 'join__graph', 'name');
      if (name) graphNames.set(value.name.value, name);
    }
  }
  const owners = new Map<string, string>();
  for (const def of definitions.filter(isQueryType)) {
    for (const field of def.fields ?? []) {
      const graph = argOf(field.directives, 'join__field', 'graph');
      const name = graph && graphNames.get(graph);
      if (name && !owners.has(field.name.value)) owners.set(field.name.value, name);
    }
  }
  return owners;
}

function isQueryType(
  def: DefinitionNode,
): def is Extract<DefinitionNode, { kind: Kind.OBJECT_TYPE_DEFINITION | Kind.OBJECT_TYPE_EXTENSION }> {
  return (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && def.name.value === 'Query';
}

function argOf(directives: readonly ConstDirectiveNode[] | undefined, directive: string, arg: string): string | undefined {
  const value = directives?.find((d) => d.name.value === directive)?.arguments?.find((a) => a.name.value === arg)?.value;
  return value?.kind === Kind.STRING || value?.kind === Kind.ENUM ? value.value : undefined;
}
