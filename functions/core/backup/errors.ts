/** Errors of graph and table backups. Callers (CLIs, the DR drill) branch on `code`, never on the message. */
import { DomainError } from '../errors.js';

export type BackupErrorCode =
  | 'BACKUP_FORMAT_INVALID'
  | 'BACKUP_CHECKSUM_MISMATCH'
  | 'RESTORE_TARGET_NOT_EMPTY'
  | 'CROSS_TENANT_RELATIONSHIP';

/** Base class of backup errors. */
export class BackupError extends DomainError<BackupErrorCode> {}

/** A backup file or line is not what this version writes (or a value has no backup form). */
export class BackupFormatError extends BackupError {
  constructor(message: string) {
    super('BACKUP_FORMAT_INVALID', message);
  }
}

/** The file's sha256 is not the one recorded when it was written: it was cut short or changed; nothing was restored. */
export class BackupChecksumError extends BackupError {
  constructor(file: string, expected: string, found: string) {
    super(
      'BACKUP_CHECKSUM_MISMATCH',
      `${file} has sha256 ${found}, its manifest records ${expected}; nothing was restored`,
      {
        context: { file, expected, found },
      },
    );
  }
}

/** A restore goes into an empty store, tenant or table only, so it never mixes restored and live data. */
export class RestoreTargetNotEmptyError extends BackupError {
  /** `target` names what is not empty (`tenant acme`, `table graphgate-local-audit-ledger`). */
  constructor(target: string, count: number, unit: 'nodes' | 'items') {
    super(
      'RESTORE_TARGET_NOT_EMPTY',
      `${target} already holds ${unit === 'nodes' ? count : 'at least one'} ${unit === 'nodes' ? 'nodes' : 'item'}; restore only into an empty one`,
      {
        context: { target, count },
      },
    );
  }
}

/** A relationship leads into another tenant; tenancy forbids it, so the backup stops rather than carry it. */
export class CrossTenantRelationshipError extends BackupError {
  constructor(tenant: string, type: string) {
    super('CROSS_TENANT_RELATIONSHIP', `a ${type} relationship of tenant ${tenant} ends in another tenant`, {
      context: { tenant, type },
    });
  }
}
