/**
 * Placement groups with the real AWS CLI v2 against `cloudlab serve`: create, describe, launch
 * into the group with --placement, and delete once the instance is gone.
 */
import { describe, expect, it } from 'vitest';
import { cliLab } from '../support/aws-cli';

const { run, text } = cliLab();

describe('aws ec2: placement groups', () => {
  it('creates, describes, launches into and deletes a partition placement group', () => {
    const created = run(
      'ec2',
      'create-placement-group',
      '--group-name',
      'hdfs',
      '--strategy',
      'partition',
      '--partition-count',
      '3',
    );
    expect(created.status).toBe(0);
    expect(created.json()).toMatchObject({
      PlacementGroup: { GroupName: 'hdfs', Strategy: 'partition', PartitionCount: 3, State: 'available' },
    });
    const again = run('ec2', 'create-placement-group', '--group-name', 'hdfs', '--strategy', 'cluster');
    expect(again.status).toBe(254);
    expect(again.stderr).toContain('An error occurred (InvalidPlacementGroup.Duplicate)');

    expect(
      text(
        'ec2',
        'describe-placement-groups',
        '--group-names',
        'hdfs',
        '--query',
        'PlacementGroups[0].[GroupName,Strategy,PartitionCount]',
      ),
    ).toBe('hdfs\tpartition\t3');

    const ami = text(
      'ec2',
      'describe-images',
      '--filters',
      'Name=name,Values=al2023-ami-2023*-x86_64',
      '--query',
      'Images[0].ImageId',
    );
    const instanceId = text(
      'ec2',
      'run-instances',
      '--image-id',
      ami,
      '--instance-type',
      't3.micro',
      '--placement',
      'GroupName=hdfs,PartitionNumber=2',
      '--query',
      'Instances[0].InstanceId',
    );
    expect(instanceId).toMatch(/^i-0[0-9a-f]{16}$/);
    expect(
      text(
        'ec2',
        'describe-instances',
        '--instance-ids',
        instanceId,
        '--query',
        'Reservations[0].Instances[0].Placement.[GroupName,PartitionNumber]',
      ),
    ).toBe('hdfs\t2');
    const unknown = run(
      'ec2',
      'run-instances',
      '--image-id',
      ami,
      '--instance-type',
      't3.micro',
      '--placement',
      'GroupName=nope',
    );
    expect(unknown.status).toBe(254);
    expect(unknown.stderr).toContain(
      "An error occurred (InvalidPlacementGroup.Unknown) when calling the RunInstances operation: The Placement Group 'nope' is unknown.",
    );

    const inUse = run('ec2', 'delete-placement-group', '--group-name', 'hdfs');
    expect(inUse.status).toBe(254);
    expect(inUse.stderr).toContain('An error occurred (InvalidPlacementGroup.InUse)');
    expect(run('ec2', 'terminate-instances', '--instance-ids', instanceId).status).toBe(0);
    expect(run('ec2', 'wait', 'instance-terminated', '--instance-ids', instanceId).status).toBe(0);
    expect(run('ec2', 'delete-placement-group', '--group-name', 'hdfs').status).toBe(0);
    expect(run('ec2', 'describe-placement-groups', '--query', 'PlacementGroups').json()).toEqual([]);
  });
});
