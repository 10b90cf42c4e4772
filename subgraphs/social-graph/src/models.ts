/**
 * What the resolvers receive (codegen mappers). The social graph does not own User: a user here is
 * only a federation reference, and the gateway fetches profile fields from the user service.
 */
export interface UserRef {
  id: string;
}
