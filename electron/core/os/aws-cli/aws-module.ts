/**
 * The `aws` command on every machine. The workstation has no metadata service: at its first
 * boot its user gets ~/.aws/config and ~/.aws/credentials with the account's access key, as
 * CloudShell comes with the console user's credentials.
 */
import type { OsModule } from '../types';
import { aws } from './aws-command';

export const awsCliModule: OsModule = {
  name: 'aws-cli',
  commands: [aws],
  async boot(m, { firstBoot }) {
    if (!firstBoot || m.identity.kind !== 'workstation') return;
    const key = m.cloud.accounts.listAccessKeys(m.identity.account).find((k) => k.status === 'Active');
    const user = await m.users.find(m.defaultUser);
    if (!key || !user) return;
    const home = user.home;
    if (!(await m.fs.exists(`${home}/.aws/credentials`)))
      await m.fs.writeText(
        `${home}/.aws/credentials`,
        `[default]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`,
        0o600,
      );
    if (!(await m.fs.exists(`${home}/.aws/config`)))
      await m.fs.writeText(
        `${home}/.aws/config`,
        `[default]\nregion = ${m.identity.region}\noutput = json\n`,
        0o600,
      );
  },
};
