// Compiled with `tsc --noEmit` by test/js/types.test.js: the declarations
// must accept real usage and reject misuse (@ts-expect-error lines).
import offload, { configure, stats, ExecutorStats, TaskOptions } from 'offload';

configure({ threads: 2, maxQueue: 100 });
offload.configure({});
const s: ExecutorStats = stats();
const p99: number = s.waitTime.p99 + s.runTime.max;
void p99;
const opts: TaskOptions = { signal: AbortSignal.timeout(10), priority: 'high', timeout: 5 };
void opts;

// @ts-expect-error threads must be a number
configure({ threads: '2' });
// @ts-expect-error unknown priority
const bad: TaskOptions = { priority: 'urgent' };
void bad;
