#!/usr/bin/env node
// @ts-check
// The `pipelines-check` command: see ../check.mjs. A bin only runs; the module it calls only exports.
import { main } from '../check.mjs';

process.exitCode = await main(process.argv.slice(2));
