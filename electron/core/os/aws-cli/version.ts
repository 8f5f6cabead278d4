/** The kernel release `aws --version` reports (the same one `uname -r` prints). */
import type { Machine } from '../machine';

export function kernelRelease(m: Machine): string {
  const img = m.identity.image;
  const arch = img.architecture === 'arm64' ? 'aarch64' : 'x86_64';
  if (img.os === 'amazon-linux')
    return img.osVersion === '2023' ? `6.1.112-122.189.amzn2023.${arch}` : `5.10.226-214.880.amzn2.${arch}`;
  if (img.os === 'ubuntu') return img.osVersion.startsWith('24') ? '6.8.0-1016-aws' : '6.5.0-1022-aws';
  return img.architecture === 'arm64' ? '6.1.0-26-cloud-arm64' : '6.1.0-26-cloud-amd64';
}
