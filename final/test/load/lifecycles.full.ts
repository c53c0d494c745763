/** `npm run load`: the same load test for longer, with more virtual users (not in npm test). */
import { describeLoadTest } from './load-test';

describeLoadTest({ users: 8, seconds: 30 });
