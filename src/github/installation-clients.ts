/**
 * Clients for work that no webhook carries (the outbox, the sweep, resuming after a restart): the
 * installation of a repository's owner, as an event told it or as GitHub answers for the repository,
 * and a client for it with the write scheduler's hook. Tokens are cached by github-client.ts.
 */
import { splitRepository } from './check-runs.js';
import { type GitHub, installationClient, type ProbotClient, type RequestWrap } from './github-client.js';

/** Installation clients by owner; one per process. */
export class InstallationClients {
  readonly #installations = new Map<string, number>();

  /** `appClient`: the app's JWT-authenticated client, to find installations and mint tokens. */
  constructor(
    private readonly appClient: () => Promise<ProbotClient>,
    private readonly wrap?: RequestWrap,
  ) {}

  /** The installation of an owner, as an event told it (saves a lookup per owner). */
  remember(owner: string, installationId: number | undefined): void {
    if (installationId) this.#installations.set(owner.toLowerCase(), installationId);
  }

  /** A client for the installation that holds `repository` (`owner/name`). */
  async clientFor(repository: string): Promise<GitHub> {
    const { owner, repo } = splitRepository(repository);
    const app = await this.appClient();
    let id = this.#installations.get(owner.toLowerCase());
    if (id === undefined) {
      // After a restart no event has told this process the owner's installation yet.
      const { data } = await app.request('GET /repos/{owner}/{repo}/installation', { owner, repo });
      id = (data as { id: number }).id;
      this.#installations.set(owner.toLowerCase(), id);
    }
    return installationClient(app, id, this.wrap);
  }
}
