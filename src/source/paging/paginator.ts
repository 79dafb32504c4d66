import { TransientError } from '../../kit/errors.js';

/**
 * The one way this connector pages a paged endpoint (the list API's windows, the bulk query, the
 * recheck's list queries): one set of guards and one failure behaviour. A pager that would never
 * end — a page_token handed out twice in one pass (the same token again, or a cycle), a page that
 * says has_more without a token, more than MAX_EMPTY_PAGES_IN_A_ROW empty pages in a row that
 * still say has_more, or more pages than the caller's budget — ends in a PagingError (transient),
 * never in the pages read so far returned as if they were the whole answer.
 */

/**
 * Pages in a row that list nothing yet say has_more: a server paging on past its data. Real pages
 * are full until the last one; a few empty ones are tolerated.
 */
export const MAX_EMPTY_PAGES_IN_A_ROW = 5;

/** What the guards need to know of one page. */
export interface PageShape {
  /** Items the page listed. */
  count: number;
  hasMore: boolean;
  pageToken: string | undefined;
}

export type PagingFault = 'no-token' | 'repeated-token' | 'empty-pages' | 'page-budget' | 'expired-token';

/** A pager that would not stop; `fault` says which guard stopped it. */
export class PagingError extends TransientError {
  constructor(
    readonly fault: PagingFault,
    message: string,
  ) {
    super(message);
  }
}

/** How a paged read names itself in a PagingError. */
export interface PagingSubject {
  /** The unit one pass pages over, in the reasons ("window", "query span"). */
  scope: string;
  /** A note after the page budget's figure (e.g. where the docs explain it). */
  budgetNote?: string;
  /** The whole message from the reason the pager was stopped. */
  describe(why: string): string;
}

/**
 * The guards of one pass over a paged read. `next` is called for each page that says has_more,
 * before its token is followed; `reset` starts a new pass (a read restarted from its first page).
 */
export class PageGuard {
  private readonly tokens = new Set<string>();
  private pages = 0;
  private emptyInARow = 0;

  constructor(
    private readonly maxPages: number,
    private readonly subject: PagingSubject,
  ) {}

  reset(): void {
    this.tokens.clear();
    this.pages = 0;
    this.emptyInARow = 0;
  }

  next(page: PageShape): void {
    const { scope } = this.subject;
    this.pages++;
    this.emptyInARow = page.count === 0 ? this.emptyInARow + 1 : 0;
    if (!page.pageToken) throw this.stop('no-token', `page ${this.pages} handed out no page_token`);
    if (this.tokens.has(page.pageToken)) {
      throw this.stop(
        'repeated-token',
        `page ${this.pages} handed out a page_token already followed in this ${scope} (the tokens repeat or cycle)`,
      );
    }
    if (this.emptyInARow > MAX_EMPTY_PAGES_IN_A_ROW) {
      throw this.stop('empty-pages', `${this.emptyInARow} pages in a row listed no instance yet said has_more=true`);
    }
    if (this.pages >= this.maxPages) {
      throw this.stop(
        'page-budget',
        `${this.pages} pages said has_more=true, more than the ${scope} could hold (at most ${this.maxPages} pages${this.subject.budgetNote ?? ''})`,
      );
    }
    this.tokens.add(page.pageToken);
  }

  /** The read was started over `restarts` times in a row because its page token kept expiring. */
  expiredError(restarts: number): PagingError {
    return this.stop(
      'expired-token',
      `its page token kept expiring (started over ${restarts} times without reading a further page)`,
    );
  }

  private stop(fault: PagingFault, why: string): PagingError {
    return new PagingError(fault, this.subject.describe(why));
  }
}

/** Starting over after an expired page token (scroll cursors expire): the caller skips what it handled. */
export interface PagingRestart {
  expired(error: unknown, pageToken: string | undefined): boolean;
  /** Restarts in a row without reading a further page before giving up. */
  max: number;
  onRestart(): void;
  exhausted(restarts: number, last: unknown): Error;
}

export interface PagedRead<P> {
  fetch(pageToken: string | undefined): Promise<P>;
  shape(page: P): PageShape;
  guard: PageGuard;
  /** Handles one page; `false` ends the read there (the caller's choice, e.g. a window split). */
  onPage(page: P): Promise<boolean | void> | boolean | void;
  restart?: PagingRestart;
}

/** Reads page after page until one says has_more false, the caller stops, or a guard throws. */
export async function paginate<P>(read: PagedRead<P>): Promise<void> {
  let pageToken: string | undefined;
  let restarts = 0;
  for (;;) {
    let page: P;
    try {
      page = await read.fetch(pageToken);
      if (pageToken !== undefined) restarts = 0;
    } catch (error) {
      const restart = read.restart;
      if (!restart?.expired(error, pageToken)) throw error;
      if (restarts >= restart.max) throw restart.exhausted(restarts, error);
      restarts++;
      restart.onRestart();
      pageToken = undefined;
      read.guard.reset();
      continue;
    }
    if ((await read.onPage(page)) === false) return;
    const shape = read.shape(page);
    if (!shape.hasMore) return;
    read.guard.next(shape);
    pageToken = shape.pageToken;
  }
}

/** Restarts in a row without reading a further page before collectPages gives up. */
export const MAX_COLLECT_RESTARTS = 3;

/**
 * Every item of every page, or a PagingError: never the items so far as if they were all. With
 * `expired`, a page token that expired starts the read over (the items so far are dropped); one
 * that keeps expiring is a PagingError too.
 */
export async function collectPages<P, T>(
  fetch: (pageToken: string | undefined) => Promise<P>,
  items: (page: P) => readonly T[],
  shape: (page: P) => PageShape,
  guard: PageGuard,
  expired?: (error: unknown, pageToken: string | undefined) => boolean,
): Promise<T[]> {
  let all: T[] = [];
  const restart: PagingRestart | undefined = expired && {
    expired,
    max: MAX_COLLECT_RESTARTS,
    onRestart: () => {
      all = [];
    },
    exhausted: (restarts) => guard.expiredError(restarts),
  };
  await paginate({
    fetch,
    shape,
    guard,
    onPage: (page) => void all.push(...items(page)),
    ...(restart ? { restart } : {}),
  });
  return all;
}
