// @ts-check
/**
 * Mocha root hooks of `workshop verify`: after the last check, stop the local stack and the
 * database the checks started (see checks.mjs). CommonJS because mocha --require loads it.
 */
exports.mochaHooks = {
  async afterAll() {
    this.timeout(30_000);
    const { stopApi } = require('./checks.mjs');
    await stopApi();
  },
};
