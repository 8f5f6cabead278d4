/**
 * `aws` inside a machine: AWS CLI v2 for the simulated services. It finds credentials as the
 * CLI does (env, ~/.aws files, the instance profile through IMDS), maps
 * `aws <service> <operation> --param …` to the operation through the service's API model and
 * calls Cloud.invoke in-process as the credentials' principal. Errors and exit codes are the
 * CLI's. `--query` is JMESPath, evaluated by the reference implementation.
 */
import { posix } from 'node:path';
import { defineCommand, type CustomCommand, type ExecResult } from 'just-bash';
import { kernelArch, kernelRelease } from '../../infra/kernels';
import { isAwsError } from '../../kernel/errors';
import type { Machine } from '../machine';
import { AwsConfig, findCredentials, principalOf } from './credentials';
import { EXIT, NO_CREDENTIALS, serviceError, usageError } from './errors';
import { modelOf } from './models';
import { plain, toJson, toTable, toText, toYaml } from './output';
import { buildInput, ParamError } from './params';
import { runS3 } from './s3-commands';
import { configure } from './configure';
import jmespath from 'jmespath';

/** CLI service names that differ from the cloud's. */
const SERVICE_ALIASES: Record<string, string> = { s3api: 's3' };

interface Globals {
  region?: string;
  output?: string;
  query?: string;
  profile?: string;
  binaryFormat?: string;
  rest: string[];
}

const GLOBAL_VALUES: Record<string, keyof Omit<Globals, 'rest'>> = {
  '--region': 'region',
  '--output': 'output',
  '--query': 'query',
  '--profile': 'profile',
  '--cli-binary-format': 'binaryFormat',
};
const GLOBAL_SWITCHES = new Set([
  '--no-cli-pager',
  '--debug',
  '--no-paginate',
  '--no-verify-ssl',
  '--no-sign-request',
  '--color',
  '--cli-auto-prompt',
  '--no-cli-auto-prompt',
]);

function globals(args: string[]): Globals {
  const g: Globals = { rest: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] =
      a.includes('=') && a.startsWith('--')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const key = GLOBAL_VALUES[flag];
    if (key) g[key] = inline ?? args[++i];
    else if (flag === '--endpoint-url') i += inline === undefined ? 1 : 0;
    else if (!GLOBAL_SWITCHES.has(flag)) g.rest.push(a);
  }
  return g;
}

const result = (stdout: string, stderr = '', exitCode = 0): ExecResult => ({ stdout, stderr, exitCode });

export const aws = (m: Machine): CustomCommand =>
  defineCommand('aws', async (args, ctx) => {
    if (args[0] === '--version')
      return result(
        `aws-cli/2.22.3 Python/3.12.6 Linux/${kernelRelease(m.identity.image)} exe/${kernelArch(m.identity.image.architecture)}.${m.identity.image.os}\n`,
      );
    const g = globals(args);
    const [service, command, ...rest] = g.rest;
    if (!service) return result('', usageError('the following arguments are required: command'), EXIT.usage);
    const config = await AwsConfig.load(m, ctx.env, g.profile);
    if (service === 'configure')
      return configure(
        m,
        ctx,
        config,
        [command, ...rest].filter((x): x is string => !!x),
      );
    if (config.explicitProfile && !config.profileExists())
      return result('', `\nThe config profile (${config.profile}) could not be found\n`, EXIT.other);
    if (g.query !== undefined) {
      try {
        jmespath.compile(g.query);
      } catch (e) {
        return result('', `\nBad value for --query ${g.query}: ${(e as Error).message}\n`, EXIT.usage);
      }
    }
    const output = g.output ?? ctx.env.get('AWS_DEFAULT_OUTPUT') ?? config.get('output') ?? 'json';
    if (!['json', 'text', 'table', 'yaml'].includes(output))
      return result(
        '',
        usageError(
          `argument --output: Invalid choice, valid choices are:\n\njson                                     | text                                    \ntable                                    | yaml                                    \nyaml-stream                             \n`,
        ),
        EXIT.usage,
      );
    const region =
      g.region ??
      ctx.env.get('AWS_REGION') ??
      ctx.env.get('AWS_DEFAULT_REGION') ??
      config.get('region') ??
      (m.identity.kind === 'instance' ? m.identity.region : undefined);

    const cloudService = SERVICE_ALIASES[service] ?? service;
    const model = service === 's3' ? modelOf(m.cloud, 's3') : modelOf(m.cloud, cloudService);
    if (!model) {
      const choices = [...m.cloud.services.keys(), 's3api', 'configure'].sort();
      return result(
        '',
        usageError(`argument command: Invalid choice, valid choices are:\n\n${choices.join(' | ')}\n`),
        EXIT.usage,
      );
    }
    if (!command)
      return result('', usageError('the following arguments are required: operation'), EXIT.usage);

    let creds: Awaited<ReturnType<typeof findCredentials>>;
    const invoke = async (operation: string, input: Record<string, unknown>) => {
      if (!region) throw new RegionMissing();
      creds ??= await findCredentials(m, ctx.env, config);
      if (!creds) throw new NoCredentials();
      const principal = principalOf(m.cloud, cloudService, creds);
      return (await m.cloud.invoke({
        service: cloudService,
        operation,
        input,
        region,
        principal,
        source: 'aws',
      })) as Record<string, unknown>;
    };
    const trouble = (e: unknown, operation: string): ExecResult => {
      if (e instanceof NoCredentials) return result('', `\n${NO_CREDENTIALS}\n`, EXIT.config);
      if (e instanceof RegionMissing)
        return result(
          '',
          '\nYou must specify a region. You can also configure your region by running "aws configure".\n',
          EXIT.config,
        );
      if (isAwsError(e) && e.code === 'InvalidRegion')
        return result(
          '',
          `\nCould not connect to the endpoint URL: "https://${model.endpoint}.${region}.amazonaws.com/"\n`,
          EXIT.other,
        );
      if (isAwsError(e)) return result('', `\n${serviceError(e.code, operation, e.message)}\n`, EXIT.service);
      throw e;
    };

    if (service === 's3') {
      try {
        return await runS3([command, ...rest], invoke, {
          cwd: ctx.cwd,
          region: region ?? 'us-east-1',
          read: async (p) => ((await ctx.fs.exists(p)) ? await ctx.fs.readFileBuffer(p) : null),
          write: (p, data) => ctx.fs.writeFile(p, data),
        });
      } catch (e) {
        return trouble(
          e,
          command === 'ls'
            ? rest.some((a) => a.startsWith('s3://'))
              ? 'ListObjectsV2'
              : 'ListBuckets'
            : command,
        );
      }
    }

    const operation = model.operationFor(command);
    if (!operation)
      return result(
        '',
        usageError(
          `argument operation: Invalid choice, valid choices are:\n\n${model.cliOperations.join(' | ')}\n`,
        ),
        EXIT.usage,
      );
    let built;
    try {
      built = await buildInput(model, operation, rest, {
        rawBlobs: (g.binaryFormat ?? config.get('cli_binary_format')) === 'raw-in-base64-out',
        readFile: async (p) => {
          const path = posix.resolve(ctx.cwd, p);
          return (await ctx.fs.exists(path)) ? await ctx.fs.readFileBuffer(path) : null;
        },
      });
    } catch (e) {
      if (!(e instanceof ParamError)) throw e;
      if (
        e.message.startsWith('Parameter validation') ||
        e.message.startsWith('Error parsing') ||
        e.message.startsWith('Unknown options')
      )
        return result(
          '',
          e.message.startsWith('Unknown options')
            ? `${usageError(e.message).replace('aws: error: ', '')}`
            : `\n${e.message}\n`,
          EXIT.usage,
        );
      return result('', usageError(e.message), EXIT.usage);
    }
    // Operations whose answer is a document go to a file named after the options (outfile).
    const streamMember = Object.entries(model.output(operation).members ?? {}).find(
      ([name, ref]) =>
        model.resolve(ref).streaming ||
        (cloudService === 'lambda' && operation === 'Invoke' && name === 'Payload'),
    )?.[0];
    const outfile = streamMember ? built.positional[0] : undefined;
    if (streamMember && !outfile)
      return result('', usageError('the following arguments are required: outfile'), EXIT.usage);
    if (built.positional.length > (streamMember ? 1 : 0))
      return result(
        '',
        `${usageError(`Unknown options: ${built.positional.slice(streamMember ? 1 : 0).join(', ')}`).replace('aws: error: ', '')}`,
        EXIT.usage,
      );
    let out: Record<string, unknown>;
    try {
      out = await invoke(operation, built.input);
    } catch (e) {
      return trouble(e, operation);
    }
    if (streamMember && outfile) {
      const body = out[streamMember];
      const data =
        body instanceof Uint8Array
          ? body
          : new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body ?? ''));
      await ctx.fs.writeFile(posix.resolve(ctx.cwd, outfile), data);
      out = { ...out };
      delete out[streamMember];
    }
    // --query picks from the answer before it is formatted, as the CLI does.
    const shown = g.query !== undefined ? jmespath.search(plain(out), g.query) : plain(out);
    if (output === 'text') return result(toText(shown));
    if (output === 'table') {
      // The CLI lays the table out for the terminal's width (80 when it cannot tell).
      const columns = Number(ctx.env.get('COLUMNS'));
      try {
        return result(toTable(shown, operation, Number.isInteger(columns) && columns > 0 ? columns : 80));
      } catch (e) {
        // Rows of different lengths (`--query '[1, [2, 3]]'`): the CLI's table refuses them.
        return result('', `\n${(e as Error).message}\n`, EXIT.other);
      }
    }
    if (output === 'yaml') return result(toYaml(shown));
    return result(toJson(shown));
  });

class NoCredentials extends Error {}
class RegionMissing extends Error {}
