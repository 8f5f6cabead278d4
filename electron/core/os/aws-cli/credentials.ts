/**
 * Where the CLI finds credentials and settings, in the CLI's order: environment variables,
 * the shared credentials file (~/.aws/credentials), the config file (~/.aws/config), then on
 * an EC2 instance the metadata service (the instance profile's role, fetched with an IMDSv2
 * token over the simulated network). Keys are checked the way the service would: unknown
 * keys, wrong secrets and expired session tokens fail with the service's own error.
 */
import type { Cloud } from '../../cloud';
import type { Principal } from '../../kernel/accounts';
import { AwsError } from '../../kernel/errors';
import type { Machine } from '../machine';
import { instanceCredentials } from '../net/instance-credentials';
import { isNetError, networkOf } from '../net/network';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  source: 'env' | 'shared-credentials-file' | 'config-file' | 'iam-role';
}

export type Ini = Record<string, Record<string, string>>;

export function parseIni(text: string): Ini {
  const out: Ini = {};
  let section: Record<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const head = /^\[([^\]]+)\]$/.exec(line);
    if (head) {
      section = out[head[1]!.trim()] ??= {};
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv && section) section[kv[1]!.toLowerCase()] = kv[2]!;
  }
  return out;
}

export class AwsConfig {
  constructor(
    readonly credentialsFile: Ini,
    readonly configFile: Ini,
    readonly profile: string,
    readonly explicitProfile: boolean,
  ) {}

  static async load(
    m: Machine,
    env: Map<string, string>,
    profileFlag: string | undefined,
  ): Promise<AwsConfig> {
    const home = env.get('HOME') ?? '/root';
    const read = async (p: string) => parseIni((await m.fs.readText(p)) ?? '');
    const profile = profileFlag ?? env.get('AWS_PROFILE') ?? 'default';
    return new AwsConfig(
      await read(env.get('AWS_SHARED_CREDENTIALS_FILE') ?? `${home}/.aws/credentials`),
      await read(env.get('AWS_CONFIG_FILE') ?? `${home}/.aws/config`),
      profile,
      profileFlag !== undefined || env.has('AWS_PROFILE'),
    );
  }

  private configSection(): Record<string, string> | undefined {
    return this.profile === 'default'
      ? (this.configFile.default ?? this.configFile['profile default'])
      : this.configFile[`profile ${this.profile}`];
  }

  profileExists(): boolean {
    return !!this.credentialsFile[this.profile] || !!this.configSection();
  }

  get(key: string): string | undefined {
    return this.configSection()?.[key] ?? this.credentialsFile[this.profile]?.[key];
  }

  fileCredentials(): Credentials | null {
    return (
      keysIn(this.credentialsFile[this.profile], 'shared-credentials-file') ??
      keysIn(this.configSection(), 'config-file')
    );
  }
}

/** The keys of a profile's section, if it has both an access key ID and a secret. */
function keysIn(
  section: Record<string, string> | undefined,
  source: Credentials['source'],
): Credentials | null {
  if (!section?.aws_access_key_id || !section.aws_secret_access_key) return null;
  return {
    accessKeyId: section.aws_access_key_id,
    secretAccessKey: section.aws_secret_access_key,
    sessionToken: section.aws_session_token,
    source,
  };
}

/** The role credentials the metadata service hands this instance, as botocore fetches them. */
async function fromImds(m: Machine): Promise<Credentials | null> {
  if (m.identity.kind !== 'instance') return null;
  const net = networkOf(m.os);
  const base = 'http://169.254.169.254/latest';
  const tokenRes = await net.request(m, `${base}/api/token`, {
    method: 'PUT',
    headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' },
    timeoutMs: 1000,
  });
  const headers: Record<string, string> = {};
  if (!isNetError(tokenRes) && tokenRes.status === 200)
    headers['x-aws-ec2-metadata-token'] = String(tokenRes.body);
  const text = async (path: string) => {
    const r = await net.request(m, `${base}${path}`, { headers, timeoutMs: 1000 });
    return isNetError(r) || r.status !== 200
      ? null
      : typeof r.body === 'string'
        ? r.body
        : new TextDecoder().decode(r.body);
  };
  const role = (await text('/meta-data/iam/security-credentials/'))?.split('\n')[0];
  if (!role) return null;
  const doc = await text(`/meta-data/iam/security-credentials/${role}`);
  if (!doc) return null;
  const c = JSON.parse(doc) as { AccessKeyId: string; SecretAccessKey: string; Token: string };
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.Token,
    source: 'iam-role',
  };
}

export async function findCredentials(
  m: Machine,
  env: Map<string, string>,
  config: AwsConfig,
): Promise<Credentials | null> {
  const id = env.get('AWS_ACCESS_KEY_ID');
  const secret = env.get('AWS_SECRET_ACCESS_KEY');
  if (id && secret && !config.explicitProfile)
    return {
      accessKeyId: id,
      secretAccessKey: secret,
      sessionToken: env.get('AWS_SESSION_TOKEN'),
      source: 'env',
    };
  return config.fileCredentials() ?? (config.explicitProfile ? null : await fromImds(m));
}

/** Who these credentials are, or the error the service answers a request signed with them. */
export function principalOf(cloud: Cloud, service: string, creds: Credentials): Principal {
  const auth = cloud.services.get(service)?.auth;
  const fail = (spec: readonly [string, number, string] | undefined, fallback: string): never => {
    throw new AwsError(spec?.[0] ?? 'InvalidClientTokenId', spec?.[2] ?? fallback, {
      status: spec?.[1] ?? 403,
    });
  };
  if (creds.accessKeyId.startsWith('ASIA')) {
    const session = instanceCredentials(cloud).find(creds.accessKeyId);
    if (!session || session.secretAccessKey !== creds.secretAccessKey || session.token !== creds.sessionToken)
      return fail(auth?.unknownKey, 'The security token included in the request is invalid.');
    if (session.expiration <= cloud.clock.now())
      throw new AwsError('ExpiredToken', 'The security token included in the request is expired', {
        status: 400,
      });
    return session.principal;
  }
  const key = cloud.accounts.accessKey(creds.accessKeyId);
  if (!key || key.status !== 'Active')
    return fail(auth?.unknownKey, 'The security token included in the request is invalid.');
  if (key.secretAccessKey !== creds.secretAccessKey)
    return fail(
      auth?.badSignature,
      'The request signature we calculated does not match the signature you provided.',
    );
  return key.principal;
}
