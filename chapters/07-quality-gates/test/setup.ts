/**
 * Loaded by mocha before any test (see .mocharc.json). Tests read their own log lines through
 * sinon when they need to; everything else would only be noise in the test output.
 */
process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
// The SDK warns once that releases after January 2027 need Node 22; the lockfile pins a
// release that supports the Node 20 this workshop allows, so the warning is only noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
