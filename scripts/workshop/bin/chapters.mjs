#!/usr/bin/env node
// @ts-check
// The `chapters` command: see ../chapters-cli.mjs. A bin only runs; the module it calls only exports.
import { main } from '../chapters-cli.mjs';

process.exitCode = await main(process.argv.slice(2));
