/**
 * The one paginator (src/source/paging/paginator.ts), table-tested on scripted page sequences:
 * each guard stops a pager that would never end with a PagingError naming its fault, collectPages
 * never returns the items so far as if they were all, and a restart after an expired token starts
 * over from the first page with fresh guards. (The endpoints themselves are tested against the
 * emulator in window-reader, hostile-list and recheck-robust tests.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransientError } from '../src/kit/errors.js';
import {
  collectPages,
  MAX_EMPTY_PAGES_IN_A_ROW,
  PageGuard,
  paginate,
  PagingError,
  type PagingFault,
} from '../src/source/paging/paginator.js';

interface FakePage {
  items: number[];
  has_more: boolean;
  page_token: string;
}

const subject = { scope: 'window', describe: (why: string) => `stopped: ${why}` };
const shape = (p: FakePage) => ({ count: p.items.length, hasMore: p.has_more, pageToken: p.page_token });

/** Pages served by token: '' is the first; each page names the next token. */
function server(pages: Record<string, FakePage>, requests: Array<string | undefined> = []) {
  return async (token: string | undefined): Promise<FakePage> => {
    requests.push(token);
    const page = pages[token ?? ''];
    if (!page) throw new Error(`no page for token ${String(token)}`);
    return page;
  };
}

function chain(
  count: number,
  perPage: number,
  tokenOf: (i: number) => string = (i) => `t${i}`,
): Record<string, FakePage> {
  const pages: Record<string, FakePage> = {};
  for (let i = 0; i < count; i++) {
    pages[i === 0 ? '' : tokenOf(i)] = {
      items: Array.from({ length: perPage }, (_, k) => i * perPage + k),
      has_more: i < count - 1,
      page_token: i < count - 1 ? tokenOf(i + 1) : '',
    };
  }
  return pages;
}

describe('paginator', () => {
  it('reads every page of a well-behaved pager, in order', async () => {
    const items = await collectPages(server(chain(7, 3)), (p) => p.items, shape, new PageGuard(100, subject));
    assert.deepEqual(
      items,
      Array.from({ length: 21 }, (_, i) => i),
    );
  });

  const broken: Array<{
    name: string;
    pages: Record<string, FakePage>;
    maxPages: number;
    fault: PagingFault;
    message: RegExp;
  }> = [
    {
      name: 'the same token again',
      pages: {
        '': { items: [1], has_more: true, page_token: 'a' },
        a: { items: [2], has_more: true, page_token: 'a' },
      },
      maxPages: 100,
      fault: 'repeated-token',
      message: /page 2 handed out a page_token already followed in this window \(the tokens repeat or cycle\)/,
    },
    {
      name: 'tokens that cycle',
      pages: {
        '': { items: [1], has_more: true, page_token: 'a' },
        a: { items: [2], has_more: true, page_token: 'b' },
        b: { items: [3], has_more: true, page_token: 'a' },
      },
      maxPages: 100,
      fault: 'repeated-token',
      message: /page 3 handed out a page_token already followed/,
    },
    {
      name: 'has_more without a token',
      pages: { '': { items: [1], has_more: true, page_token: '' } },
      maxPages: 100,
      fault: 'no-token',
      message: /page 1 handed out no page_token/,
    },
    {
      name: 'empty pages that say has_more',
      pages: chain(20, 0),
      maxPages: 100,
      fault: 'empty-pages',
      message: new RegExp(`${MAX_EMPTY_PAGES_IN_A_ROW + 1} pages in a row listed no instance yet said has_more=true`),
    },
    {
      name: 'more pages than the budget',
      pages: chain(20, 2),
      maxPages: 5,
      fault: 'page-budget',
      message: /5 pages said has_more=true, more than the window could hold \(at most 5 pages\)/,
    },
  ];
  for (const c of broken) {
    it(`${c.name}: a transient PagingError (${c.fault}), never the items so far`, async () => {
      let returned: number[] | undefined;
      await assert.rejects(
        (async () => {
          returned = await collectPages(server(c.pages), (p) => p.items, shape, new PageGuard(c.maxPages, subject));
        })(),
        (error: unknown) => {
          assert.ok(error instanceof PagingError && error instanceof TransientError);
          assert.equal(error.fault, c.fault);
          assert.match(error.message, /^stopped: /);
          assert.match(error.message, c.message);
          return true;
        },
      );
      assert.equal(returned, undefined);
    });
  }

  it('a few empty pages in a row are tolerated', async () => {
    const pages = chain(MAX_EMPTY_PAGES_IN_A_ROW + 1, 0);
    const last = pages[`t${MAX_EMPTY_PAGES_IN_A_ROW}`]!;
    last.items = [42];
    assert.deepEqual(await collectPages(server(pages), (p) => p.items, shape, new PageGuard(100, subject)), [42]);
  });

  it('an expired token starts over from the first page with fresh guards; too many restarts in a row give up', async () => {
    const pages = chain(4, 1);
    let expireOnce = true;
    const requests: Array<string | undefined> = [];
    const seen: number[] = [];
    const inner = server(pages, requests);
    let restarts = 0;
    await paginate<FakePage>({
      fetch: async (token) => {
        if (token === 't2' && expireOnce) {
          expireOnce = false;
          requests.push(token);
          throw new Error('expired');
        }
        return inner(token);
      },
      shape,
      guard: new PageGuard(100, subject),
      onPage: (p) => void seen.push(...p.items),
      restart: {
        expired: (e, token) => token !== undefined && (e as Error).message === 'expired',
        max: 3,
        onRestart: () => restarts++,
        exhausted: () => new Error('exhausted'),
      },
    });
    assert.equal(restarts, 1);
    // The tokens t1 and t2 are followed again after the restart: fresh guards, no "repeated token".
    assert.deepEqual(requests, [undefined, 't1', 't2', undefined, 't1', 't2', 't3']);
    assert.deepEqual(seen, [0, 1, 0, 1, 2, 3]);

    await assert.rejects(
      paginate<FakePage>({
        fetch: async (token) => {
          if (token !== undefined) throw new Error('expired');
          return pages['']!;
        },
        shape,
        guard: new PageGuard(100, subject),
        onPage: () => {},
        restart: {
          expired: () => true,
          max: 3,
          onRestart: () => {},
          exhausted: (n) => new Error(`exhausted after ${n}`),
        },
      }),
      /exhausted after 3/,
    );
  });

  it('collectPages after an expired token: starts over and returns each item once; a token that keeps expiring is a PagingError', async () => {
    const pages = chain(4, 2);
    let expireOnce = true;
    const inner = server(pages);
    const fetchOnce = async (token: string | undefined): Promise<FakePage> => {
      if (token === 't3' && expireOnce) {
        expireOnce = false;
        throw new Error('expired');
      }
      return inner(token);
    };
    const expired = (e: unknown, token: string | undefined): boolean =>
      token !== undefined && (e as Error).message === 'expired';
    assert.deepEqual(
      await collectPages(fetchOnce, (p) => p.items, shape, new PageGuard(100, subject), expired),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    const always = async (token: string | undefined): Promise<FakePage> => {
      if (token !== undefined) throw new Error('expired');
      return inner(token);
    };
    await assert.rejects(
      collectPages(always, (p) => p.items, shape, new PageGuard(100, subject), expired),
      (error: unknown) => {
        assert.ok(error instanceof PagingError);
        assert.equal(error.fault, 'expired-token');
        assert.match(error.message, /^stopped: its page token kept expiring \(started over 3 times/);
        return true;
      },
    );
  });

  it('onPage returning false ends the read there (a window split)', async () => {
    const requests: Array<string | undefined> = [];
    await paginate<FakePage>({
      fetch: server(chain(5, 1), requests),
      shape,
      guard: new PageGuard(100, subject),
      onPage: () => false,
    });
    assert.deepEqual(requests, [undefined]);
  });
});
