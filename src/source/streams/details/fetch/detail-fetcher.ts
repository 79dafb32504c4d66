import type { FeishuClient } from '../../../../feishu/client.js';
import { FeishuApiError, FeishuCode } from '../../../../feishu/errors.js';
import type { InstanceDetail } from '../../../../feishu/types.js';
import type { WindowFields } from '../../../sync/contract.js';
import { toConnectorError } from '../../../sync/errors.js';
import { deletedDetail } from '../rows/detail-record.js';

/** A detail as fetched: `gone` when Feishu answered 1390003 (the detail is then a DELETED stub). */
export interface Fetched {
  detail: InstanceDetail;
  gone: boolean;
}

/** Fetches instance details, counting requests, retries and instances removed entirely. */
export class DetailFetcher {
  readonly counters = { requests: 0, retries: 0, deleted: 0 };

  constructor(private readonly client: FeishuClient) {}

  /** The detail; a DELETED stub when the instance was removed (1390003), so its row says so. Any other failure names the instance. */
  async fetch(code: string, approvalCode: string, window: WindowFields): Promise<Fetched> {
    try {
      return { detail: await this.client.getInstance(code, { counters: this.counters }), gone: false };
    } catch (error) {
      if (!(error instanceof FeishuApiError && error.code === FeishuCode.INSTANCE_NOT_FOUND)) {
        throw toConnectorError(error, {
          instanceCode: code,
          approvalCode,
          window: `${window.created_after} .. ${window.created_before}`,
        });
      }
      this.counters.deleted++;
      return { detail: deletedDetail(code, approvalCode), gone: true };
    }
  }
}
