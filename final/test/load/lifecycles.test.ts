/** The short load test of `npm test`: a few seconds, enough for sign-ups and refreshes to race. */
import { describeLoadTest } from './load-test';

describeLoadTest({ users: 4, seconds: 4 });
