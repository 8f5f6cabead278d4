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
    expect(ls.exitCode).toBe(254);
    expect(ls.stderr).toMatch(
      /^\nAn error occurred \(NotImplemented\) when calling the ListBuckets operation: /,
    );
    const mb = await sh.run('aws s3 mb s3://my-bucket');
    expect(mb.stderr).toMatch(
      /^make_bucket failed: s3:\/\/my-bucket An error occurred \(NotImplemented\) when calling the CreateBucket operation: /,
    );
    await sh.run('echo data > f.txt');
    expect((await sh.run('aws s3 cp f.txt s3://my-bucket/')).stderr).toMatch(
      /^upload failed: \.\/f\.txt to s3:\/\/my-bucket\/f\.txt An error occurred/,
    );
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
});
