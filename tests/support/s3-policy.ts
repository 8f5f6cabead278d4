/** The public-read bucket policy learners write for websites (no dependencies: e2e uses it too). */
export function publicReadPolicy(bucket: string): { Version: string; Statement: object[] } {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicReadGetObject',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ],
  };
}
