#!/usr/bin/env node
// @ts-check
// The `package-checksum` command: see ../package-checksum.mjs. A bin only runs; the module it calls only exports.
import { main } from '../package-checksum.mjs';

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
