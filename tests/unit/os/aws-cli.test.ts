import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { osLab } from './lab';

describe('aws inside an instance', () => {
  it('has no credentials without an instance profile', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    const r = await sh.run('aws sts get-caller-identity');
    expect(r.exitCode).toBe(253);
    expect(r.stderr).toBe(
      '\nUnable to locate credentials. You can configure credentials by running "aws configure".\n',
    );
  });

  it('calls as the instance role through IMDS and describes the instance', async () => {
    const lab = await osLab();
    const id = await lab.launch({ IamInstanceProfile: { Name: 'app-role' } });
    const sh = await lab.shell(id);
    const who = await sh.run('aws sts get-caller-identity');
    expect(who.exitCode).toBe(0);
    const identity = JSON.parse(who.stdout) as Record<string, string>;
    expect(identity).toMatchObject({
      Account: '123456789012',
      Arn: `arn:aws:sts::123456789012:assumed-role/app-role/${id}`,
    });
    expect(identity.UserId).toMatch(new RegExp(`^AROA[A-Z2-7]+:${id}$`));
    expect(who.stdout).toMatch(/^\{\n {4}"UserId": /);

    const described = await sh.run(`aws ec2 describe-instances --instance-ids ${id}`);
    expect(described.exitCode).toBe(0);
    const out = JSON.parse(described.stdout) as {
      Reservations: Array<{ Instances: Array<{ InstanceId: string; LaunchTime: string }> }>;
    };
    expect(out.Reservations[0]!.Instances[0]!.InstanceId).toBe(id);
    expect(out.Reservations[0]!.Instances[0]!.LaunchTime).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/,
    );
    const text = await sh.run(`aws ec2 describe-instances --instance-ids ${id} --output text`);
    expect(text.stdout).toMatch(new RegExp(`^RESERVATIONS\\t`));
    expect(text.stdout).toMatch(new RegExp(`\\nINSTANCES\\t.*${id}`));

    const missing = await sh.run('aws ec2 describe-instances --instance-ids i-0123456789abcdef0');
    expect(missing.exitCode).toBe(254);
    expect(missing.stderr).toMatch(
      /^\nAn error occurred \(InvalidInstanceID\.NotFound\) when calling the DescribeInstances operation: /,
    );
  });

  it('surfaces what the services answer, as the CLI prints it', async () => {
    const lab = await osLab();
    const id = await lab.launch({ IamInstanceProfile: { Name: 'app-role' } });
    const sh = await lab.shell(id);
    const ls = await sh.run('aws s3 ls');
    expect(ls).toMatchObject({ exitCode: 0, stdout: '' });
    const mb = await sh.run('aws s3 mb s3://my-bucket');
    expect(mb.stdout).toBe('make_bucket: my-bucket\n');
    await sh.run('echo data > f.txt');
    expect((await sh.run('aws s3 cp f.txt s3://my-bucket/')).stdout).toBe(
      'upload: ./f.txt to s3://my-bucket/f.txt\n',
    );
    expect((await sh.run('aws s3 cp s3://my-bucket/f.txt copy.txt')).exitCode).toBe(0);
    expect((await sh.run('cat copy.txt')).stdout).toBe('data\n');
    // Large objects come back as a stream: still a whole file.
    await sh.run('printf "%01048576d" 0 > m; for i in 1 2 3 4 5 6 7 8 9; do cat m >> big; done');
    expect(
      (await sh.run('aws s3 cp big s3://my-bucket/big && aws s3 cp s3://my-bucket/big big2')).exitCode,
    ).toBe(0);
    const sums = (await sh.run('md5sum big big2 | cut -d" " -f1 | uniq | wc -l; wc -c < big2')).stdout;
    expect(sums).toBe('1\n9437184\n');
    expect((await sh.run('aws s3 ls s3://no-such-bucket-here')).stderr).toMatch(/NoSuchBucket/);
    expect((await sh.run('aws dynamodb scan --table-name T')).stderr).toMatch(
      /when calling the Scan operation/,
    );
    expect((await sh.run('aws lambda invoke --function-name F out.json')).stderr).toMatch(
      /when calling the Invoke operation/,
    );
    const required = await sh.run('aws dynamodb scan');
    expect(required.exitCode).toBe(252);
    expect(required.stderr).toMatch(/aws: error: the following arguments are required: --table-name\n$/);
    expect((await sh.run('aws ec2 describe-instancez')).stderr).toMatch(/argument operation: Invalid choice/);
  });

  it('prefers ~/.aws files, and checks the keys in them', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const sh = await lab.shell(id);
    await sh.run('aws configure set aws_access_key_id test && aws configure set aws_secret_access_key test');
    const who = await sh.run('aws sts get-caller-identity --output text');
    expect(who.stdout).toBe('123456789012\tarn:aws:iam::123456789012:root\t123456789012\n');
    await sh.run('aws configure set aws_secret_access_key wrong');
    const bad = await sh.run('aws ec2 describe-instances');
    expect(bad.stderr).toMatch(
      /^\nAn error occurred \(SignatureDoesNotMatch\) when calling the DescribeInstances operation/,
    );
    expect((await sh.run('aws sts get-caller-identity --profile nope')).stderr).toBe(
      '\nThe config profile (nope) could not be found\n',
    );
  });

  it('works on the workstation with the account key written at first boot', async () => {
    const lab = await osLab();
    const ws = await lab.cloud.os.workstation('123456789012', 'us-east-1');
    await lab.cloud.os.settled();
    const sh = await ws.openShell();
    const r = await sh.run('aws sts get-caller-identity');
    expect(JSON.parse(r.stdout)).toMatchObject({ Arn: 'arn:aws:iam::123456789012:root' });
    // --query is JMESPath over the answer; --output text prints a string as it is.
    expect((await sh.run('aws sts get-caller-identity --query Account --output text')).stdout).toBe(
      '123456789012\n',
    );
    const key = await sh.run(
      'aws ec2 create-key-pair --key-name lab --query KeyMaterial --output text > lab.pem; head -1 lab.pem',
    );
    expect(key.stdout).toBe('-----BEGIN RSA PRIVATE KEY-----\n');
    const table = await sh.run("aws sts get-caller-identity --query '[[Account, UserId]]' --output table");
    // A list of lists is one row each, without a header row (the real CLI draws it so too).
    expect(table.stdout).toMatch(
      /^-+\n\|\s+GetCallerIdentity\s+\|\n\+-+\+-+\+\n\|\s+123456789012\s+\|\s+123456789012\s+\|\n\+-+\+-+\+\n$/,
    );
    const bad = await sh.run("aws sts get-caller-identity --query 'Account['");
    expect(bad.exitCode).toBe(252);
    expect(bad.stderr).toMatch(/^\nBad value for --query Account\[: /);
  });

  it('runs aws lambda: create-function from a zip on the instance, invoke into an outfile, the log tail', async () => {
    const lab = await osLab();
    const id = await lab.launch({ IamInstanceProfile: { Name: 'app-role' } });
    const sh = await lab.shell(id);
    const pkg = zipSync({ 'index.mjs': strToU8('export const handler = async (e) => ({ hello: e.name });') });
    await (await lab.cloud.os.instance(id))!.fs.writeFile('/home/ec2-user/function.zip', pkg);
    const created = await sh.run(
      'aws lambda create-function --function-name hi --runtime nodejs22.x --handler index.handler ' +
        '--role arn:aws:iam::123456789012:role/lambda-role --zip-file fileb://function.zip',
    );
    expect(created.exitCode, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ FunctionName: 'hi', State: 'Pending' });
    await lab.elapse(1_000);
    const invoked = await sh.run(
      `aws lambda invoke --function-name hi --cli-binary-format raw-in-base64-out --payload '{"name":"Ada"}' --log-type Tail out.json`,
    );
    expect(invoked.exitCode, invoked.stderr).toBe(0);
    const answer = JSON.parse(invoked.stdout) as { StatusCode: number; LogResult: string };
    expect(answer.StatusCode).toBe(200);
    expect(Buffer.from(answer.LogResult, 'base64').toString()).toContain('REPORT RequestId:');
    expect((await sh.run('cat out.json')).stdout).toBe('{"hello":"Ada"}');
  });
});
