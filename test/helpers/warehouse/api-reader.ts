/**
 * Reads what the API answers now, as a plain client would (real HTTP, a tenant token, no retries:
 * the truth builder runs against an emulator with its limits and faults off). Kept apart from the
 * connector's client on purpose: the truth must not share the code it judges.
 */
import type { ApprovalDefinition, InstanceDetail } from '../../../src/feishu/types.js';

/** An API answer: Feishu's code (0 = success) and, on success, its data. */
export interface Answer<T> {
  code: number;
  data?: T;
}

/** The data of a successful answer; anything else is an error naming `what`. */
export function dataOf<T>(answer: Answer<T>, what: string): T {
  if (answer.code !== 0 || answer.data === undefined) throw new Error(`${what} answered ${answer.code}`);
  return answer.data;
}

const LIST_SPAN_MS = 10 * 3_600_000;

export class ApiReader {
  private token: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly appId: string,
    private readonly appSecret: string,
  ) {}

  private async call<T>(path: string, init: RequestInit = {}): Promise<Answer<T>> {
    if (this.token === undefined) {
      const res = await fetch(`${this.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: this.appId, app_secret: this.appSecret }),
      });
      const body = (await res.json()) as { tenant_access_token?: string };
      if (!body.tenant_access_token) throw new Error('the emulator issued no token');
      this.token = body.tenant_access_token;
    }
    const res = await fetch(`${this.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${this.token}` } });
    return (await res.json()) as Answer<T>;
  }

  /** Every instance code the list API lists for `approvalCode` created in [startMs, endMs], in 10-hour queries. */
  async listCodes(approvalCode: string, startMs: number, endMs: number): Promise<string[]> {
    const codes = new Set<string>();
    for (let from = startMs; from <= endMs; from += LIST_SPAN_MS) {
      const to = Math.min(endMs, from + LIST_SPAN_MS);
      let pageToken: string | undefined;
      do {
        const query = new URLSearchParams({
          approval_code: approvalCode,
          start_time: String(from),
          end_time: String(to),
          page_size: '100',
        });
        if (pageToken) query.set('page_token', pageToken);
        const answer = await this.call<{ instance_code_list: string[]; page_token?: string }>(
          `/open-apis/approval/v4/instances?${query.toString()}`,
        );
        const data = dataOf(answer, `list ${approvalCode}`);
        for (const code of data.instance_code_list) codes.add(code);
        pageToken = data.page_token;
      } while (pageToken);
    }
    return [...codes];
  }

  detail(instanceCode: string): Promise<Answer<InstanceDetail>> {
    return this.call<InstanceDetail>(`/open-apis/approval/v4/instances/${encodeURIComponent(instanceCode)}`);
  }

  /** Users by open_id, as the contact API answers them (50 a call; those it leaves out are absent). */
  async users(openIds: readonly string[]): Promise<Record<string, unknown>[]> {
    return this.batches('users', 'user_ids', openIds, 'user_id_type=open_id');
  }

  async departments(ids: readonly string[]): Promise<Record<string, unknown>[]> {
    return this.batches('departments', 'department_ids', ids, 'department_id_type=open_department_id');
  }

  private async batches(
    endpoint: string,
    key: string,
    ids: readonly string[],
    idType: string,
  ): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < ids.length; i += 50) {
      const query = ids
        .slice(i, i + 50)
        .map((id) => `${key}=${encodeURIComponent(id)}`)
        .join('&');
      const answer = await this.call<{ items?: Record<string, unknown>[] }>(
        `/open-apis/contact/v3/${endpoint}/batch?${query}&${idType}`,
      );
      out.push(...(dataOf(answer, `${endpoint} batch`).items ?? []));
    }
    return out;
  }

  definition(approvalCode: string): Promise<Answer<ApprovalDefinition>> {
    return this.call<ApprovalDefinition>(`/open-apis/approval/v4/approvals/${encodeURIComponent(approvalCode)}`);
  }
}
