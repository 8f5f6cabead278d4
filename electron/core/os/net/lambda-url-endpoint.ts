/**
 * Lambda function URLs on the instances' network: `<url-id>.lambda-url.<region>.on.aws`
 * resolves (from any machine) to one of a few addresses of its Region's function URL fleet,
 * and an HTTPS request to such an address on port 443 is answered by the core's URL handler
 * (`services/lambda/url-invoke.ts`) for the URL the Host names. Function URLs are HTTPS only:
 * port 80 (and any other port) gets no answer, as on AWS. The addresses are on the internet,
 * so an instance reaches them as it reaches the internet (`reachInternet`); the workstation
 * always does.
 *
 * The addresses are derived from the Region's name: 16.x.y.100–107, so they never meet the
 * S3 website fleets (16.x.y.2–9) nor EC2's public pools, and every run sees the same ones.
 */
import type { Cloud } from '../../cloud';
import { lambdaUrlNameAddress } from '../../network/dns/aws-endpoints';
import { serveFunctionUrl } from '../../services/lambda/url-invoke';
import type { PortBinding, SimRequest, SimResponse } from '../types';
import type { DnsAnswer } from './resolver';

export { lambdaUrlAddress, lambdaUrlRegionAt, lambdaUrlReverse } from '../../network/dns/aws-endpoints';

export const LAMBDA_URL_PORT = 443;

/** A DNS answer for any well-formed function URL name of a known Region (rules in network/dns/aws-endpoints.ts). */
export function lambdaUrlDnsAnswer(cloud: Cloud, name: string): DnsAnswer | null {
  const address = lambdaUrlNameAddress(cloud, name);
  return address ? { name, address, ttl: 60, from: 'dns' } : null;
}

/** What listens on a fleet address: port 443 answers for the URL the Host names. */
export function lambdaUrlBinding(cloud: Cloud, ip: string): PortBinding {
  return {
    protocol: 'tcp',
    port: LAMBDA_URL_PORT,
    address: ip,
    program: 'lambda-url',
    pid: 0,
    http: (request) => answer(cloud, request),
  };
}

async function answer(cloud: Cloud, request: SimRequest): Promise<SimResponse> {
  const host = request.headers['host'] ?? request.host;
  const out = await serveFunctionUrl(cloud, host, {
    method: request.method,
    path: request.path,
    headers: request.headers,
    body: request.body,
    sourceIp: request.remoteIp,
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { status: out.status, headers, body: out.body };
}
