#!/usr/bin/env node
// @ts-check
// The `pre-commit-checks` command: see ../pre-commit.mjs. A bin only runs; the module it calls only exports.
import { main } from '../pre-commit.mjs';

process.exitCode = await main(process.argv.slice(2));
