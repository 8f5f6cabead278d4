/**
 * The kernel each catalogue AMI boots: the release `uname -r`, `aws --version` and the serial
 * console show, and the machine name (`uname -m`) of an AMI architecture.
 */
import type { ImageInfo } from './catalogue';

/** `uname -m` for an AMI architecture (`arm64` → `aarch64`, otherwise `x86_64`). */
export function kernelArch(architecture: string): string {
  return architecture === 'arm64' ? 'aarch64' : 'x86_64';
}

/** The kernel release of the image's operating system, as `uname -r` prints it. */
export function kernelRelease(image: Pick<ImageInfo, 'os' | 'osVersion' | 'architecture'>): string {
  if (image.os === 'amazon-linux')
    return image.osVersion === '2023'
      ? `6.1.112-122.189.amzn2023.${kernelArch(image.architecture)}`
      : `5.10.226-214.880.amzn2.${kernelArch(image.architecture)}`;
  if (image.os === 'ubuntu') return image.osVersion.startsWith('24') ? '6.8.0-1016-aws' : '6.5.0-1022-aws';
  return image.architecture === 'arm64' ? '6.1.0-26-cloud-arm64' : '6.1.0-26-cloud-amd64';
}
