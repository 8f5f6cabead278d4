/**
 * The functions of the console's Region and one function as GetFunction shows it, kept
 * current: any Lambda change and a function's state change reload them.
 */
import type { FunctionConfiguration, GetFunctionResponse } from '@aws-sdk/client-lambda';
import { aws } from '../../lib/api';
import { Live } from '../../lib/live.svelte';

export async function listFunctions(region: string): Promise<FunctionConfiguration[]> {
  const all: FunctionConfiguration[] = [];
  let Marker: string | undefined;
  do {
    const out = await aws('lambda', 'ListFunctions', region, { Marker, MaxItems: 50 });
    all.push(...(out.Functions ?? []));
    Marker = out.NextMarker;
  } while (Marker);
  return all;
}

export class FunctionsLive extends Live<FunctionConfiguration[]> {
  constructor(region: string) {
    super(() => listFunctions(region), ['lambda.api.', 'lambda.function.state']);
  }
}

export class FunctionLive extends Live<GetFunctionResponse> {
  constructor(region: string, name: string) {
    super(
      () => aws('lambda', 'GetFunction', region, { FunctionName: name }),
      ['lambda.api.', 'lambda.function.state'],
    );
  }
}
