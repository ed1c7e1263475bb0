/**
 * The adjudication page as static assets behind the edge's CloudFront distribution: a private S3 bucket read through
 * origin access control under `/review/*`, and `/stepup/*` routed to the step-up function, so the page, the step-up
 * ceremonies and `/graphql` share one origin (the passkey's origin is the page's). The page is built by Vite at
 * synth, locally like every other bundle (no Docker).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Function as CloudFrontFunction,
  type Distribution,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IFunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { reviewBasePath } from '../../../functions/adjudication/build.js';
import { reviewCsp } from '../../../functions/adjudication/site.js';
import { releasedReviewPage } from '../release-gate.js';
import { repoRoot } from './bundling.js';
import { acknowledge } from './nag.js';

const require = createRequire(import.meta.url);

export interface ReviewSiteProps {
  /** Bucket of the distribution's access logs; the site bucket's server access logs go there too. */
  readonly logs: IBucket;
  /** The step-up function's URL (home region). */
  readonly stepUpUrl: IFunctionUrl;
  /** The pass-through cache policy of the API behaviours (forwards Authorization, caches nothing). */
  readonly passThrough: CachePolicy;
}

/** `/review/` and `/review` serve the page's index.html (S3 has no directory index behind OAC). */
const indexRewrite = `function handler(event) {
  var r = event.request;
  if (r.uri === '${reviewBasePath.slice(0, -1)}' || r.uri.endsWith('/')) r.uri = '${reviewBasePath}index.html';
  return r;
}`;

const cspHeader = Object.entries(reviewCsp)
  .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${v.join(' ')}`)
  .join('; ');

/** The page built by Vite at synth, locally like every other bundle (there is no Docker on the build machines). */
function builtAtSynth() {
  return Source.asset(join(repoRoot, 'functions/adjudication/page'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('scratch'),
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(
            process.execPath,
            [require.resolve('tsx/cli'), join(repoRoot, 'scripts/build-review-page.ts'), outputDir],
            { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
          );
          return true;
        },
      },
    },
  });
}

export class ReviewSite extends Construct {
  readonly bucket: Bucket;
  /** The distribution behaviours to add: the page and the step-up routes. */
  readonly behaviors: Record<string, BehaviorOptions>;

  constructor(scope: Construct, id: string, props: ReviewSiteProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Assets', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: props.logs,
      serverAccessLogsPrefix: 's3/review/',
      // The assets are rebuilt from the repository on every deploy; nothing in the bucket is worth keeping.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'graphgate review page: strict CSP, never framed, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: cspHeader, override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentTypeOptions: { override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    const rewrite = new CloudFrontFunction(this, 'IndexRewrite', {
      code: FunctionCode.fromInline(indexRewrite),
      comment: 'review page: directory paths serve index.html',
    });
    const page: BehaviorOptions = {
      origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: headers,
      functionAssociations: [{ function: rewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
    };
    const base = reviewBasePath.slice(0, -1);
    this.behaviors = {
      [`${base}/*`]: page,
      [base]: page,
      '/stepup/*': {
        origin: new FunctionUrlOrigin(props.stepUpUrl),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: props.passThrough,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    };
  }

  /**
   * Uploads the page under `review/` (the verified release's build when deploying from one, else built at synth) and
   * invalidates it on the distribution.
   */
  deploy(distribution: Distribution): BucketDeployment {
    const deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: reviewBasePath.slice(1),
      distribution,
      distributionPaths: [`${reviewBasePath}*`],
      sources: [releasedReviewPage(this) ? Source.asset(releasedReviewPage(this)!) : builtAtSynth()],
      memoryLimit: 256,
    });
    this.acknowledgeProvider();
    return deployment;
  }

  /** CDK's BucketDeployment provider (one per stack, outside this construct) raises these by design. */
  private acknowledgeProvider(): void {
    const stack = Stack.of(this);
    const provider = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!provider) throw new Error('the BucketDeployment provider was not found in the stack');
    const why =
      "CDK's BucketDeployment provider copies the page from the CDK asset bucket into the site bucket and invalidates " +
      '/review/* on the distribution: the wildcards are its own object-level grants on exactly those two buckets, ' +
      'and CloudFront invalidation has no resource-level permission.';
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*`,
      `Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*`,
      'Resource::*',
    ]) {
      acknowledge(provider, `AwsSolutions-IAM5[${finding}]`, why);
    }
    acknowledge(
      provider,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The AWS managed basic execution policy only lets the provider write its own CloudWatch logs.',
    );
    acknowledge(provider, 'AwsSolutions-L1', "The provider's runtime is chosen by aws-cdk-lib and moves with it.");
  }
}
