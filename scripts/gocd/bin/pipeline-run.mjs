#!/usr/bin/env node
// @ts-check
// The `pipeline-run` command: see ../run-pipeline.mjs. A bin only runs; the module it calls only exports.
import { main } from '../run-pipeline.mjs';

process.exitCode = await main(process.argv.slice(2));
