import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { SynthesizedStage } from '../synth.js';

/** The adjudication page behind the edge's distribution: S3 through OAC, /stepup/* beside it, built at synth. */
export function reviewSuite(stage: () => SynthesizedStage): void {
  describe('review page on the edge distribution', () => {
    const edge = () => stage().templates.edge;

    it('routes /review/* to a private bucket through origin access control and /stepup/* to the step-up URL', () => {
      const dist = Object.values(edge().findResources('AWS::CloudFront::Distribution'))[0]!;
      const config = dist.Properties.DistributionConfig as {
        CacheBehaviors: { PathPattern: string; TargetOriginId: string; ViewerProtocolPolicy: string }[];
        Origins: {
          Id: string;
          S3OriginConfig?: unknown;
          OriginAccessControlId?: unknown;
          CustomOriginConfig?: unknown;
        }[];
      };
      const originOf = (path: string) => {
        const b = config.CacheBehaviors.find((c) => c.PathPattern === path);
        return b && config.Origins.find((o) => o.Id === b.TargetOriginId);
      };

      expect(config.CacheBehaviors.map((b) => b.PathPattern).sort()).toEqual(['/review', '/review/*', '/stepup/*']);
      expect(originOf('/review/*')).toMatchObject({ S3OriginConfig: expect.anything() });
      expect(originOf('/review/*')?.OriginAccessControlId).toBeDefined();
      expect(originOf('/stepup/*')).toMatchObject({ CustomOriginConfig: { OriginProtocolPolicy: 'https-only' } });
      edge().hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/review/' }),
      });
      edge().hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 's3:GetObject',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
            }),
          ]),
        }),
      });
    });

    it('serves the page with a strict CSP and uploads the Vite build under review/, invalidating it', () => {
      edge().hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: Match.objectLike({
          SecurityHeadersConfig: Match.objectLike({
            ContentSecurityPolicy: {
              ContentSecurityPolicy: Match.stringLikeRegexp("script-src 'self'.*frame-ancestors 'none'"),
              Override: true,
            },
          }),
        }),
      });
      edge().hasResourceProperties('Custom::CDKBucketDeployment', {
        DestinationBucketKeyPrefix: 'review/',
        DistributionPaths: ['/review/*'],
      });
      const dir = stage().assembly.directory;
      const asset = readdirSync(dir)
        .filter((d) => d.startsWith('asset.'))
        .map((d) => join(dir, d))
        .find((d) => existsSync(join(d, 'index.html')));
      expect(asset, 'the built page among the edge assets').toBeDefined();
      expect(readFileSync(join(asset!, 'index.html'), 'utf8')).toMatch(/src="\/review\/assets\/index-[\w-]+\.js"/);
    });
  });
}
