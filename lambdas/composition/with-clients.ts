/**
 * A stage's dependencies with clients added beside those every stage gets: the handler of a stage
 * that answers a Task or re-queues a job builds the client it needs and adds it here.
 */
export function withClients<Deps extends { clients: object }, Added extends object>(
  deps: Deps,
  added: Added,
): Deps & { clients: Added } {
  return { ...deps, clients: { ...deps.clients, ...added } };
}
