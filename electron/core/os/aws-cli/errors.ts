/** How AWS CLI v2 reports failures, and its exit codes. */

export const EXIT = { service: 254, usage: 252, config: 253, other: 255 } as const;

export const USAGE = `usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]
To see help text, you can run:

  aws help
  aws <command> help
  aws <command> <subcommand> help
`;

export const NO_CREDENTIALS =
  'Unable to locate credentials. You can configure credentials by running "aws configure".';

export function serviceError(code: string, operation: string, message: string): string {
  return `An error occurred (${code}) when calling the ${operation} operation: ${message}`;
}

export function usageError(message: string): string {
  return `${USAGE}\naws: error: ${message}\n`;
}
