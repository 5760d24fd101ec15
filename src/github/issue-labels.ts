/** Labels of the sync issue: the trigger label comes off, the outcome label goes on. */
import { splitRepository } from './check-runs.js';
import { type GitHub, statusOf } from './github-client.js';

/** Removes `remove` (gone already is fine) and the other outcome label, then adds `add` if given. */
export async function swapLabel(
  github: GitHub,
  issue: { repository: string; number: number; labels: readonly ({ name?: string } | string)[] },
  remove: string,
  add: string | undefined,
  outcomeLabels: readonly string[] = ['mlgrade: synced', 'mlgrade: sync failed'],
): Promise<void> {
  const { owner, repo } = splitRepository(issue.repository);
  const present = issue.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? '')));
  const stale = present.filter((name) => outcomeLabels.includes(name) && name !== add);
  for (const name of [remove, ...stale]) {
    try {
      await github.rest.issues.removeLabel({ owner, repo, issue_number: issue.number, name });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
  if (add !== undefined)
    await github.rest.issues.addLabels({ owner, repo, issue_number: issue.number, labels: [add] });
}
