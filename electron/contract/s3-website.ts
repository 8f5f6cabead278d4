/**
 * S3 website endpoints: the host names AWS gives a bucket configured as a static website, and
 * the local form Cloud Lab serves the same site under. Pure, so the console (to open a preview),
 * the gateway (to recognise a website request) and the instances' DNS all use one spelling.
 *
 * AWS writes the Region with a dash after `s3-website` in US East (N. Virginia) and the Regions
 * that were open before 2014 (`BUCKET.s3-website-us-east-1.amazonaws.com`), and with a dot in
 * every newer Region (`BUCKET.s3-website.eu-central-1.amazonaws.com`).
 */

/** Regions whose website endpoint is `s3-website-REGION` (all others use `s3-website.REGION`). */
export const WEBSITE_DASH_REGIONS: readonly string[] = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-west-1',
  'sa-east-1',
  'us-gov-west-1',
];

/** `s3-website-us-east-1` or `s3-website.eu-central-1`: the label(s) between bucket and domain. */
export function websiteLabel(region: string): string {
  return WEBSITE_DASH_REGIONS.includes(region) ? `s3-website-${region}` : `s3-website.${region}`;
}

/** The website endpoint host name as AWS names it: `BUCKET.s3-website-us-east-1.amazonaws.com`. */
export function websiteHostName(bucket: string, region: string): string {
  return `${bucket}.${websiteLabel(region)}.amazonaws.com`;
}

/** The website endpoint as the S3 console shows it: `http://BUCKET.s3-website-REGION.amazonaws.com`. */
export function websiteEndpoint(bucket: string, region: string): string {
  return `http://${websiteHostName(bucket, region)}`;
}

/**
 * The same site served by `cloudlab serve` (or the desktop app's listener) on this computer:
 * `http://BUCKET.s3-website-us-east-1.localhost:4566/`. Browsers resolve every `*.localhost`
 * name to the loopback address, so the console can open it in a tab as it is.
 */
export function websitePreviewUrl(bucket: string, region: string, port: number): string {
  return `http://${bucket}.${websiteLabel(region)}.localhost:${port}/`;
}

/**
 * The preview URL for the listener the console knows (`LabInfo.endpoint`, e.g.
 * `http://127.0.0.1:4566`); null when the listener is off.
 */
export function websitePreviewUrlFor(bucket: string, region: string, endpoint: string | null): string | null {
  if (!endpoint) return null;
  const url = new URL(endpoint);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return websitePreviewUrl(bucket, region, port);
}

export interface WebsiteHost {
  /** The bucket named by the host; empty for the bare endpoint (`s3-website-us-east-1.amazonaws.com`). */
  bucket: string;
  region: string;
  /** How the Region was joined: `s3-website-REGION` or `s3-website.REGION`. */
  form: 'dash' | 'dot';
  /** `amazonaws.com`, or `localhost` for the local preview form. */
  domain: 'amazonaws.com' | 'localhost';
}

const WEBSITE_HOST = /^(?:(.+)\.)?s3-website([-.])([a-z]{2}(?:-[a-z]+)+-\d+)\.(amazonaws\.com|localhost)\.?$/;

/**
 * Is this Host header a website endpoint (AWS's or the local form, with or without a port)?
 * The Region is not checked against the catalogue here; callers that know the catalogue do.
 */
export function parseWebsiteHost(hostHeader: string | undefined): WebsiteHost | null {
  if (!hostHeader) return null;
  const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
  const m = WEBSITE_HOST.exec(host);
  if (!m) return null;
  return {
    bucket: m[1] ?? '',
    region: m[3]!,
    form: m[2] === '-' ? 'dash' : 'dot',
    domain: m[4] as WebsiteHost['domain'],
  };
}

/**
 * The hosted zone of each Region's S3 website endpoints (AWS's table of website endpoints): what
 * Route 53 alias records to a website name, and what the console offers for them.
 */
export const S3_WEBSITE_ZONES: Readonly<Record<string, string>> = {
  'us-east-1': 'Z3AQBSTGFYJSTF',
  'us-east-2': 'Z2O1EMRO9K5GLX',
  'us-west-1': 'Z2F56UZL2M1ACD',
  'us-west-2': 'Z3BJ6K6RIION7M',
  'af-south-1': 'Z83WF9RJE8B12',
  'ap-east-1': 'ZNB98KWMFR0R6',
  'ap-south-1': 'Z11RGJOFQNVJUP',
  'ap-south-2': 'Z02976202B4EZMXIPMXF7',
  'ap-northeast-1': 'Z2M4EHUR26P7ZW',
  'ap-northeast-2': 'Z3W03O7B5YMIYP',
  'ap-northeast-3': 'Z2YQB5RD63NC85',
  'ap-southeast-1': 'Z3O0J2DXBE1FTB',
  'ap-southeast-2': 'Z1WCIGYICN2BYD',
  'ap-southeast-3': 'Z01846753K324LI26A3VV',
  'ap-southeast-4': 'Z0312387243XT5FE14WFO',
  'ca-central-1': 'Z1QDHH18159H29',
  'ca-west-1': 'Z03565811Z33SLEZTHOUL',
  'eu-central-1': 'Z21DNDUVLTQW6Q',
  'eu-central-2': 'Z030506016YDQGETNASS',
  'eu-west-1': 'Z1BKCTXD74EZPE',
  'eu-west-2': 'Z3GKZC51ZF0DB4',
  'eu-west-3': 'Z3R1K369G5AVDG',
  'eu-north-1': 'Z3BAZG2TWCNX0D',
  'eu-south-1': 'Z30OZKI7KPW7MI',
  'eu-south-2': 'Z0081959F7139GRJC19J',
  'il-central-1': 'Z09640613K4A3MN55U7GU',
  'me-central-1': 'Z06143092I8HRXZRUZROF',
  'me-south-1': 'Z1MPMWCPA7YB62',
  'sa-east-1': 'Z7KQH4QJS55SO',
};
