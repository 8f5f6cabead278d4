/**
 * A lab for OS tests: an EC2 lab whose clock runs (boots take simulated seconds), with helpers
 * to launch a running instance and open a shell on it.
 */
import { ec2Lab } from '../ec2/lab';

export async function osLab(options: { dataDir?: string; userData?: string; imageId?: string } = {}) {
  const lab = await ec2Lab(options.dataDir ? { dataDir: options.dataDir } : {});
  const { cloud } = lab;

  /** Launch an instance and wait until it runs and its OS booted. */
  async function launch(input: Record<string, unknown> = {}): Promise<string> {
    const images = cloud.catalogue.imagesIn('us-east-1');
    const imageId =
      (input.ImageId as string | undefined) ?? images.find((i) => i.key === 'al2023-x86_64')!.imageId;
    const out = await lab.call<{ Instances: Array<{ InstanceId: string }> }>('RunInstances', {
      ImageId: imageId,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      ...input,
    });
    const id = out.Instances[0]!.InstanceId;
    await running(id);
    return id;
  }

  async function running(_id?: string): Promise<void> {
    await lab.elapse(10_000);
    await cloud.os.settled();
  }

  async function shell(id: string, user?: string) {
    const m = await cloud.os.instance(id);
    if (!m) throw new Error(`${id} is not running`);
    return m.openShell(user);
  }

  return { ...lab, launch, running, shell };
}
