// @ts-check
/**
 * Keeps some of what other plugins print out of the terminal. The local stack uses it for what
 * serverless-offline prints about its private ports (its route table, "Server ready", the port
 * for Lambda invocations and the function names to invoke there): those URLs bypass the gateway
 * proxy, so a learner who follows them gets answers API Gateway would not give.
 */

/**
 * Drops every write to stdout and stderr whose text `hides` matches, until the returned function
 * is called. A plugin's line is one write, so a dropped write is a whole line (or table).
 * @param {(text: string) => boolean} hides
 * @returns {() => void} puts both streams back as they were
 */
export function hideOutput(hides) {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    const write = stream.write;
    stream.write = /** @type {typeof write} */ (
      (/** @type {string | Uint8Array} */ chunk, /** @type {unknown[]} */ ...rest) => {
        if (!hides(String(chunk))) return Reflect.apply(write, stream, [chunk, ...rest]);
        // Dropped, but whoever wrote it still hears that the write is done.
        const done = rest.find((argument) => typeof argument === 'function');
        if (done) process.nextTick(/** @type {() => void} */ (done));
        return true;
      }
    );
  }
  return () => streams.forEach((stream, index) => (stream.write = /** @type {typeof stream.write} */ (originals[index])));
}
