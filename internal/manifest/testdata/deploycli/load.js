// Loads a Deploy CLI YAML file or directory with the Deploy CLI's own
// context loader (the code `a0deploy import` starts with; it also checks
// the assets against the Deploy CLI's own schema, with ajv, which takes most
// of the time), and writes the connections it read
// as JSON to OUTPUT (its logger writes on stdout).
// Usage: node load.js DEPLOY_CLI_PACKAGE_DIR INPUT OUTPUT
'use strict';
const path = require('path');
const fs = require('fs');

async function main() {
  const [pkg, input, output] = process.argv.slice(2);
  const lib = path.join(pkg, 'lib');
  const isDir = fs.statSync(input).isDirectory();
  const Context = require(path.join(lib, 'context', isDir ? 'directory' : 'yaml')).default;

  const ctx = new Context({ AUTH0_INPUT_FILE: input, AUTH0_KEYWORD_REPLACE_MAPPINGS: {} }, {});
  await ctx.loadAssetsFromLocal();
  const out = (ctx.assets.connections || []).map((c) => ({
    name: c.name,
    strategy: c.strategy,
    scim_configuration: c.scim_configuration,
  }));
  fs.writeFileSync(output, JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
