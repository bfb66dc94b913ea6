// Bundles the compiled CLI (dist/src/cli.js) into dist/bin/: one file per command plus shared
// chunks, dependencies included. Resolving and reading some 800 modules from node_modules was most
// of a command's start; a bundle is read as a few files. dist/bin sits two levels below the
// package root, as dist/src does, so paths.ts finds labs/ and compose/ from either.
import { build } from 'esbuild';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outdir = `${root}dist/bin`;
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const noBuildKit = here('./no-buildkit.cjs');

// Start-up weight no command needs: zod's locales, and ssh2 (dist/bin/ssh2.cjs) until an SSH engine is used.
const leaner = {
  name: 'leaner',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) =>
      a.importer.includes('/node_modules/zod/') ? { path: here('./zod-locales.js') } : undefined,
    );
    b.onResolve({ filter: /^ssh2$/ }, (a) =>
      a.importer.endsWith('ssh2-lazy.cjs') ? { path: './ssh2.cjs', external: true } : { path: here('./ssh2-lazy.cjs') },
    );
  },
};
await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { 'kafka-lab': 'dist/src/cli.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [leaner],
  // React's production build: its development one checks every render (several times the CPU of an idle screen).
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  // Native add-ons stay optional, as in node_modules (ssh2 and cpu-features try them and carry on);
  // Ink's devtools load only when DEV=true.
  external: ['cpu-features', '*.node', 'react-devtools-core'],
  alias: { '@grpc/grpc-js': noBuildKit, '@grpc/proto-loader': noBuildKit, protobufjs: noBuildKit },
  // CommonJS dependencies inside an ES module bundle still call require and read __dirname.
  banner: {
    js: [
      "import { createRequire as __kl_require } from 'node:module';",
      "import { fileURLToPath as __kl_path } from 'node:url';",
      'const require = __kl_require(import.meta.url);',
      'const __filename = __kl_path(import.meta.url);',
      "const __dirname = __kl_path(new URL('.', import.meta.url));",
    ].join(' '),
  },
});
// ssh2 in a file of its own beside the chunks, which ssh2-lazy.cjs requires on the first SSH connection: the
// package then needs no dependency installed. Its native add-ons stay out: ssh2 tries them and carries on
// (cpu-features only tunes the cipher order; sshcrypto has JavaScript fallbacks).
await build({
  absWorkingDir: root,
  stdin: { contents: "module.exports = require('ssh2');", resolveDir: root, sourcefile: 'ssh2-entry.cjs' },
  outfile: `${outdir}/ssh2.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['cpu-features', '*.node'],
});
await chmod(`${outdir}/kafka-lab.js`, 0o755);
// What each chunk holds, for anyone weighing a command's start (esbuild's analyzer reads it).
await writeFile(`${root}dist/bundle-meta.json`, JSON.stringify(result.metafile));
