// Loads Deploy CLI YAML files or directories with the Deploy CLI's own
// context loader (the code `a0deploy import` starts with; it also checks
// the assets against the Deploy CLI's own schema, with ajv, which takes most
// of the time), and writes the connections each read as JSON to its OUTPUT
// (its logger writes on stdout).
// Usage: node load.js DEPLOY_CLI_PACKAGE_DIR INPUT OUTPUT [INPUT OUTPUT]...
//
// The schema is some 8 MB of JSON: ajv takes seconds to compile it, and V8
// seconds more to run the function it compiles to for the first time. The
// Deploy CLI builds a new ajv for every load, so all inputs are loaded in
// one process that compiles the schema once: ajv's validate is wrapped to
// reuse the function compiled for the same schema with the same options.
// Every input is still checked against the whole schema.
'use strict';
const path = require('path');
const fs = require('fs');

function compileSchemasOnce(lib) {
  const Ajv = require(require.resolve('ajv/lib/ajv', { paths: [path.join(lib, 'tools', 'auth0')] }));
  const compiled = new WeakMap(); // schema -> {options, validate}
  const validate = Ajv.prototype.validate;
  Ajv.prototype.validate = function (schema, data) {
    if (typeof schema !== 'object' || schema === null) {
      return validate.call(this, schema, data);
    }
    const options = JSON.stringify(this._opts);
    let c = compiled.get(schema);
    if (!c || c.options !== options) {
      c = { options, validate: this.compile(schema) };
      compiled.set(schema, c);
    }
    const valid = c.validate(data);
    this.errors = c.validate.errors;
    return valid;
  };
}

async function load(lib, input, output) {
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

async function main() {
  const [pkg, ...pairs] = process.argv.slice(2);
  if (pairs.length === 0 || pairs.length % 2 !== 0) {
    throw new Error('usage: node load.js DEPLOY_CLI_PACKAGE_DIR INPUT OUTPUT [INPUT OUTPUT]...');
  }
  const lib = path.join(pkg, 'lib');
  compileSchemasOnce(lib);
  for (let i = 0; i < pairs.length; i += 2) {
    try {
      await load(lib, pairs[i], pairs[i + 1]);
    } catch (err) {
      throw new Error(`${pairs[i]}: ${err && err.stack ? err.stack : err}`);
    }
  }
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
