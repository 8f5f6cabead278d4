/**
 * Function URLs on the instances' network: the name resolves to its Region's function URL
 * fleet (16.x.y.100–107), HTTPS on 443 reaches the URL handler from the workstation and from
 * an instance with internet access, port 80 never answers, and an instance without a public
 * address cannot get there. (The function itself runs in the API test; here the handler's own
 * answers — unknown URL, no resource policy — show the request arrived.)
 */
import { describe, expect, it } from 'vitest';
import { lambdaUrlAddress, lambdaUrlDnsAnswer } from '../../../electron/core/os/net/lambda-url-endpoint';
import { websiteAddress } from '../../../electron/core/os/net/s3-website-endpoint';
import { osLab } from '../os/lab';

type Lab = Awaited<ReturnType<typeof osLab>>;

const ID = 'b7n2qxblow4om6qgjdmyezozg40txwpx';
const HOST = `${ID}.lambda-url.us-east-1.on.aws`;
const UNKNOWN = 'aaaaaaaaaaaaaaaaaaaaaaaaaa0aaaaa.lambda-url.us-east-1.on.aws';

async function withUrl(lab: Lab): Promise<void> {
  await lab.cloud.store.write((tx) =>
    tx.run(
      'INSERT INTO lambda_url_configs (account_id, region, name, qualifier, url_id, config) VALUES (?, ?, ?, ?, ?, ?)',
      [
        '123456789012',
        'us-east-1',
        'no-policy',
        '',
        ID,
        JSON.stringify({
          AuthType: 'NONE',
          InvokeMode: 'BUFFERED',
          CreationTime: '2026-11-23T00:00:00.000000Z',
          LastModifiedTime: '2026-11-23T00:00:00.000000Z',
        }),
      ],
    ),
  );
}

describe('function URLs on the simulated network', () => {
  it('resolve to a fleet address apart from the S3 website fleet', async () => {
    const lab = await osLab();
    const ip = lambdaUrlAddress(lab.cloud, 'us-east-1', ID)!;
    expect(ip).toMatch(/^16\.\d+\.\d+\.10[0-7]$/);
    expect(lambdaUrlAddress(lab.cloud, 'us-east-1', ID)).toBe(ip);
    expect(websiteAddress(lab.cloud, 'us-east-1', 'any-bucket')).not.toBe(ip);
    expect(lambdaUrlDnsAnswer(lab.cloud, HOST)?.address).toBe(ip);
    expect(lambdaUrlDnsAnswer(lab.cloud, `${ID}.lambda-url.xx-nowhere-9.on.aws`)).toBeNull();
  });

  it('the workstation reaches them over HTTPS; port 80 does not answer', async () => {
    const lab = await osLab();
    await withUrl(lab);
    const ws = await lab.cloud.os.workstation('123456789012', 'us-east-1');
    await lab.cloud.os.settled();
    const sh = await ws.openShell();
    const ip = lambdaUrlAddress(lab.cloud, 'us-east-1', ID)!;
    expect((await sh.run(`dig +short ${HOST}`)).stdout).toBe(`${ip}\n`);
    expect((await sh.run(`curl -s https://${HOST}/`)).stdout).toBe('{"Message":"Forbidden"}');
    expect((await sh.run(`curl -s https://${UNKNOWN}/`)).stdout).toBe('{"Message":null}');
    const code = await sh.run(`curl -s -o /dev/null -w '%{http_code}' https://${HOST}/x?y=1`);
    expect(code.stdout).toBe('403');
    expect((await sh.run(`curl -sS -m 3 http://${HOST}/`)).exitCode).toBe(28);
  });

  it('an instance needs internet access to reach them', async () => {
    const lab = await osLab();
    await withUrl(lab);
    const open = await lab.shell(await lab.launch());
    expect((await open.run(`curl -s https://${HOST}/`)).stdout).toBe('{"Message":"Forbidden"}');
    const closed = await lab.shell(
      await lab.launch({ NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false }] }),
    );
    expect((await closed.run(`curl -sS -m 5 https://${HOST}/`)).exitCode).toBe(28);
  });
});
