/**
 * S3 website endpoints from inside instances: the name resolves to its Region's website fleet,
 * `curl` gets the site when the instance reaches the internet (public address, internet
 * gateway, egress rule) and times out when it does not.
 */
import { describe, expect, it } from 'vitest';
import { websiteHostName } from '../../../electron/contract/s3-website';
import { websiteAddress } from '../../../electron/core/os/net/s3-website-endpoint';
import { writeBucketConfig } from '../../../electron/core/services/s3/bucket-config';
import { s3Caller } from '../../support/s3';
import { publicReadPolicy } from '../../support/s3-policy';
import { osLab } from './lab';

type Lab = Awaited<ReturnType<typeof osLab>>;

async function publicSite(lab: Lab, bucket: string): Promise<void> {
  const { cloud } = lab;
  const s3 = s3Caller(() => cloud);
  await s3('CreateBucket', { Bucket: bucket });
  await s3('PutObject', {
    Bucket: bucket,
    Key: 'index.html',
    Body: '<h1>hello</h1>',
    ContentType: 'text/html',
  });
  await cloud.store.write((tx) => {
    writeBucketConfig(tx, bucket, 'website', { IndexDocument: { Suffix: 'index.html' } });
    writeBucketConfig(tx, bucket, 'publicAccessBlock', {});
    writeBucketConfig(tx, bucket, 'policy', JSON.stringify(publicReadPolicy(bucket)));
  });
}

describe('S3 website endpoints on the simulated network', () => {
  it('an instance with internet access curls the site; dig and host resolve the endpoint', async () => {
    const lab = await osLab();
    await publicSite(lab, 'lab-site');
    const id = await lab.launch();
    const sh = await lab.shell(id);
    const name = websiteHostName('lab-site', 'us-east-1');
    expect(name).toBe('lab-site.s3-website-us-east-1.amazonaws.com');

    const page = await sh.run(`curl -s http://${name}/`);
    expect(page.exitCode).toBe(0);
    expect(page.stdout).toBe('<h1>hello</h1>');
    const head = await sh.run(`curl -sI http://${name}/missing.html`);
    expect(head.stdout).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(head.stdout).toMatch(/x-amz-error-code: NoSuchKey\r\n/i);

    const ip = websiteAddress(lab.cloud, 'us-east-1', 'lab-site')!;
    expect(ip).toMatch(/^16\.\d+\.\d+\.\d+$/);
    expect((await sh.run(`dig +short ${name}`)).stdout).toBe(`${ip}\n`);
    expect((await sh.run(`host ${name}`)).stdout).toBe(`${name} has address ${ip}\n`);
    expect((await sh.run(`host ${ip}`)).stdout).toContain('s3-website-us-east-1.amazonaws.com.');
    // Reaching the address directly with the website name as Host works as well.
    expect((await sh.run(`curl -s -H 'Host: ${name}' http://${ip}/`)).stdout).toBe('<h1>hello</h1>');

    // us-east-1 only has the dash form; a bucket in no website config is S3's 404 page.
    const dotted = await sh.run('curl -sS http://lab-site.s3-website.us-east-1.amazonaws.com/');
    expect(dotted.stderr).toBe(
      'curl: (6) Could not resolve host: lab-site.s3-website.us-east-1.amazonaws.com\n',
    );
    const other = await sh.run(
      `curl -s -o /dev/null -w '%{http_code}' http://no-such-site.s3-website-us-east-1.amazonaws.com/`,
    );
    expect(other.stdout).toBe('404');
    // Website endpoints do not speak HTTPS.
    expect((await sh.run(`curl -sS -m 3 https://${name}/`)).exitCode).toBe(28);
  });

  it('an instance without a public address cannot reach the site', async () => {
    const lab = await osLab();
    await publicSite(lab, 'lab-site-private');
    const id = await lab.launch({ NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false }] });
    const sh = await lab.shell(id);
    const r = await sh.run(`curl -sS -m 5 http://${websiteHostName('lab-site-private', 'us-east-1')}/`);
    expect(r.exitCode).toBe(28);
  });
});
