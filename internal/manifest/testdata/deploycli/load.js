// Loads Deploy CLI YAML files or directories with the Deploy CLI's own
// context loader (the code `a0deploy import` starts with; it also checks
// the assets against the Deploy CLI's own schema, with ajv), and writes the
// connections each read as JSON to its OUTPUT (its logger writes on stdout).
// Usage: node load.js DEPLOY_CLI_PACKAGE_DIR INPUT OUTPUT [INPUT OUTPUT]...
//
// The Deploy CLI's schema is one object schema with a property per asset
// type and no other properties allowed; some 8 MB of it is the prompts'
// (every screen in every language), which ajv takes seconds to compile and
// V8 seconds more to run for the first time. ajv checks a property's schema
// only where the data has that property (or where the schema gives it a
// default), so the same check is made with the root schema cut to those
// properties: every asset type present is checked against its whole schema,
// and an unknown one is refused as before. The function compiled for a cut
// is reused for the same cut and options.
'use strict';
const path = require('path');
const fs = require('fs');

function compileSchemasOnce(lib) {
  const Ajv = require(require.resolve('ajv/lib/ajv', { paths: [path.join(lib, 'tools', 'auth0')] }));
  const compiled = new Map(); // cut and options -> validate
  const validate = Ajv.prototype.validate;
  Ajv.prototype.validate = function (schema, data) {
    if (!isAssetsSchema(schema) || typeof data !== 'object' || data === null) {
      return validate.call(this, schema, data);
    }
    const cut = cutTo(schema, data);
    const key = JSON.stringify([Object.keys(cut.properties), this._opts]);
    if (!compiled.has(key)) {
      compiled.set(key, this.compile(cut));
    }
    const check = compiled.get(key);
    const valid = check(data);
    this.errors = check.errors;
    return valid;
  };
}

// isAssetsSchema tells the Deploy CLI's root schema: an object of asset
// types that allows no other property.
function isAssetsSchema(schema) {
  return typeof schema === 'object' && schema !== null && schema.type === 'object' &&
    schema.additionalProperties === false && typeof schema.properties === 'object';
}

// cutTo is schema with only the properties data has or that carry a default.
function cutTo(schema, data) {
  const properties = {};
  for (const [name, sub] of Object.entries(schema.properties)) {
    if (Object.prototype.hasOwnProperty.call(data, name) || (sub && sub.default !== undefined)) {
      properties[name] = sub;
    }
  }
  return { ...schema, properties };
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
