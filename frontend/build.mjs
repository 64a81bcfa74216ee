// Bundles src/ into dist/assets/ (served by the app at /assets/). `npm run watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';

const watch = process.argv.includes('--watch');
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/assets', { recursive: true });
cpSync('src/favicon.svg', 'dist/assets/favicon.svg');
// Swagger UI for the API reference page (/api/docs), served from the app like every other asset.
mkdirSync('dist/assets/swagger-ui', { recursive: true });
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE']) {
  cpSync(`node_modules/swagger-ui-dist/${file}`, `dist/assets/swagger-ui/${file}`);
}

const options = {
  entryPoints: ['src/app.js', 'src/app.css', 'src/api-docs.js', { in: 'src/editor/index.js', out: 'editor' }, 'src/flow-upload.js'],
  entryNames: '[name]',
  outdir: 'dist/assets',
  bundle: true,
  minify: !watch,
  sourcemap: true,
  target: ['es2020', 'chrome110', 'firefox110', 'safari16'],
  logLevel: 'info',
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
