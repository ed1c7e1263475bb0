import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  experimental,
  HttpVersion,
  LambdaEdgeEventType,
  OriginRequestPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, type IFunctionUrl, Runtime } from 'aws-cdk-lib/aws-lambda';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { edgeEntry } from '../../release/deployables.js';
import type { StageConfig } from '../config/stages.js';
import { type EdgeBuildConfig, edgeCode } from '../constructs/edge-code.js';
import { acknowledge, acknowledgeLambdaDefaults } from '../constructs/nag.js';
import { ReviewSite } from '../constructs/review-site.js';
import { secretNames } from './data-stack.js';

export interface EdgeStackProps extends StackProps {
  readonly stage: StageConfig;
  /** The GraphQL origin's function URL (home region; a cross-region reference when the home region is not us-east-1). */
  readonly originUrl: IFunctionUrl;
  /** The step-up function's URL: `/stepup/*` beside the review page, so its ceremonies run on the page's origin. */
  readonly stepUpUrl: IFunctionUrl;
}

/** What the edge bundle of `stage` bakes in (also what `npm run release` builds it with). */
export function edgeBuildConfig(stage: StageConfig): EdgeBuildConfig {
  const names = secretNames(stage.name);
  return {
    stage: stage.name,
    jwt: stage.auth,
    secrets: { region: stage.region, upstash: names.upstash, signingKeys: names.signingKeys },
  };
}

/**
 * Edge (us-east-1): CloudFront in front of the origin, with the Hono edge as a Lambda@Edge origin-request handler.
 * Origin-request rather than viewer-request: it may read the body (POST GraphQL), run 30 s and ship more than 1 MB
 * (wasm policy bundle), and it sees the origin's domain in the event, so no origin URL has to be baked in.
 */
export class EdgeStack extends Stack {
  readonly distribution: Distribution;
  readonly edgeFunction: experimental.EdgeFunction;
  readonly reviewSite: ReviewSite;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const names = secretNames(stage.name);
    const config = edgeBuildConfig(stage);

    // Lambda@Edge: x86_64 only, no env vars, no layers, no X-Ray; logs land in the region that served the request.
    this.edgeFunction = new experimental.EdgeFunction(this, 'EdgeFn', {
      code: edgeCode(this, edgeEntry, config),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.X86_64,
      memorySize: stage.edge.memoryMb,
      timeout: Duration.seconds(stage.edge.timeoutS),
      description: 'graphgate edge (Hono): persisted ids, JWT, policy scope, Upstash cache, signed origin calls',
    });
    // Grants by name pattern: the secrets live in the home region and their ARNs end in a random 6-character suffix.
    const secretArn = (name: string) =>
      `arn:${this.partition}:secretsmanager:${stage.region}:${stage.account}:secret:${name}-??????`;
    this.edgeFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretArn(names.upstash), secretArn(names.signingKeys)],
      }),
    );

    const logs = new Bucket(this, 'AccessLogs', {
      // CloudFront standard logging writes with ACLs, so the bucket must accept them.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(stage.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Upstash is the response cache (tenant-keyed at the edge); CloudFront must not cache. The 1 s max TTL exists only
    // because a cache policy with all-zero TTLs may not list headers, and Authorization must reach the edge function.
    const passThrough = new CachePolicy(this, 'PassThrough', {
      comment: 'graphgate: no CloudFront caching; forwards Authorization to the edge',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const domain = stage.domain;
    const zone = domain && HostedZone.fromHostedZoneAttributes(this, 'Zone', domain);
    const certificate =
      domain &&
      zone &&
      new Certificate(this, 'Cert', { domainName: domain.name, validation: CertificateValidation.fromDns(zone) });

    // The adjudication page (S3, /review/*) and the step-up routes it calls (/stepup/*), on the API's origin.
    this.reviewSite = new ReviewSite(this, 'ReviewSite', { logs, stepUpUrl: props.stepUpUrl, passThrough });

    this.distribution = new Distribution(this, 'Cdn', {
      comment: `graphgate ${stage.name} edge`,
      defaultBehavior: {
        origin: new FunctionUrlOrigin(props.originUrl, { readTimeout: Duration.seconds(stage.api.timeoutS + 5) }),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: passThrough,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        edgeLambdas: [
          {
            functionVersion: this.edgeFunction.currentVersion,
            eventType: LambdaEdgeEventType.ORIGIN_REQUEST,
            includeBody: true,
          },
        ],
      },
      additionalBehaviors: this.reviewSite.behaviors,
      domainNames: domain ? [domain.name] : undefined,
      certificate,
      // Only settable with our own certificate; *.cloudfront.net has CloudFront's fixed policy.
      minimumProtocolVersion: domain ? SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America + Europe: the price table's CloudFront prices are for these edges.
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    this.reviewSite.deploy(this.distribution);
    if (domain && zone) {
      new ARecord(this, 'Alias', {
        zone,
        recordName: domain.name,
        target: RecordTarget.fromAlias(new CloudFrontTarget(this.distribution)),
      });
    }
    this.acknowledgeFindings(Boolean(domain));
  }

  private acknowledgeFindings(hasDomain: boolean): void {
    acknowledgeLambdaDefaults(this.edgeFunction, { xray: false });
    acknowledge(
      this.node.findChild('AccessLogs'),
      'AwsSolutions-S1',
      'This bucket is the access-log destination itself; logging it to another bucket would only log the logger.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'The API serves licensed clients worldwide; access is decided per tenant by JWT and policy, not by geography.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'No WAF yet: every request is authenticated (JWT) and rate-limited per tenant by the edge before any origin call; a WAF rate rule is a follow-up if floods reach Lambda@Edge cost.',
    );
    if (!hasDomain) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Stages without a custom domain use the *.cloudfront.net certificate, whose TLS policy CloudFront fixes.',
      );
    }
  }
}
