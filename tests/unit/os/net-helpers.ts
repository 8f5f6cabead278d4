/**
 * Helpers for the network tests: a web server on an instance, the instance's addresses, and
 * opening a security group's port to the world.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import type { osLab } from './lab';

type Lab = Awaited<ReturnType<typeof osLab>>;

export async function serveHttp(lab: Lab, id: string, body = 'hi', port = 80): Promise<void> {
  const m = (await lab.cloud.os.instance(id))!;
  m.listen({
    protocol: 'tcp',
    port,
    address: '0.0.0.0',
    program: 'httpd',
    pid: 1,
    http: () => ({ status: 200, headers: { 'content-type': 'text/html' }, body }),
  });
}

export async function addresses(lab: Lab, id: string, region = 'us-east-1') {
  const i = await lab.instance(id, region);
  return {
    privateIp: i.PrivateIpAddress!,
    publicIp: i.PublicIpAddress!,
    privateDns: i.PrivateDnsName!,
    publicDns: i.PublicDnsName!,
    groupId: i.SecurityGroups![0]!.GroupId!,
  };
}

export function permission(protocol: 'tcp' | 'icmp', port: number): EC2.IpPermission {
  return protocol === 'icmp'
    ? { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }
    : { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
}

/** Launch a running instance in another Region. */
export async function launchIn(lab: Lab, region: string): Promise<string> {
  const imageId = lab.cloud.catalogue.imagesIn(region).find((i) => i.key === 'al2023-x86_64')!.imageId;
  const out = await lab.call<{ Instances: Array<{ InstanceId: string }> }>(
    'RunInstances',
    { ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 },
    region,
  );
  await lab.running();
  return out.Instances[0]!.InstanceId;
}
