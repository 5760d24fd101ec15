/** `installation` and `installation_repositories`: logged, so an operator can see where the app runs. */
import type { Context } from 'probot';

/** Logs who installed, changed or removed the app. */
export async function onInstallation(
  context: Context<'installation' | 'installation_repositories'>,
): Promise<void> {
  const { payload } = context;
  const account = payload.installation.account;
  const name = account && 'login' in account ? account.login : String(payload.installation.id);
  context.log.info(`installation ${payload.installation.id} (${name}): ${context.name}.${payload.action}`);
}
